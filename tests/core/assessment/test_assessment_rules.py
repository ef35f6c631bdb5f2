"""Every rule type of the registry, on facts written out here (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.core.assessment import ItemFact, NoticeFact, Series, UnitFacts, build_rule
from yigai.core.assessment.rules import RULES, Reason, UnknownRule

D = dt.date
AS_OF = D(2025, 12, 31)


def item(code: str, **kw: object) -> ItemFact:
    base: dict[str, object] = {"title": f"事项{code}", "deadline": D(2025, 6, 30), "status": "in_progress",
                               "closed_on": None}  # fmt: skip
    base.update(kw)
    return ItemFact(code, **base)  # type: ignore[arg-type]  # test data


def unit(
    *items: ItemFact, notices: tuple[NoticeFact, ...] = (), series: tuple[Series, ...] = ()
) -> UnitFacts:
    return UnitFacts("131022", "固安县", "county", items, notices, series)


def test_registry_lists_every_rule_type_of_the_issue() -> None:
    assert set(RULES) == {"on_time_closure", "overdue_workdays", "missed_reports", "evidence_quality",
                          "supervision_unanswered", "target_achievement", "bonus", "veto"}  # fmt: skip


def test_unknown_rule_type_names_the_valid_ones() -> None:
    with pytest.raises(UnknownRule, match="可用：on_time_closure, overdue_workdays"):
        build_rule("closure_speed", {})


def test_on_time_closure_counts_items_due_or_closed_by_the_stage_day() -> None:
    u = unit(
        item("A", status="closed", closed_on=D(2025, 6, 1)),  # on time
        item("B", status="closed", closed_on=D(2025, 7, 10)),  # late
        item("C"),  # open past its deadline
        item("D", deadline=D(2026, 6, 30)),  # not due yet: left out
    )
    out = build_rule("on_time_closure", {}).score(u, weight=30, as_of=AS_OF)
    assert out.points == 10.0  # 1 of 3 due items
    assert [r.ref for r in out.reasons] == ["A", "B", "C"]
    assert [r.points for r in out.reasons] == [10.0, 0.0, 0.0]


def test_on_time_closure_without_due_items_is_full_marks() -> None:
    out = build_rule("on_time_closure", {}).score(
        unit(item("D", deadline=D(2026, 1, 1))), weight=30, as_of=AS_OF
    )
    assert out.points == 30


def test_on_time_closure_restricted_to_named_items() -> None:
    u = unit(item("A", status="closed", closed_on=D(2025, 6, 1)), item("B"))
    assert build_rule("on_time_closure", {"items": ["A"]}).score(u, weight=20, as_of=AS_OF).points == 20


def test_overdue_workdays_deducts_per_day_up_to_the_cap() -> None:
    u = unit(item("A", overdue_workdays=10), item("B", overdue_workdays=30), item("C"))
    rule = build_rule("overdue_workdays", {"per_day": 0.2, "cap": 5})
    out = rule.score(u, weight=15, as_of=AS_OF)
    assert out.points == 10.0  # 40 days × 0.2 = 8, capped at 5
    assert [(r.ref, r.points) for r in out.reasons] == [("A", -2.0), ("B", -6.0)]
    uncapped = build_rule("overdue_workdays", {"per_day": 0.2}).score(u, weight=15, as_of=AS_OF)
    assert uncapped.points == 7.0


def test_overdue_deduction_never_goes_below_zero() -> None:
    out = build_rule("overdue_workdays", {"per_day": 1}).score(unit(item("A", overdue_workdays=99)), weight=15,
                                                                as_of=AS_OF)  # fmt: skip
    assert out.points == 0


def test_missed_reports_deducts_per_missing_report_capped() -> None:
    u = unit(item("A", on_time=2, late=1, missing=3), item("B", on_time=4), item("C", missing=9))
    out = build_rule("missed_reports", {"per_report": 1, "cap": 10}).score(u, weight=10, as_of=AS_OF)
    assert out.points == 0.0  # 12 missed, capped at 10
    assert "漏报 3" in out.reasons[0].text
    light = build_rule("missed_reports", {"per_report": 0.5}).score(
        unit(item("A", missing=3)), weight=10, as_of=AS_OF
    )
    assert light.points == 8.5


def test_evidence_quality_averages_the_reviewers_marks() -> None:
    u = unit(item("A", evidence_mark="good"), item("B", evidence_mark="fair"), item("C", evidence_mark="poor"),
             item("D"))  # fmt: skip
    out = build_rule("evidence_quality", {}).score(u, weight=10, as_of=AS_OF)
    assert out.points == round(10 * 1.6 / 3, 2)  # D unmarked: left out
    counted = build_rule("evidence_quality", {"unmarked": 0}).score(u, weight=10, as_of=AS_OF)
    assert counted.points == 4.0  # (1 + 0.6 + 0 + 0) / 4


def test_evidence_quality_without_marks_is_full_marks() -> None:
    assert build_rule("evidence_quality", {}).score(unit(item("A")), weight=10, as_of=AS_OF).points == 10


def test_supervision_unanswered_counts_missed_and_late_replies_by_the_stage_day() -> None:
    notices = (
        NoticeFact("D1", "A", D(2025, 3, 1), D(2025, 3, 10), D(2025, 3, 9)),  # in time
        NoticeFact("D2", "A", D(2025, 4, 1), D(2025, 4, 10), D(2025, 4, 20)),  # late
        NoticeFact("D3", "A", D(2025, 5, 1), D(2025, 5, 10), None),  # never
        NoticeFact("D4", "A", D(2025, 12, 20), D(2026, 1, 5), None),  # reply day after the stage
        NoticeFact("D5", "Z", D(2025, 5, 1), D(2025, 5, 10), None),  # another unit's item
    )
    out = build_rule("supervision_unanswered", {"per_notice": 2}).score(unit(item("A"), notices=notices),
                                                                         weight=10, as_of=AS_OF)  # fmt: skip
    assert out.points == 6.0
    assert [r.ref for r in out.reasons] == ["D2", "D3"]


def test_supervision_answer_after_the_stage_day_does_not_count() -> None:
    notices = (NoticeFact("D1", "A", D(2025, 3, 1), D(2025, 3, 10), D(2026, 1, 3)),)
    out = build_rule("supervision_unanswered", {"per_notice": 3, "cap": 2}).score(
        unit(item("A"), notices=notices), weight=10, as_of=AS_OF)  # fmt: skip
    assert out.points == 8.0 and "未回复" in out.reasons[0].text


TARGETS = {"targets": [{"indicator": "GPS_PER_10000", "comparator": ">=", "value": 4.0, "year": 2025},
                       {"indicator": "INFANT_MORTALITY", "comparator": "<=", "value": 4.0, "year": 2025}]}  # fmt: skip


def test_target_achievement_full_at_target_partial_by_distance_direction_aware() -> None:
    series = (
        Series("GPS_PER_10000", ((2022, 2.0), (2024, 4.1))),
        Series("INFANT_MORTALITY", ((2022, 6.0), (2024, 5.0))),
    )
    out = build_rule("target_achievement", TARGETS).score(unit(series=series), weight=20, as_of=AS_OF)
    # GPS achieved: 10; infant mortality fell 6 → 5 of the way to 4: half of 10
    assert out.points == 15.0
    assert [r.points for r in out.reasons] == [10.0, 5.0]
    assert "已达标" in out.reasons[0].text


def test_target_achievement_deterioration_and_no_data_earn_nothing() -> None:
    series = (Series("GPS_PER_10000", ((2022, 3.0), (2024, 2.5))),)
    out = build_rule("target_achievement", TARGETS).score(unit(series=series), weight=20, as_of=AS_OF)
    assert out.points == 0.0
    assert "出现倒退" in out.reasons[0].text and "无数据" in out.reasons[1].text


def test_target_achievement_ignores_years_after_the_stage() -> None:
    series = (Series("GPS_PER_10000", ((2022, 2.0), (2023, 3.0), (2024, 4.5))),)
    early = build_rule("target_achievement", TARGETS).score(
        unit(series=series), weight=20, as_of=D(2023, 12, 31)
    )
    assert early.points == 5.0  # 2.0 → 3.0 of the way to 4.0 on GPS: half of 10; 2024 not seen


def test_target_achievement_rejects_a_bad_comparator() -> None:
    with pytest.raises(ValueError, match="比较符"):
        build_rule(
            "target_achievement",
            {"targets": [{"indicator": "X", "comparator": "≈", "value": 1, "year": 2025}]},
        )


def test_bonus_adds_points_to_named_units_capped() -> None:
    rule = build_rule("bonus", {"cap": 3, "awards": [{"unit": "固安县", "points": 2, "reason": "国家级试点"},
                                                     {"unit": "固安县", "points": 2, "reason": "省级示范"},
                                                     {"unit": "三河市", "points": 1, "reason": "试点"}]})  # fmt: skip
    out = rule.score(unit(), weight=0, as_of=AS_OF)
    assert out.points == 3 and [r.text for r in out.reasons] == ["国家级试点", "省级示范"]
    assert rule.score(UnitFacts("x", "大厂回族自治县", "county"), weight=0, as_of=AS_OF).points == 0


def test_veto_flags_only_the_named_unit() -> None:
    rule = build_rule("veto", {"vetoes": [{"unit": "固安县", "reason": "发生重大医疗安全责任事件"}]})
    assert rule.score(unit(), weight=0, as_of=AS_OF).veto
    assert not rule.score(UnitFacts("x", "香河县", "county"), weight=0, as_of=AS_OF).veto


def test_per_item_deductions_read_as_before_the_merge() -> None:
    """overdue_workdays and missed_reports share one body: each still names its own count, kind and text."""
    u = unit(item("A", overdue_workdays=3, on_time=2, late=1, missing=2), item("B"))
    overdue = build_rule("overdue_workdays", {}).score(u, weight=10, as_of=AS_OF)
    assert overdue.points == 8.5  # default 0.5 per workday
    assert overdue.reasons == (Reason("item", "A", "事项A：逾期 3 个工作日", -1.5),)
    missed = build_rule("missed_reports", {}).score(u, weight=10, as_of=AS_OF)
    assert missed.points == 8.0  # default 1 per report
    assert missed.reasons == (Reason("reports", "A", "事项A：应报 5 次，按时 2，迟报 1，漏报 2", -2.0),)
    clean = unit(item("B"))
    assert (
        build_rule("overdue_workdays", {}).score(clean, weight=10, as_of=AS_OF).reasons[0].text
        == "无逾期事项"
    )
    assert build_rule("missed_reports", {}).score(clean, weight=10, as_of=AS_OF).reasons[0].text == "无漏报"


def test_target_reasons_name_the_indicator_and_read_in_chinese_only() -> None:
    """A commission reads 每万人口全科医生数, not GPS_PER_10000, and no English inside the Chinese reason."""
    out = build_rule("target_achievement", TARGETS).score(unit(), weight=20, as_of=AS_OF)
    text = out.reasons[0].text
    assert text.startswith("每万人口全科医生数（GPS_PER_10000）：目标 >= 4")
    assert "fewer" not in text and "无数据（少于两个年度数据）" in text
