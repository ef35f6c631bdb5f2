"""Error classes seen on unseen documents of the genre (issue 15), one test per pattern.

Each wording here is of the *kind* that failed, not the failing document itself: baselines in 发展基础 passages,
分别 over years and values, ratio targets, clause-bounded indicator names, cross-references that are not units,
unit tags with bodies outside the directory, the "以下责任单位均包括…" convention, distributive and count targets,
fund-share ranges, and the review hints every task and target carries.
"""

from __future__ import annotations

from yigai.core.parse.extract import extract_text
from yigai.core.parse.targets import find_targets
from yigai.core.parse.unit_tags import take_trailing_tag
from yigai.core.plan import RATIO_UNIT


def _vals(found: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(f.comparator, f.value, f.value_max, f.unit, f.year) for f in found]


# ---- tense and section role ----------------------------------------------------------------------

_BASELINE_PLAN = """某省卫生健康事业发展“十四五”规划
一、发展基础
“十三五”时期，全省卫生健康事业取得显著成效。2020年，全省居民健康素养水平达到31.7%，婴儿死亡率和5岁以下儿童死亡率分别为0.63‰和2.52‰，农村卫生户厕普及率达99.9%。人均预期寿命由2015年的76.2岁提高到2020年的78.3岁，力争到2025年提高到82.25岁。
二、主要目标
到2025年，居民健康素养水平达到35%以上，孕产妇死亡率控制在10/10万以下。
三、主要任务
（一）提升服务能力。到2025年，每千人口执业（助理）医师数达到3.2人。（责任单位：省卫生健康委）
"""


def test_baseline_passage_values_are_not_targets_but_its_goal_is() -> None:
    doc = extract_text("plan.txt", _BASELINE_PLAN)
    got = [(t.indicator, t.value, t.year) for t in doc.targets]
    assert all(t.value not in (31.7, 0.63, 2.52, 99.9, 78.3) for t in doc.targets), got
    assert ("人均预期寿命", 82.25, 2025) in got
    assert {t.value for t in doc.targets} >= {35, 10, 3.2, 82.25}


def test_past_year_inside_a_goals_section_is_a_baseline() -> None:
    found = find_targets("2020年，全省居民健康素养水平达到31.7%，到2025年达到35%以上", base_year=2021)
    assert _vals(found) == [(">=", 35, None, "%", 2025)]


def test_one_value_one_target_no_overlapping_quotes() -> None:
    found = find_targets("到2025年，婴儿死亡率和5岁以下儿童死亡率分别降至5‰和6‰以下")
    assert [f.value for f in found] == [5, 6]
    assert found[0].quote not in found[1].quote or found[0].indicator != found[1].indicator


def test_life_expectancy_in_years_is_a_target() -> None:
    found = find_targets("到2025年，人均预期寿命提高到82.25岁")
    assert _vals(found) == [(">=", 82.25, None, "岁", 2025)]
    assert find_targets("65岁及以上老年人健康管理率达到70%")[0].value == 70


# ---- 分别 over years and values ------------------------------------------------------------------


def test_year_list_distributes_over_each_listed_run() -> None:
    text = (
        "到2022年和2030年，城乡居民达到《国民体质测定标准》合格以上的人数比例分别不少于90.86%和92.17%，"
        "经常参加体育锻炼人数比例达到37%及以上和40%及以上。"
    )
    found = find_targets(text, fallback_year=2030)
    assert _vals(found) == [
        (">=", 90.86, None, "%", 2022),
        (">=", 92.17, None, "%", 2030),
        (">=", 37, None, "%", 2022),
        (">=", 40, None, "%", 2030),
    ]


def test_fenbie_without_matching_counts_is_flagged() -> None:
    found = find_targets("到2022年和2030年，健康素养水平分别达到22%、25%和30%")
    assert found and all(f.hint is not None and f.hint.confidence <= 0.5 for f in found)


# ---- ratios ----------------------------------------------------------------------------------------


def test_ratio_targets_use_the_plan_convention() -> None:
    found = find_targets("到2025年，公立医院床人比不低于1:1.6，医护比不低于1∶1.2，全区医护比1:1.25。")
    assert _vals(found) == [
        (">=", 1.6, None, RATIO_UNIT, 2025),
        (">=", 1.2, None, RATIO_UNIT, 2025),
        ("=", 1.25, None, RATIO_UNIT, 2025),
    ]
    assert [f.indicator for f in found] == ["公立医院床人比", "医护比", "医护比"]


def test_indicator_is_bounded_by_its_clause() -> None:
    found = find_targets("到2025年，50%以上旗区级综合医院达到三级医院服务能力，医护比1:1.25。")
    assert _vals(found) == [(">=", 50, None, "%", 2025), ("=", 1.25, None, RATIO_UNIT, 2025)]
    assert "医护比" not in found[0].indicator and "综合医院" in found[0].indicator


# ---- distributive and count targets, fund shares --------------------------------------------------


def test_distributive_each_scope_each_object() -> None:
    found = find_targets(
        "到2025年，每个市建成2所市级、每个县（市、区）建成1所危重孕产妇救治中心和危重新生儿救治中心。"
    )
    assert sorted((f.scope, f.value, f.indicator) for f in found) == [
        ("每个县（市、区）", 1, "危重孕产妇救治中心数量"),
        ("每个县（市、区）", 1, "危重新生儿救治中心数量"),
        ("每个市", 2, "市级危重孕产妇救治中心数量"),
        ("每个市", 2, "市级危重新生儿救治中心数量"),
    ]


def test_at_least_one_of_each_listed_object() -> None:
    found = find_targets(
        "2023年底前，每个市至少有1个儿童医院、康复医院、传染病专科医院或综合医院传染病区床位数达到要求。"
    )
    assert _vals(found) == [(">=", 1, None, "个", 2023)] * 3
    assert [f.indicator for f in found][:2] == ["儿童医院数量", "康复医院数量"]


def test_count_of_projects_advanced() -> None:
    found = find_targets("推进3个县级医院救治能力提升项目建设。", fallback_year=2025)
    assert _vals(found) == [(">=", 3, None, "个", 2025)]


def test_fund_share_ranges() -> None:
    found = find_targets(
        "结余留用资金中60%至70%用于医务人员薪酬发放，30%至40%用于医疗机构发展。", fallback_year=2025
    )
    assert _vals(found) == [("range", 60, 70, "%", 2025), ("range", 30, 40, "%", 2025)]


# ---- units: cross-references, unknown bodies, conventions, quotes --------------------------------


def test_cross_reference_is_not_a_unit() -> None:
    text, units = take_trailing_tag("加快政策开发。（各部门政策开发的重点领域见附件）")
    assert units is None and text.endswith("（各部门政策开发的重点领域见附件）")


def test_unknown_bodies_are_kept_as_written_with_the_known_ones() -> None:
    _, units = take_trailing_tag(
        "开展健康宣传。（省卫生健康委、省广播电视台、团省委、省总工会、省妇联、省科协、省计生协等按职责分工负责）"
    )
    assert units is not None
    assert units.lead == ("省卫生健康委",)
    assert units.co == ("省广播电视台", "团省委", "省总工会", "省妇联", "省科协", "省计生协")


def test_tag_right_after_a_closing_quote() -> None:
    text, units = take_trailing_tag(
        "深入开展“健康江西”建设，推广“三减三健”（省卫生健康委、省体育局等按职责分工负责）。"
    )
    assert units is not None and units.lead == ("省卫生健康委",) and units.co == ("省体育局",)
    assert text.rstrip("。").endswith("“三减三健”")


_CONVENTION = """某省关于推进健康江西行动的实施意见
一、重点任务
（一）实施健康知识普及行动。建立健全健康科普专家库。（省卫生健康委、省委宣传部及各设区市人民政府、赣江新区管委会按职责分工负责。以下责任单位均包括各设区市人民政府、赣江新区管委会，不再列出）
（二）实施合理膳食行动。推广“三减三健”（省卫生健康委、省教育厅等按职责分工负责）
（三）实施全民健身行动。完善全民健身公共服务体系。（省体育局、省广播电视台等按职责分工负责）
"""


def test_document_wide_convention_applies_to_the_tasks_after_it() -> None:
    doc = extract_text("yijian.txt", _CONVENTION)
    assert [t.lead_units for t in doc.tasks] == [("省卫生健康委",), ("省卫生健康委",), ("省体育局",)]
    assert doc.tasks[0].co_units == ("省委宣传部", "各设区市人民政府", "赣江新区管委会")
    assert doc.tasks[1].co_units == ("省教育厅", "各设区市人民政府", "赣江新区管委会")
    assert doc.tasks[2].co_units == ("省广播电视台", "各设区市人民政府", "赣江新区管委会")
    assert doc.tasks[2].hint is not None and doc.tasks[2].hint.confidence < doc.tasks[1].hint.confidence  # type: ignore[union-attr]


# ---- deadlines -------------------------------------------------------------------------------------


def test_annex_task_dated_by_its_own_year() -> None:
    doc = extract_text(
        "annex.txt",
        "某市健康城市建设实施方案（2021—2025年）\n一、重点任务\n1.推进全民健身。到2025年建成健身步道。"
        "（责任单位：市体育局）\n附件\n某项行动\n1.实施控烟行动。到2030年，15岁以上人群吸烟率降低到20%以下。"
        "（责任单位：市卫生健康委）\n",
    )
    annex = doc.tasks[-1]
    assert (annex.deadline, annex.deadline_source) == ("2030-12-31", "text")


# ---- hints -----------------------------------------------------------------------------------------


def test_every_task_and_target_has_a_hint() -> None:
    doc = extract_text("plan.txt", _BASELINE_PLAN + _CONVENTION)
    assert doc.tasks and doc.targets
    for item in (*doc.tasks, *doc.targets):
        assert item.hint is not None and item.hint.rule and item.hint.span
        assert 0 < item.hint.confidence <= 1


def test_ordinary_targets_are_more_certain_than_baseline_like_ones() -> None:
    plain = find_targets("到2025年，孕产妇系统管理率不低于90%")[0]
    risky = find_targets("全省孕产妇系统管理率达到90%", base_year=2021)[0]
    assert plain.hint is not None and risky.hint is not None
    assert plain.hint.confidence > risky.hint.confidence


def test_indicator_table_ratio_and_baseline_column() -> None:
    from yigai.core.parse.table_targets import indicator_table_targets

    table = [
        ["指标名称", "单位", "2020年基期值", "2025年目标值", "指标属性"],
        ["医护比", "—", "1:1.1", "1:1.2", "预期性"],
        ["孕产妇死亡率", "1/10万", "10", "≤9.5", "约束性"],
    ]
    found = indicator_table_targets(table)
    assert [(f.indicator, f.comparator, f.value, f.unit, f.year) for f in found] == [
        ("医护比", ">=", 1.2, RATIO_UNIT, 2025),
        ("孕产妇死亡率", "<=", 9.5, "/10万", 2025),
    ]
    assert all(f.hint is not None and f.hint.rule == "indicator_table" for f in found)


def test_annex_tasks_take_the_annex_goal_year() -> None:
    doc = extract_text(
        "annex.txt",
        "某市健康城市建设实施方案（2021—2025年）\n一、重点任务\n1.推进全民健身。建成健身步道。（责任单位：市体育局）\n"
        "附件\n控烟专项行动\n一、行动目标\n到2030年，15岁以上人群吸烟率降低到20%以下。\n二、主要举措\n"
        "1.实施控烟行动。推进无烟机关建设。（责任单位：市卫生健康委）\n",
    )
    main, annex = doc.tasks[0], doc.tasks[-1]
    assert (main.deadline, main.deadline_source) == ("2025-12-31", "period")
    assert (annex.deadline, annex.deadline_source, annex.deadline_text) == ("2030-12-31", "text", "到2030年")


def test_a_task_heading_about_results_is_not_a_baseline_passage() -> None:
    doc = extract_text(
        "p.txt",
        "某市深化医改实施方案（2021—2025年）\n一、巩固改革成效\n到2025年，家庭医生签约服务覆盖率达到75%以上。\n"
        "（一）推进签约服务。做实家庭医生签约。（责任单位：市卫生健康委）\n"
        "二、“十三五”时期取得的成就\n全市家庭医生签约服务覆盖率达到60%。\n",
    )
    assert [t.value for t in doc.targets] == [75]


def test_fenbie_over_items_with_unpaired_counts_is_flagged() -> None:
    found = find_targets("到2025年，市、县、乡三级机构达标率分别达到90%和80%")
    assert found and all(f.hint is not None and f.hint.rule == "fenbie_mismatch" for f in found)
    paired = find_targets("到2025年，市、县公共卫生机构高级岗位比例分别达到35%、25%")
    assert all(f.hint is not None and f.hint.confidence >= 0.8 for f in paired)


def test_year_list_carries_across_a_semicolon() -> None:
    text = (
        "到2022年和2030年，全民健康素养水平分别不低于22%和30%；"
        "经常参加体育锻炼人数比例分别达到37%及以上和40%及以上。"
    )
    assert [(f.value, f.year) for f in find_targets(text)] == [(22, 2022), (30, 2030), (37, 2022), (40, 2030)]
    # a later sentence with its own date is not re-dated
    own = find_targets("到2022年和2030年，A率分别达到22%和30%；2025年，B率达到50%和C率达到60%。")
    assert [(f.value, f.year) for f in own][2:] == [(50, 2025), (60, 2025)]


def test_bare_unit_list_with_an_unknown_body_and_other_cross_references() -> None:
    _, units = take_trailing_tag("开展宣传。（省卫生健康委、省广播电视台）")
    assert units is not None and units.lead == ("省卫生健康委",) and units.unknown == ("省广播电视台",)
    for ref in ("（详见附件2）", "（具体项目见专栏3）", "（含中医医院、妇幼保健院）"):
        assert take_trailing_tag("加快建设。" + ref)[1] is None, ref


def test_count_over_listed_places() -> None:
    found = find_targets(
        "到2025年，石家庄、秦皇岛、张家口3市继续保持国家卫生城市荣誉称号，3-5个设区市力争创建为国家卫生城市。"
    )
    assert _vals(found) == [(">=", 3, None, "市", 2025), ("range", 3, 5, "个", 2025)]
    assert find_targets("唐山、邯郸2市的三级医院开展试点。") == []  # a qualifier, not a goal
