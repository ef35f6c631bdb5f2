"""Cross-level alignment of provincial and city targets."""

from __future__ import annotations

from yigai.core.indicators.alignment import (
    AlignmentIssue,
    PlanTarget,
    applies_to_every_city,
    check_alignment,
    is_weaker,
)

PROVINCE = [
    PlanTarget("P1", "BEDS_PER_1000", "全省", ">=", 7.5, 2025, "张", per="每千人口"),
    PlanTarget("P2", "INTERNET_HOSPITALS", "每个设区市", ">=", 4, 2023, "家"),
    PlanTarget("P3", "GERIATRIC_DEPT_RATE", None, ">=", 60, 2025, "%"),
    PlanTarget("P4", "GERIATRIC_DEPT_RATE", None, ">=", 70, 2027, "%"),
    PlanTarget("P5", "CVD_MORTALITY", "各市", "<=", 237, 2027, "/10万"),
    PlanTarget("P6", "IN_COUNTY_VISIT_RATE", "各设区市", ">=", 90, 2027, "%"),
]


def kinds(issues: list[AlignmentIssue]) -> set[tuple[str, str, str | None]]:
    return {(i.kind, i.provincial_target, i.city_target) for i in issues}


def test_a_city_plan_that_matches_has_no_issues() -> None:
    city = [
        PlanTarget("C1", "BEDS_PER_1000", "全市", ">=", 7.5, 2025, "张", per="每千人口"),
        PlanTarget("C2", "INTERNET_HOSPITALS", "全市", ">=", 5, 2023, "个"),
        PlanTarget("C3", "GERIATRIC_DEPT_RATE", None, ">=", 65, 2025, "%"),
        PlanTarget("C4", "GERIATRIC_DEPT_RATE", None, ">=", 70, 2027, "%"),
        PlanTarget("C5", "CVD_MORTALITY", None, "<=", 230, 2027, "1/10万"),
        PlanTarget("C6", "IN_COUNTY_VISIT_RATE", None, "range", 90, 2027, "%", value_max=95),
    ]
    assert check_alignment(PROVINCE, city) == []


def test_weaker_missing_year_and_unit_issues() -> None:
    city = [
        PlanTarget(
            "C1", "BEDS_PER_1000", "全市", ">=", 7.0, 2025, "张", per="每千人口"
        ),  # below the provincial total: info
        PlanTarget("C2", "INTERNET_HOSPITALS", "全市", ">=", 2, 2023, "家"),  # every city must have 4: weaker
        PlanTarget(
            "C3", "GERIATRIC_DEPT_RATE", None, ">=", 60, 2026, "%"
        ),  # later than 2025, and no 2027 target
        PlanTarget("C5", "CVD_MORTALITY", None, "<=", 240, 2027, "1/10万"),  # lower is better: 240 is weaker
        PlanTarget("C6", "IN_COUNTY_VISIT_RATE", None, ">=", 0.9, 2027, "比例"),  # unit differs
    ]
    issues = check_alignment(PROVINCE, city)
    assert kinds(issues) == {
        ("below_province", "P1", "C1"),
        ("weaker", "P2", "C2"),
        ("year_mismatch", "P3", "C3"),
        ("year_mismatch", "P4", "C3"),
        ("below_province", "P4", "C3"),  # compared with the nearest year: 60 < 70, but P4 binds the province
        ("weaker", "P5", "C5"),
        ("unit_mismatch", "P6", "C6"),
    }
    severity = {(i.kind, i.provincial_target): i.severity for i in issues}
    assert severity[("below_province", "P1")] == "info"
    assert severity[("weaker", "P2")] == "error"
    assert severity[("year_mismatch", "P3")] == "error"  # the city is later
    assert severity[("year_mismatch", "P4")] == "warning"  # the city is earlier


def test_missing_city_targets() -> None:
    issues = check_alignment(PROVINCE, [])
    assert [i.kind for i in issues] == ["missing"] * len(PROVINCE)
    severity = {i.provincial_target: i.severity for i in issues}
    assert severity["P2"] == "error" and severity["P1"] == "warning"


def test_is_weaker_respects_comparators_and_direction() -> None:
    p = PlanTarget("P", "X", None, ">=", 90, 2025, "%")
    assert is_weaker(PlanTarget("C", "X", None, ">=", 89.9, 2025, "%"), p)
    assert not is_weaker(PlanTarget("C", "X", None, ">", 90, 2025, "%"), p)
    assert not is_weaker(PlanTarget("C", "X", None, "range", 90, 2025, "%", value_max=95), p)
    eq = PlanTarget("P", "X", None, "=", 1, 2025, "个")
    assert is_weaker(PlanTarget("C", "X", None, "=", 0, 2025, "个"), eq, "higher")
    assert not is_weaker(PlanTarget("C", "X", None, "=", 0, 2025, "个"), eq)  # no direction known: not judged


def test_scope_reading() -> None:
    assert all(applies_to_every_city(s) for s in ["每个设区市", "各市", "各设区市", "每个设区的市", "所有市"])
    assert not any(applies_to_every_city(s) for s in ["全省", "全市", "每个县（市、区）", ""])
