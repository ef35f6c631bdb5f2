"""The two Word documents of the held-out corpus: their contents and how each is laid out (see build.py)."""

from __future__ import annotations

from pathlib import Path

from build_ooxml import new_docx, save_docx

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
    doc = new_docx()
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
    save_docx(doc, path)


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
    doc = new_docx()
    for kind, text in FOSHAN_BODY:
        if kind == "title":
            doc.add_heading(text, level=1)
        elif kind == "h":
            doc.add_heading(text, level=2)
        else:
            doc.add_paragraph(text)
    add_task_table(doc, FOSHAN_HEADER, FOSHAN_ROWS, merged=(1, 3))
    save_docx(doc, path)


def add_task_table(doc, header: list[str], rows: list[list[str]], merged: tuple[int, ...]) -> None:
    """A ruled table: the header row, then the rows; the ``merged`` columns merged downwards over ""."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for j, head in enumerate(header):
        table.cell(0, j).text = head
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    for col in merged:
        _merge_down(table, rows, col)
