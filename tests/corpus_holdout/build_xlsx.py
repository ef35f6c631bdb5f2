"""The spreadsheet of the held-out corpus: its rows and layout (see build.py)."""

from __future__ import annotations

import io
from pathlib import Path

from build_ooxml import FIXED, fix_zip

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
    path.write_bytes(fix_zip(buf.getvalue()))
