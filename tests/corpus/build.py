"""Build the binary and re-encoded documents of the evaluation corpus (deterministic).

Run from the repository root: ``.venv/bin/python tests/corpus/build.py``. The generated files are
committed, so tests and the scorer never need to rebuild them. Text documents (.txt, .html) are
written by hand in ``docs/``; this script only produces:

* ``nanjing_hospital_hq_table.docx``   body paragraphs + a task-division table (python-docx)
* ``jining_county_yigongti_tasks.xlsx`` a task list with merged 重点任务 cells (openpyxl)
* ``gansu_medical_service_system_plan.pdf`` from ``build_src/…pdf.txt`` (reportlab, STSong-Light)
* ``qujing_2017_yigai_tasks_gbk.txt``  GBK re-encoding of ``build_src/…gbk.txt.src``
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
SRC = HERE / "build_src"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------------------------------
# nanjing_hospital_hq_table.docx (synthetic)
NANJING_BODY = [
    ("title", "南京市推动公立医院高质量发展实施方案"),
    ("p", "宁政办发〔2022〕47号"),
    (
        "p",
        "为贯彻落实《国务院办公厅关于推动公立医院高质量发展的意见》（国办发〔2021〕18号）和省有关工作要求，"
        "推动我市公立医院高质量发展，结合我市实际，制定本方案。",
    ),
    ("h", "一、总体要求"),
    (
        "p",
        "坚持以人民健康为中心，坚持政府主导、公益性主导、公立医院主体地位，力争通过5年努力，"
        "公立医院发展方式从规模扩张转向提质增效，运行模式从粗放管理转向精细化管理。",
    ),
    ("h", "二、工作目标"),
    (
        "p",
        "到2025年，全市三级公立医院平均住院日控制在8天以内，公立医院医疗服务收入（不含药品、耗材、检查、"
        "化验收入）占医疗收入的比例达到35%以上，三级公立医院门诊患者平均预约诊疗率达到60%以上。"
        "到2023年、2025年，全市三级公立医院电子病历系统应用水平分级评价平均级别分别达到4级、5级。",
    ),
    ("h", "三、重点任务"),
    ("p", "具体任务详见附件。各项任务牵头单位负责统筹推进，配合单位按职责分工落实。"),
    ("h", "四、保障措施"),
    ("p", "各区、各有关部门要加强组织领导，落实投入责任，加强监测评价，确保各项任务落到实处。"),
    ("p", "附件：南京市推动公立医院高质量发展重点任务分工表"),
]
NANJING_HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]
NANJING_ROWS = [
    [
        "1",
        "构建公立医院高质量发展新体系",
        "推进国家区域医疗中心和省级区域医疗中心建设，打造一批高水平临床重点专科，"
        "“十四五”期间新增省级临床重点专科不少于20个。",
        "市卫生健康委",
        "市发改委、市财政局",
        "2025年底前",
    ],
    [
        "2",
        "",
        "推进紧密型城市医疗集团建设，每个区至少组建1个城市医疗集团，实现网格化布局管理。",
        "市卫生健康委",
        "各区人民政府",
        "2023年12月",
    ],
    [
        "3",
        "",
        "加强区级医院能力建设，二级以上公立医院全部设置公共卫生科，推动区级医院达到三级医院服务水平。",
        "市卫生健康委",
        "市委编办",
        "2024年12月",
    ],
    [
        "4",
        "引领公立医院高质量发展新趋势",
        "加强临床专科建设，推广日间手术，三级公立医院日间手术占择期手术的比例达到20%。",
        "市卫生健康委",
        "市医保局",
        "2025年底前",
    ],
    [
        "5",
        "",
        "推进5G+医疗健康应用，二级以上公立医院全部接入市级全民健康信息平台。",
        "市卫生健康委",
        "市数据局、市工信局",
        "2023年6月底前",
    ],
    [
        "6",
        "提升公立医院高质量发展新效能",
        "健全运营管理体系，全面落实预算管理，公立医院资产负债率控制在50%以下。",
        "市卫生健康委",
        "市财政局",
        "持续推进",
    ],
    [
        "7",
        "",
        "加强护理队伍建设，全市二级以上医院医护比达到1:1.2，三级医院达到1:1.5。",
        "市卫生健康委",
        "市人社局、市财政局",
        "2025年底前",
    ],
    [
        "8",
        "激活公立医院高质量发展新动力",
        "改革人事管理制度，合理核定公立医院编制总量，落实公立医院用人自主权。",
        "市委编办",
        "市卫生健康委、市人社局",
        "2024年12月",
    ],
    [
        "9",
        "",
        "推进薪酬制度改革，落实“两个允许”要求，人员支出占业务支出的比例力争达到45%。",
        "市人社局",
        "市财政局、市卫生健康委",
        "2025年底前",
    ],
    [
        "10",
        "",
        "深化医疗服务价格改革，建立医疗服务价格动态调整机制，每年开展一次调价评估。",
        "市医保局",
        "市卫生健康委、市财政局",
        "长期坚持",
    ],
    [
        "11",
        "",
        "深化医保支付方式改革，2023年起全面推行DRG付费，DRG付费病种覆盖率不低于90%。",
        "市医保局",
        "市卫生健康委",
        "2023年12月",
    ],
    [
        "12",
        "建设公立医院高质量发展新文化",
        "建立医务人员职业荣誉制度，每年开展一次优秀医务工作者评选表彰活动。",
        "市卫生健康委",
        "市总工会、市人社局",
        "长期坚持",
    ],
]

# --------------------------------------------------------------------------------------------------
# jining_county_yigongti_tasks.xlsx (synthetic); "" in 重点任务 = merged with the cell above
JINING_TITLE = "济宁市全面推进紧密型县域医疗卫生共同体建设任务清单（2023—2025年）"
JINING_HEADER = ["序号", "重点任务", "工作内容", "牵头单位", "配合单位", "完成时限"]
JINING_ROWS = [
    [
        1,
        "健全管理体制",
        "成立由县（市、区）党委或政府主要负责同志任主任的医共体管理委员会，统筹医共体规划建设、投入保障和人事安排。",
        "各县（市、区）人民政府",
        "市卫生健康委",
        "2023年6月底前",
    ],
    [
        2,
        "",
        "制定医共体章程，明确牵头医院和成员单位权责清单。",
        "各县（市、区）人民政府",
        "市卫生健康委、市委编办",
        "2023年12月",
    ],
    [
        3,
        "推进资源共享",
        "建设医学检验、医学影像、心电诊断、病理诊断和消毒供应等资源共享中心，每个医共体建成不少于5个资源共享中心。",
        "市卫生健康委",
        "市发展改革委、市财政局",
        "2024年12月",
    ],
    [
        4,
        "",
        "推进县域医共体信息化建设，实现医共体内电子健康档案和电子病历信息互通共享。",
        "市卫生健康委",
        "市大数据局",
        "2024年底前",
    ],
    [
        5,
        "提升服务能力",
        "推动县级医院能力提升，县域内就诊率达到90%左右，基层医疗卫生机构诊疗量占比达到65%以上。",
        "市卫生健康委",
        "各县（市、区）人民政府",
        "到2025年",
    ],
    [
        6,
        "",
        "加强县域医疗次中心建设，每个县（市、区）建成两所以上县域医疗次中心，超过50万人口的县（市、区）不少于3所。",
        "市卫生健康委",
        "市发改委、各县（市、区）人民政府",
        "2025年12月",
    ],
    [
        7,
        "",
        "实施乡镇卫生院服务能力提升行动，到2023年、2025年，乡镇卫生院达到服务能力推荐标准的比例分别达到30%、40%。",
        "市卫生健康委",
        "各县（市、区）人民政府",
        "2025年12月",
    ],
    [
        8,
        "深化医保支付改革",
        "对医共体实行医保基金总额付费，加强监督考核，结余留用、合理超支分担。",
        "市医疗保障局",
        "市卫生健康委、市财政局",
        "2023年12月",
    ],
    [
        9,
        "",
        "完善医共体内医保支付政策，基层医疗卫生机构医保基金支出占比每年提高1-3个百分点。",
        "市医保局",
        "市卫生健康委",
        "持续推进",
    ],
    [
        10,
        "加强人才队伍建设",
        "实施基层卫生人才工程，2023年起每年为乡镇卫生院招聘医学类本科毕业生不少于100名。",
        "市人社局",
        "市卫生健康委、市财政局",
        "长期坚持",
    ],
    [
        11,
        "",
        "推进乡村医生“县管乡用、乡聘村用”，每个行政村至少配备1名乡村医生。",
        "市卫生健康委",
        "各县（市、区）人民政府",
        "2024年12月",
    ],
]


def _fix_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps and member order so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return out.getvalue()


def build_docx(path: Path) -> None:
    import datetime as dt

    from docx import Document

    doc = Document()
    fixed = dt.datetime(2024, 1, 1)
    doc.core_properties.created = fixed
    doc.core_properties.modified = fixed
    doc.core_properties.last_printed = fixed
    doc.core_properties.author = "yigai corpus"
    doc.core_properties.last_modified_by = "yigai corpus"
    for kind, text in NANJING_BODY:
        if kind == "title":
            doc.add_heading(text, level=1)
        elif kind == "h":
            doc.add_heading(text, level=2)
        else:
            doc.add_paragraph(text)
    doc.add_paragraph("附件")
    doc.add_paragraph("南京市推动公立医院高质量发展重点任务分工表")
    table = doc.add_table(rows=1 + len(NANJING_ROWS), cols=len(NANJING_HEADER))
    table.style = "Table Grid"
    for j, head in enumerate(NANJING_HEADER):
        table.cell(0, j).text = head
    for i, row in enumerate(NANJING_ROWS, start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    # merge the 重点任务 cells that continue a group (vertical merge, like the real tables)
    start = 1
    for i in range(2, len(NANJING_ROWS) + 2):
        if i <= len(NANJING_ROWS) and NANJING_ROWS[i - 1][1] == "":
            continue
        if i - 1 > start:
            table.cell(start, 1).merge(table.cell(i - 1, 1))
            table.cell(start, 1).text = NANJING_ROWS[start - 1][1]
        start = i
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_fix_zip(buf.getvalue()))


def build_xlsx(path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.properties.created = dt.datetime(2024, 1, 1)
    wb.properties.modified = dt.datetime(2024, 1, 1)
    wb.properties.creator = "yigai corpus"
    ws = wb.active
    ws.title = "任务清单"
    ws.append([JINING_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(JINING_HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(JINING_HEADER)
    first_data_row = 3
    for row in JINING_ROWS:
        ws.append([None if v == "" else v for v in row])
    # merge 重点任务 groups
    start = first_data_row
    last = first_data_row + len(JINING_ROWS) - 1
    for r in range(first_data_row + 1, last + 2):
        if r <= last and ws.cell(r, 2).value is None:
            continue
        if r - 1 > start:
            ws.merge_cells(start_row=start, start_column=2, end_row=r - 1, end_column=2)
        start = r
    for col, width in zip("ABCDEF", (6, 16, 60, 22, 30, 14), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fix_zip(buf.getvalue()))


def _wrap(text: str, width: int) -> list[str]:
    """Hard-wrap a paragraph every ``width`` characters, as a PDF page does (mid-sentence breaks)."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def build_pdf(src: Path, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("甘肃省医疗卫生服务体系规划（2021—2025年）")
    c.setAuthor("yigai corpus")
    width, height = A4
    size, leading, margin = 12, 20, 60
    per_line = int((width - 2 * margin) // size)
    y = height - margin
    page = 1

    def footer() -> None:
        c.setFont("STSong-Light", 10)
        c.drawCentredString(width / 2, 30, f"— {page} —")

    for para in src.read_text(encoding="utf-8").split("\n"):
        lines = _wrap(para, per_line) if para else [""]
        for line in lines:
            if y < margin + 20:
                footer()
                c.showPage()
                page += 1
                y = height - margin
            c.setFont("STSong-Light", size)
            c.drawString(margin, y, line)
            y -= leading
    footer()
    c.showPage()
    c.save()


def build_gbk(src: Path, path: Path) -> None:
    text = src.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("gbk"))


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_docx(DOCS / "nanjing_hospital_hq_table.docx")
    build_xlsx(DOCS / "jining_county_yigongti_tasks.xlsx")
    build_pdf(
        SRC / "gansu_medical_service_system_plan.pdf.txt", DOCS / "gansu_medical_service_system_plan.pdf"
    )
    build_gbk(SRC / "qujing_2017_yigai_tasks_gbk.txt.src", DOCS / "qujing_2017_yigai_tasks_gbk.txt")
    print("built 4 documents in", DOCS)


if __name__ == "__main__":
    main()
