"""Genre patterns found by the genre corpus (tests/corpus_genre, session 4): each test failed before its fix.

* a unit tag that ends with the task's time ("（省医保局牵头，省卫生健康委配合，6月底前完成）",
  "（…按职责分工负责，持续推进）", "（…配合；2023年12月底前完成）"): the time is the deadline, not a unit;
* a month or "年底前" without a year ("9月底前完成…", a 完成时限 cell "12月底前") in a one-year plan: that year;
* "具体工作" as the task column of a 任务清单;
* "每千人口拥有执业（助理）医师3.2人、注册护士3.8人": "拥有" makes the list a goal;
* the closing paragraph ("各地、各有关部门要…") after the last task is not part of it;
* "95%以上的…能够提供6类以上中医药技术方法": the count describes the share's members, it is no target.
"""

from __future__ import annotations

from yigai.core.parse.dates import find_dates, parse_deadline_cell
from yigai.core.parse.extract import extract_text
from yigai.core.parse.table_columns import roles
from yigai.core.parse.targets import find_targets
from yigai.core.parse.unit_tags import parse_unit_text, take_trailing_tag


# --- unit tags that end with the time ------------------------------------------------------------
def test_tag_with_month_deadline_keeps_units_and_time() -> None:
    text, units = take_trailing_tag("完成价格调整评估。（省医保局牵头，省卫生健康委配合，6月底前完成）")
    assert units is not None
    assert (units.lead, units.co, units.when) == (("省医疗保障局",), ("省卫生健康委",), "6月底前完成")
    assert text == "完成价格调整评估。"


def test_tag_with_duty_tail_and_time_is_read() -> None:
    units = parse_unit_text("省卫生健康委、省医保局、省市场监管局、省药监局按职责分工负责，9月底前完成")
    assert units is not None
    assert units.lead == ("省卫生健康委",)
    assert units.co == ("省医疗保障局", "省市场监督管理局", "省药品监督管理局")
    assert units.when == "9月底前完成"


def test_tag_with_standing_work_has_no_time_unit() -> None:
    for tag, lead in (
        ("省医保局负责，持续推进", "省医疗保障局"),
        ("县卫体局牵头，县人社局、县财政局配合；持续推进", "县卫体局"),
        ("县医保局牵头，县财政局配合；2023年12月底前完成", "县医疗保障局"),
    ):
        units = parse_unit_text(tag)
        assert units is not None, tag
        assert units.lead == (lead,), tag
        assert not any("推进" in u or "完成" in u for u in units.co), units.co


def test_tag_time_becomes_the_task_deadline() -> None:
    doc = extract_text(
        "g.txt",
        "某省深化医药卫生体制改革2024年重点工作任务\n一、深化医保改革\n"
        "（一）深化医疗服务价格改革。完成2024年度医疗服务价格调整评估。（省医保局牵头，省卫生健康委配合，6月底前完成）\n"
        "（二）开展专项整治。完成医疗机构自查自纠。（省卫生健康委、省医保局按职责分工负责，9月底前完成）\n"
        "（三）实行打包付费。落实结余留用政策。（县医保局牵头，县财政局配合；2023年12月底前完成）\n",
    )
    got = [(t.lead_units, t.deadline, t.deadline_source) for t in doc.tasks]
    assert got == [
        (("省医疗保障局",), "2024-06-30", "text"),
        (("省卫生健康委",), "2024-09-30", "text"),
        (("县医疗保障局",), "2023-12-31", "text"),
    ]


# --- months without a year in a one-year plan ---------------------------------------------------
def test_month_without_year_takes_the_plan_year() -> None:
    assert [m.date for m in find_dates("9月底前完成医共体内部管理制度建设", plan_year=2024)] == ["2024-09-30"]
    assert [m.date for m in find_dates("年底前全省集采药品品种累计达到500个以上", plan_year=2024)] == [
        "2024-12-31"
    ]
    assert parse_deadline_cell("12月底前", plan_year=2024) == "2024-12-31"
    assert parse_deadline_cell("6月底前", plan_year=2024) == "2024-06-30"


def test_month_without_year_needs_a_plan_year_and_a_deadline_word() -> None:
    assert find_dates("9月底前完成医共体内部管理制度建设") == []  # no plan year: unknown
    for text in ("于每月5日前报送", "3个月内完成", "每年底前报送", "3年内完成", "每季度通报一次"):
        assert find_dates(text, plan_year=2024) == [], text


def test_month_without_year_in_an_annual_plan_dates_tasks_and_cells() -> None:
    doc = extract_text(
        "n.txt",
        "某市卫生健康委员会关于做好2024年家庭医生签约服务工作的通知\n二、重点任务\n"
        "（一）丰富签约服务内容。每个县至少推出5个特色签约服务包。6月底前，各县要完成签约服务包备案。\n"
        "（二）加强信息化建设。年底前实现签约服务信息系统互联互通。\n",
    )
    assert doc.period_end == 2024
    assert [t.deadline for t in doc.tasks] == ["2024-06-30", "2024-12-31"]


# --- task-list columns --------------------------------------------------------------------------
def test_specific_work_column_is_the_task_text() -> None:
    assert roles(["序号", "重点任务", "具体工作", "责任单位", "完成时限"]) == [
        "number", "group", "text", "units", "deadline",
    ]  # fmt: skip


# --- "拥有" lists ---------------------------------------------------------------------------------
def test_per_population_list_after_yongyou() -> None:
    found = find_targets(
        "到2024年底，全省每千人口拥有执业（助理）医师3.2人、注册护士3.8人，预约诊疗率达到60%以上。"
    )
    got = [(f.comparator, f.value, f.unit, f.per, f.year) for f in found]
    assert got == [
        (">=", 3.2, "人", "每千人口", 2024),
        (">=", 3.8, "人", "每千人口", 2024),
        (">=", 60, "%", None, 2024),
    ]


# --- a count that describes the members of a share ------------------------------------------------
def test_count_inside_a_share_clause_is_not_a_target() -> None:
    found = find_targets(
        "95%以上的社区卫生服务中心和乡镇卫生院能够提供6类以上中医药技术方法。", fallback_year=2025
    )
    assert [(f.comparator, f.value, f.unit) for f in found] == [(">=", 95, "%")]


# --- the closing paragraph after the last task ----------------------------------------------------
def test_closing_paragraph_is_not_part_of_the_last_task() -> None:
    doc = extract_text(
        "c.txt",
        "某省深化医药卫生体制改革2024年重点工作任务\n一、统筹推进其他重点改革\n"
        "（一）推进中医药传承创新发展。实施中医药振兴发展重大工程。（省中医药局牵头，省卫生健康委配合）\n\n"
        "各地、各有关部门要加强组织领导，细化工作措施，确保各项任务落到实处。\n",
    )
    (task,) = doc.tasks
    assert (task.lead_units, task.co_units) == (("省中医药管理局",), ("省卫生健康委",))
    assert "各有关部门要加强组织领导" not in task.text


# --- the plan's own title under the 通知 that prints it -------------------------------------------
def test_own_title_after_the_printing_notice() -> None:
    doc = extract_text(
        "w.txt",
        "某市人民政府办公室关于印发某市进一步完善医疗卫生服务体系实施方案的通知\n某政办发〔2024〕21号\n"
        "各区市县人民政府，市政府各委办局：\n经市政府同意，现将《某市进一步完善医疗卫生服务体系实施方案》印发给你们，请认真组织实施。\n"
        "某市人民政府办公室\n2024年5月20日\n某市进一步完善医疗卫生服务体系实施方案\n"
        "一、重点任务\n（一）推进社区医院建设。到2025年，社区医院数量达到40家。（市卫生健康委负责）\n",
    )
    assert doc.title == "某市进一步完善医疗卫生服务体系实施方案"


# --- a section that points to its annex is no task -----------------------------------------------
def test_section_pointing_to_the_annex_is_not_a_task() -> None:
    doc = extract_text(
        "a.txt",
        "某市进一步完善医疗卫生服务体系实施方案\n一、工作目标\n到2025年，县域内就诊率稳定在90%左右。\n"
        "二、重点任务\n围绕基层能力提升等方面，明确6个方面10项重点任务，具体任务分工见附件。\n"
        "三、保障措施\n（一）加强组织领导。各区要抓好落实。\n",
    )
    assert doc.tasks == ()
    assert [(t.comparator, t.value) for t in doc.targets] == [("=", 90)]


# --- a list of other articles under the page's document ------------------------------------------
def test_related_articles_list_is_not_the_document() -> None:
    html = (
        "<html><head><title>关于做好2024年家庭医生签约服务工作的通知-通知公告-某市卫生健康委员会</title></head><body>"
        "<div>首页 | 政务公开 | 通知公告</div><div>您当前的位置：首页 &gt; 通知公告</div>"
        "<h2>关于做好2024年家庭医生签约服务工作的通知</h2>"
        "<p>二、重点任务</p><p>（一）扩大签约服务供给。每个乡镇卫生院至少组建3个家庭医生团队。</p>"
        "<div><h3>相关信息</h3><ul><li>全市建成社区医院18家 基层服务能力持续提升</li>"
        "<li>2023年全市家庭医生签约服务覆盖率达到43.6%</li></ul></div>"
        "<div>主办单位：某市卫生健康委员会　网站标识码：4103000012</div></body></html>"
    )
    from yigai.core.parse.extract import extract_bytes

    doc = extract_bytes("n.html", html.encode("utf-8"))
    assert doc.title == "关于做好2024年家庭医生签约服务工作的通知"
    assert doc.period_end == 2024
    assert [(t.value, t.unit) for t in doc.targets] == [(3, "个")]


# --- once a period is a frequency -----------------------------------------------------------------
def test_once_a_year_is_not_a_target() -> None:
    assert find_targets("动态调整医疗服务价格，年内开展1次医疗服务价格调整评估。", fallback_year=2024) == []
    assert find_targets("每季度开展1次督导检查。", fallback_year=2024) == []
    kept = find_targets("每年开展健康讲座不少于12次。", fallback_year=2024)
    assert [(f.value, f.unit) for f in kept] == [(12, "次")]
