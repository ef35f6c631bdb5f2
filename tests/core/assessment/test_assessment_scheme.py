"""Schemes: the shipped example loads; bad schemes are refused with the line of each problem."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.core.assessment import (
    ItemFact,
    SchemeContext,
    SchemeError,
    UnitFacts,
    compare,
    example_text,
    load_scheme,
    result_from_json,
    result_to_json,
    score_stage,
)

HEAD = "schema: yigai.assessment/1\nname: 测试方案\nassessed: {kind: county}\n"
STAGES = "stages:\n  - {key: '2025', date: 2025-12-31}\n"


def test_example_scheme_follows_the_seed_milestones() -> None:
    s = load_scheme(example_text())
    assert [st.day.year for st in s.stages] == [2023, 2025, 2027]
    assert {c.rule.kind for c in s.components} >= {"on_time_closure", "target_achievement", "bonus", "veto"}


def test_weights_not_adding_up_name_the_components_line() -> None:
    text = (
        HEAD
        + STAGES
        + "components:\n  - {key: a, rule: on_time_closure, weight: 40}\n  - {key: b, rule: missed_reports, weight: 50}\n"
    )
    with pytest.raises(SchemeError) as e:
        load_scheme(text, source="s.yaml")
    assert str(e.value) == "s.yaml 第 6 行：各项权重合计应为 100，现为 90"


def test_unknown_rule_type_names_its_line_and_the_valid_types() -> None:
    text = HEAD + STAGES + "components:\n  - key: a\n    rule: speed\n    weight: 100\n"
    with pytest.raises(SchemeError) as e:
        load_scheme(text)
    assert e.value.problems[0][0] == 8
    assert "未知规则类型 'speed'；可用：on_time_closure" in str(e.value)


def test_unknown_item_and_indicator_name_their_lines() -> None:
    text = (
        HEAD
        + STAGES
        + (
            "components:\n"
            "  - key: a\n    rule: on_time_closure\n    weight: 50\n    items: [L1-0001, L9-9999]\n"
            "  - key: t\n    rule: target_achievement\n    weight: 50\n    targets:\n"
            "      - {indicator: NO_SUCH, comparator: '>=', value: 1, year: 2025}\n"
        )
    )
    ctx = SchemeContext(item_codes=frozenset({"L1-0001"}), indicators=frozenset({"BEDS_PER_1000"}))
    with pytest.raises(SchemeError) as e:
        load_scheme(text, context=ctx)
    assert e.value.problems == [(10, "未知台账事项 'L9-9999'"), (15, "未知指标 'NO_SUCH'")]


def test_stage_before_the_plan_start_names_its_line() -> None:
    text = HEAD + "stages:\n  - {key: '2025', date: 2025-12-31}\n  - key: early\n    date: 2020-12-31\n" + (
        "components:\n  - {key: a, rule: on_time_closure, weight: 100}\n")  # fmt: skip
    with pytest.raises(SchemeError) as e:
        load_scheme(text, context=SchemeContext(plan_start=dt.date(2023, 1, 1)))
    assert e.value.problems == [(7, "阶段 early 的日期 2020-12-31 早于方案起始日 2023-01-01")]


def test_bad_parameter_and_yaml_syntax_name_their_lines() -> None:
    text = (
        HEAD
        + STAGES
        + "components:\n  - key: a\n    rule: overdue_workdays\n    weight: 100\n    per_day: lots\n"
    )
    with pytest.raises(SchemeError, match="第 10 行：a：参数 per_day 应为数字"):
        load_scheme(text)
    with pytest.raises(SchemeError, match="第 2 行：YAML 语法错误"):
        load_scheme("schema: x\n  - : [\n")


def test_weighted_bonus_and_unknown_kind_are_refused() -> None:
    text = "schema: yigai.assessment/1\nname: x\nassessed: {kind: village}\n" + STAGES + (
        "components:\n  - {key: a, rule: on_time_closure, weight: 100}\n  - {key: b, rule: bonus, weight: 5, awards: []}\n")  # fmt: skip
    with pytest.raises(SchemeError) as e:
        load_scheme(text)
    lines = [line for line, _ in e.value.problems]
    assert lines == [3, 8]


def test_ranks_share_ties_and_veto_zeroes_the_total() -> None:
    text = HEAD + STAGES + (
        "components:\n  - {key: a, rule: on_time_closure, weight: 100}\n"
        "  - {key: v, rule: veto, vetoes: [{unit: 丙县, reason: 重大事故}]}\n")  # fmt: skip
    s = load_scheme(text)
    done = ItemFact("L1", "甲", dt.date(2025, 6, 30), "closed", dt.date(2025, 6, 1))
    late = ItemFact("L2", "乙", dt.date(2025, 6, 30), "in_progress", None)
    units = [UnitFacts("a", "甲县", "county", (done,)), UnitFacts("b", "乙县", "county", (done,)),
             UnitFacts("c", "丙县", "county", (done,)), UnitFacts("d", "丁县", "county", (done, late))]  # fmt: skip
    r = score_stage(s, s.stage("2025"), units)
    assert [(u.name, u.total, u.rank) for u in r.units] == [
        ("乙县", 100.0, 1), ("甲县", 100.0, 1), ("丁县", 50.0, 3), ("丙县", 0.0, 4)]  # fmt: skip
    assert result_from_json(result_to_json(r)) == r
    later = score_stage(s, s.stage("2025-06-01"), units)
    changes = {c.name: c.change for c in compare(later, r)}
    assert changes["丁县"] == -50.0 and changes["甲县"] == 0.0


def test_unknown_stage_lists_the_defined_ones() -> None:
    s = load_scheme(example_text())
    with pytest.raises(ValueError, match="已定义：2023、2025、2027"):
        s.stage("2024")


@pytest.mark.parametrize(
    ("name", "kind"),
    [("assessment_department_example.yaml", "department"), ("assessment_hospital_example.yaml", "hospital")],
)
def test_shipped_schemes_of_the_other_kinds_load(name: str, kind: str) -> None:
    from importlib import resources

    scheme = load_scheme(resources.files("yigai.data").joinpath(name).read_text("utf-8"))
    assert scheme.kind == kind and sum(c.weight for c in scheme.components) == 100


def test_a_department_scheme_may_not_score_indicator_targets() -> None:
    text = example_text().replace("kind: county", "kind: department")
    with pytest.raises(SchemeError, match="部门考核不能使用指标目标值达成") as e:
        load_scheme(text)
    assert (
        text.splitlines().index("    rule: target_achievement") + 1,
        e.value.problems[-1][1],
    ) in e.value.problems


@pytest.mark.parametrize("wanted", ["9999-12-31", "0001-01-01", "20240627", "2024-W26-1", "1999-12-31"])
def test_an_ad_hoc_stage_is_a_plain_date_of_this_era(wanted: str) -> None:
    """Probe (session 4): ``/assessment/<key>/9999-12-31/`` was a 500 (date overflow), and every spelling
    of a day (``20240627``, ``2024-W26-1``) was a stage of its own — computed afresh (about 3 s on the demo)
    and freezable once per spelling."""
    s = load_scheme(example_text())
    with pytest.raises(ValueError, match="也不是 2000 年至 2100 年间的日期"):
        s.stage(wanted)
    assert s.stage("2024-06-27").day == dt.date(2024, 6, 27)
