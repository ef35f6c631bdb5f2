"""Build the binary documents of the held-out corpus (deterministic).

Run from the repository root: ``.venv/bin/python tests/corpus_holdout/build.py``. The generated files
are committed, so tests and the scorer never need to rebuild them. Text documents (.txt, .html, .md)
are written by hand in ``docs/``; this script only produces:

* ``ningbo_2024_yigai_tasks_autonum.docx``  headings and items numbered by Word auto-numbering
  (a numbering definition in numbering.xml; the numbers are NOT in the paragraph text)
* ``foshan_2023_hospital_hq_merged_units.docx`` a 5-column task table whose 责任单位 cells are merged
  vertically across rows
* ``feixi_county_2024_yigai_tasks.xlsx``    a county task list with a merged title row and a 备注 column
* ``guangxi_2023_service_system_plan.pdf``  a two-level PDF outline (bookmarks) and a ruled indicator
  table (reportlab, STSong-Light), text from ``build_src/guangxi_2023_service_system_plan.pdf.txt``
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
SRC = HERE / "build_src"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED = dt.datetime(2024, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fix_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps and member order so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps "modified" with the time of saving
                body = _MODIFIED.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", body)
            dst.writestr(info, body)
    return out.getvalue()


def _new_docx():
    from docx import Document

    doc = Document()
    doc.core_properties.created = FIXED
    doc.core_properties.modified = FIXED
    doc.core_properties.last_printed = FIXED
    doc.core_properties.author = "yigai holdout corpus"
    doc.core_properties.last_modified_by = "yigai holdout corpus"
    return doc


def _save_docx(doc, path: Path) -> None:
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_fix_zip(buf.getvalue()))


# --------------------------------------------------------------------------------------------------
# ningbo_2024_yigai_tasks_autonum.docx (synthetic). ("n0", text) = level-0 auto-numbered heading
# rendered "一、"; ("n1", text) = level-1 auto-numbered item rendered "1." (restarts under each heading).
NINGBO = [
    ("title", "宁波市深化医药卫生体制改革2024年重点工作任务"),
    ("p", "甬政办发〔2024〕12号"),
    (
        "p",
        "为深入推进健康宁波建设，持续深化医疗、医保、医药协同发展和治理，根据浙江省深化医药卫生体制改革"
        "工作部署，结合我市实际，制定本任务。",
    ),
    ("n0", "推动优质医疗资源扩容下沉"),
    (
        "n1",
        "推进省级区域医疗中心建设，2024年底前新增省级区域医疗中心两个。"
        "（牵头单位：市卫生健康委；责任单位：市发改委、市财政局）",
    ),
    (
        "n1",
        "深化山海协作和城乡医院结对帮扶，推动三级医院与县级医院结对帮扶全覆盖。"
        "（牵头单位：市卫生健康委；责任单位：各区（县、市）人民政府）",
    ),
    (
        "n1",
        "提升县域医疗服务能力，县域就诊率保持在90%以上，二级及以上公立医院平均住院日控制在8天以内。"
        "（牵头单位：市卫生健康委；责任单位：市医保局）",
    ),
    ("n0", "深化医疗医保医药协同改革"),
    (
        "n1",
        "落实政府投入责任，全市财政卫生健康支出年均增长8%，2024年上半年完成公立医院债务情况摸底。"
        "（牵头单位：市财政局；责任单位：市卫生健康委）",
    ),
    (
        "n1",
        "深化医疗服务价格改革，2024年6月底前完成新一轮医疗服务价格调整，"
        "公立医院医疗服务收入占医疗收入的比例提高到36%。"
        "（牵头单位：市医保局；责任单位：市卫生健康委、市财政局）",
    ),
    (
        "n1",
        "推进药品耗材集中带量采购，国家和省集采中选药品品种累计不少于450个。"
        "（牵头单位：市医保局；责任单位：市卫生健康委、市市场监管局）",
    ),
    ("n0", "强化公共卫生体系建设"),
    (
        "n1",
        "加强疾病预防控制体系建设，2024年第三季度完成市疾控中心实验室提标改造。"
        "（牵头单位：市疾控局；责任单位：市卫生健康委、市发改委）",
    ),
    (
        "n1",
        "深入推进健康宁波行动，居民健康素养水平提高到42%，每万人口全科医生数达到4.5人。"
        "（牵头单位：市卫生健康委；责任单位：市教育局、市体育局）",
    ),
    (
        "n1",
        "推进医养结合，65岁及以上老年人健康管理率达到70%以上。（牵头单位：市卫生健康委；责任单位：市民政局）",
    ),
    ("n0", "保障措施"),
    (
        "p",
        "各区（县、市）、各有关部门要加强组织领导，市医改办要建立任务清单，定期通报进展，确保各项任务落地见效。",
    ),
]

_NUMBERING_ID = 90


def _add_numbering(doc) -> int:
    """Add a two-level list definition: level 0 "一、" (chineseCounting), level 1 "1." (decimal)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = doc.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_NUMBERING_ID}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%2."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{_NUMBERING_ID}"><w:abstractNumId w:val="{_NUMBERING_ID}"/></w:num>'
    )
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)
    return _NUMBERING_ID


def _set_num(paragraph, num_id: int, level: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def build_ningbo(path: Path) -> None:
    doc = _new_docx()
    num_id = _add_numbering(doc)
    for kind, text in NINGBO:
        if kind == "title":
            doc.add_heading(text, level=1)
        elif kind == "n0":
            _set_num(doc.add_heading(text, level=2), num_id, 0)
        elif kind == "n1":
            _set_num(doc.add_paragraph(text), num_id, 1)
        else:
            doc.add_paragraph(text)
    _save_docx(doc, path)


# --------------------------------------------------------------------------------------------------
# foshan_2023_hospital_hq_merged_units.docx (synthetic). Columns: 序号 | 重点任务 | 具体措施 | 责任单位 |
# 完成时限. "" in 重点任务 or 责任单位 = merged with the cell above (vertical merge).
FOSHAN_BODY = [
    ("title", "佛山市推动公立医院高质量发展实施方案（2023—2025年）"),
    ("p", "佛府办〔2023〕8号"),
    (
        "p",
        "为贯彻落实《国务院办公厅关于推动公立医院高质量发展的意见》（国办发〔2021〕18号）和省有关部署，"
        "推动我市公立医院高质量发展，制定本方案。",
    ),
    ("h", "一、工作目标"),
    (
        "p",
        "到2025年，全市公立医院医疗服务收入占医疗收入的比例达到35%左右，三级公立医院门诊患者预约诊疗率"
        "不低于70%，二级及以上公立医院床位使用率不低于85%，力争3家医院在国家三级公立医院绩效考核中"
        "获评A+等级。",
    ),
    ("h", "二、重点任务"),
    ("p", "重点任务及分工见附表。责任单位中标注“（牵头）”的为牵头单位，其他为配合单位。"),
    ("h", "三、保障措施"),
    ("p", "各区、各有关部门要强化组织领导，落实政府投入责任，加强监测评价，确保各项任务取得实效。"),
    ("p", "附表：佛山市推动公立医院高质量发展重点任务分工表"),
]
FOSHAN_HEADER = ["序号", "重点任务", "具体措施", "责任单位", "完成时限"]
FOSHAN_ROWS = [
    [
        "1",
        "建设高水平医院",
        "推进高水平医院建设，2025年底前建成省高水平医院三所。",
        "市卫生健康局（牵头）、市发展改革局、市财政局",
        "2025年底前",
    ],
    [
        "2",
        "",
        "支持国家区域医疗中心建设，打造5G+智慧医院示范项目。",
        "",
        "2024年12月底前",
    ],
    [
        "3",
        "提升区级医院能力",
        "推动区级综合医院达到三级医院服务能力，每个区至少建成1家三级综合医院。",
        "",
        "2025年12月",
    ],
    [
        "4",
        "深化医保支付改革",
        "全面实施按病种分值付费（DIP），DIP付费医保基金支出占住院医保基金支出的比例达到70%以上。",
        "市医疗保障局（牵头）、市卫生健康局",
        "2023年12月",
    ],
    [
        "5",
        "",
        "建立医疗服务价格动态调整机制，每年开展一次调价评估。",
        "",
        "长期",
    ],
    [
        "6",
        "加强运营管理",
        "全面落实预算绩效管理，公立医院资产负债率降低到40%。",
        "市卫生健康局（牵头）、市财政局",
        "2025年底前",
    ],
    [
        "7",
        "深化薪酬制度改革",
        "落实“两个允许”要求，公立医院人员支出占业务支出的比例达到40%以上。",
        "市人社局（牵头）、市财政局、市卫生健康局",
        "2024年6月底前",
    ],
    [
        "8",
        "",
        "探索公立医院主要负责人年薪制，2024年起在三级公立医院推开。",
        "",
        "2024年起",
    ],
]


def _merge_down(table, rows: list[list[str]], col: int) -> None:
    """Merge column ``col`` downwards over rows whose value is "" (table row i+1 = data row i)."""
    start = 1
    for i in range(2, len(rows) + 2):
        if i <= len(rows) and rows[i - 1][col] == "":
            continue
        if i - 1 > start:
            merged = table.cell(start, col).merge(table.cell(i - 1, col))
            merged.text = rows[start - 1][col]
        start = i


def build_foshan(path: Path) -> None:
    doc = _new_docx()
    for kind, text in FOSHAN_BODY:
        if kind == "title":
            doc.add_heading(text, level=1)
        elif kind == "h":
            doc.add_heading(text, level=2)
        else:
            doc.add_paragraph(text)
    table = doc.add_table(rows=1 + len(FOSHAN_ROWS), cols=len(FOSHAN_HEADER))
    table.style = "Table Grid"
    for j, head in enumerate(FOSHAN_HEADER):
        table.cell(0, j).text = head
    for i, row in enumerate(FOSHAN_ROWS, start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    _merge_down(table, FOSHAN_ROWS, 1)
    _merge_down(table, FOSHAN_ROWS, 3)
    _save_docx(doc, path)


# --------------------------------------------------------------------------------------------------
# feixi_county_2024_yigai_tasks.xlsx (synthetic)
FEIXI_TITLE = "肥西县2024年深化医药卫生体制改革重点任务清单"
FEIXI_HEADER = ["序号", "工作任务", "责任单位（排名第一的为牵头单位）", "完成时限", "备注"]
FEIXI_ROWS = [
    [
        1,
        "推进紧密型县域医共体建设，完成医共体管理委员会调整，县域内就诊率达到90%以上。",
        "县卫健委、县医保局、县财政局",
        "2024年6月底前",
        "省级医改监测指标",
    ],
    [
        2,
        "加强乡镇卫生院能力建设，年内推动两所乡镇卫生院达到服务能力推荐标准。",
        "县卫健委、各乡镇人民政府",
        "2024年12月底前",
        None,
    ],
    [
        3,
        "推进村卫生室标准化建设，村卫生室乡村医生中执业（助理）医师比例提高到45%。",
        "县卫健委、县人社局",
        "2024年第三季度",
        "2026年起纳入乡村振兴实绩考核",
    ],
    [
        4,
        "深化医保支付方式改革，按病种分值付费（DIP）病种不少于600个。",
        "县医保局、县卫健委",
        "2024年12月底前",
        None,
    ],
    [
        5,
        "做实家庭医生签约服务，常住人口签约率达到40%，重点人群签约率不低于75%。",
        "县卫健委、各乡镇人民政府",
        "长期",
        "每季度通报签约进度",
    ],
    [
        6,
        "开展医疗质量安全监测，组织二级以上医疗机构开展医疗质量专项检查。",
        "县卫健委",
        "每季度",
        None,
    ],
    [
        7,
        "推进县级公立医院薪酬制度改革，合理核定绩效工资总量，落实“两个允许”。",
        "县人社局、县财政局、县卫健委",
        "2024年上半年",
        None,
    ],
    [
        8,
        "加强县级医院能力建设，县人民医院力争达到三级医院服务水平，县中医院创建二级甲等中医医院。",
        "县卫健委、县发改委",
        "2024年12月底前",
        "参照《安徽省“十四五”卫生健康发展规划》",
    ],
]


def build_feixi(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "yigai holdout corpus"
    ws = wb.active
    ws.title = "重点任务"
    ws.append([FEIXI_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FEIXI_HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(FEIXI_HEADER)
    for row in FEIXI_ROWS:
        ws.append(row)
    for col, width in zip("ABCDE", (6, 60, 30, 16, 28), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fix_zip(buf.getvalue()))


# --------------------------------------------------------------------------------------------------
# guangxi_2023_service_system_plan.pdf (synthetic). Source lines: "# text" = outline level 0 heading,
# "## text" = outline level 1 heading, "[table]" = the indicator table below, other lines = body.
GUANGXI_TABLE = [
    ["序号", "指标", "单位", "2025年目标值", "指标属性"],
    ["1", "每千人口医疗卫生机构床位数", "张", "≥6.5", "预期性"],
    ["2", "每千人口执业（助理）医师数", "人", "≥3.0", "预期性"],
    ["3", "每千人口注册护士数", "人", "≥3.6", "预期性"],
    ["4", "每万人口全科医生数", "人", "≥4", "约束性"],
    ["5", "县域内住院人次占比", "%", "≥80", "预期性"],
    ["6", "三级公立医院平均住院日", "天", "≤8.5", "预期性"],
    ["7", "公立医院床位使用率", "%", "85%-90%", "预期性"],
    ["8", "个人卫生支出占卫生总费用的比重", "%", "≤27", "约束性"],
    ["9", "二级以上综合医院设置老年医学科的比例", "%", "≥60", "预期性"],
]
GUANGXI_COLS = (34, 236, 40, 90, 70)


def build_guangxi(src: Path, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("广西壮族自治区进一步完善医疗卫生服务体系实施方案（2023—2025年）")
    c.setAuthor("yigai holdout corpus")
    width, height = A4
    size, leading, margin = 12, 20, 60
    per_line = int((width - 2 * margin) // size)
    state = {"y": height - margin, "page": 1, "mark": 0}

    def footer() -> None:
        c.setFont(font, 10)
        c.drawCentredString(width / 2, 30, f"— {state['page']} —")

    def need(space: float) -> None:
        if state["y"] - space < margin:
            footer()
            c.showPage()
            state["page"] += 1
            state["y"] = height - margin

    def line(text: str, font_size: int = size) -> None:
        need(leading)
        c.setFont(font, font_size)
        c.drawString(margin, state["y"], text)
        state["y"] -= leading

    def outline(text: str, level: int) -> None:
        need(leading)
        key = f"m{state['mark']}"
        state["mark"] += 1
        c.bookmarkHorizontal(key, margin, state["y"] + size)
        c.addOutlineEntry(text, key, level=level, closed=False)

    def table() -> None:
        row_h = 22
        need(row_h * len(GUANGXI_TABLE) + 10)
        top = state["y"] + size
        total_w = sum(GUANGXI_COLS)
        for r, row in enumerate(GUANGXI_TABLE):
            y_top = top - r * row_h
            x = margin
            for w, cell in zip(GUANGXI_COLS, row, strict=True):
                c.setFont(font, 10)
                c.drawString(x + 4, y_top - 15, cell)
                x += w
            c.line(margin, y_top, margin + total_w, y_top)
        bottom = top - len(GUANGXI_TABLE) * row_h
        c.line(margin, bottom, margin + total_w, bottom)
        x = margin
        for w in (0, *GUANGXI_COLS):
            x += w
            c.line(x, top, x, bottom)
        state["y"] = bottom - leading

    for raw in src.read_text(encoding="utf-8").split("\n"):
        if raw == "[table]":
            table()
        elif raw.startswith("## "):
            outline(raw[3:], 1)
            line(raw[3:])
        elif raw.startswith("# "):
            outline(raw[2:], 0)
            line(raw[2:])
        elif not raw:
            state["y"] -= leading / 2
        else:
            for i in range(0, len(raw), per_line):
                line(raw[i : i + per_line])
    footer()
    c.showPage()
    c.save()


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    build_ningbo(DOCS / "ningbo_2024_yigai_tasks_autonum.docx")
    build_foshan(DOCS / "foshan_2023_hospital_hq_merged_units.docx")
    build_feixi(DOCS / "feixi_county_2024_yigai_tasks.xlsx")
    build_guangxi(
        SRC / "guangxi_2023_service_system_plan.pdf.txt", DOCS / "guangxi_2023_service_system_plan.pdf"
    )
    print("built 4 documents in", DOCS)


if __name__ == "__main__":
    main()
