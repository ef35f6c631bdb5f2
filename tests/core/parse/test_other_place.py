"""A 实施方案 from another place (a Guizhou city, ``made_zunyi``) read the same as .docx, as its saved
信息公开 page and as that page printed to PDF by chromium (issue 16).

The golden is read from ``made_zunyi.PLAN`` by hand, by tests/corpus/GUIDELINES.md: the plan's own title
(not the 通知 wrapping it); lead = 牵头单位, co = 配合单位, with the directory's canonical names
(市医保局 → 市医疗保障局, 市人力资源社会保障局 → 市人力资源和社会保障局) and the locality group as one unit;
deadlines as written ("9月底前" → month end) or the end of the 2025 work plan; "（二）…" under 三、保障措施
are not tasks. Targets: every numeric goal; "控制在8天以内" is ≤ 8; the 20 乡镇卫生院 to upgrade are a total,
not "每个乡镇卫生院" like the 2 全科医生 before them; "完成一轮" has no numeral value.
What this document revealed (each fixed and tested here): the page's 信息分类/生成日期/是否有效 labels
ran into the neighbouring values (no 文号 from the page), the page's 通知 title replaced the plan's own,
a title line a little over half the page width was joined to the paragraph after it, and the
"每个…" scope of one clause was carried to a total in the next.
"""

from __future__ import annotations

from pathlib import Path

from made_documents import print_to_pdf
from made_zunyi import DOC_NUMBER, ISSUER, make_docx, make_web_page

from yigai.core.parse.extract import extract_bytes
from yigai.core.plan import Document

META = ("遵义市深化医药卫生体制改革2025年重点工作实施方案", DOC_NUMBER, ISSUER, "2025-05-20", 2025, 2025)
HEALTH, INSURANCE, HR, COUNTIES = (
    "市卫生健康局",
    "市医疗保障局",
    "市人力资源和社会保障局",
    "各县（市、区）人民政府",
)
TASKS = [
    ("1", "完善医共体运行机制", (HEALTH,), ("市财政局", INSURANCE), "2025-09-30"),
    ("2", "提升基层服务能力", (HEALTH,), (HR, COUNTIES), "2025-12-31"),
    ("3", "动态调整医疗服务价格", (INSURANCE,), (HEALTH,), "2025-10-31"),
    ("4", "推进按病组付费改革", (INSURANCE,), (HEALTH, "市财政局"), "2025-12-31"),
    ("5", "提升疾病预防控制能力", (HEALTH,), ("市发展改革委",), "2025-12-31"),
    ("6", "做实慢性病健康管理", (HEALTH,), (COUNTIES,), "2025-12-31"),
    ("7", "加强人才引进培养", (HEALTH,), ("市委组织部", HR), "2025-12-31"),
]
# (task number or None, comparator, value, unit, year, scope)
TARGETS = [
    (None, ">=", 85, "%", 2025, "全市"),  # 县域内住院量占比达到85%以上
    (None, "<=", 8, "天", 2025, "全市"),  # 平均住院日控制在8天以内
    (None, ">=", 45, "%", 2025, "全市"),  # 家庭医生签约服务覆盖率提高到45%以上
    ("2", ">=", 2, "名", 2025, "每个乡镇卫生院"),  # 每个乡镇卫生院至少配备2名全科医生
    ("2", ">=", 20, "个", 2025, None),  # 完成20个乡镇卫生院提质升级: a total
    ("4", ">=", 70, "%", 2025, "全市"),  # 全市…DRG付费结算病例占比不低于70%
    ("6", ">=", 65, "%", 2025, None),  # 高血压患者规范管理率达到65%以上
    ("7", ">=", 100, "名", 2025, None),  # 引进急需紧缺医疗卫生人才100名以上
    ("7", ">=", 50, "名", 2025, None),  # 选派50名基层医务人员
]
GOLDEN = (META, TASKS, TARGETS)


def summary(doc: Document) -> tuple[object, ...]:
    number = {t.id: t.number for t in doc.tasks}
    return (
        (doc.title, doc.doc_number, doc.issuer, doc.issued_on, doc.period_start, doc.period_end),
        [(t.number, t.title, t.lead_units, t.co_units, t.deadline) for t in doc.tasks],
        [(number.get(g.task_id or ""), g.comparator, g.value, g.unit, g.year, g.scope) for g in doc.targets],
    )


def test_docx_golden() -> None:
    doc = extract_bytes("实施方案.docx", make_docx())
    assert summary(doc) == GOLDEN
    assert doc.warnings == ()


def test_saved_page_reads_the_guizhou_information_table() -> None:
    doc = extract_bytes("page.html", make_web_page().encode("utf-8"))
    assert summary(doc) == GOLDEN
    assert all("是否有效" not in t.text and "ICP" not in t.text for t in doc.tasks)


def test_printed_page_gives_the_same_plan_as_the_docx(tmp_path: Path) -> None:
    pdf = print_to_pdf(make_web_page(), tmp_path)
    doc = extract_bytes("page.pdf", pdf)
    assert summary(doc) == GOLDEN
