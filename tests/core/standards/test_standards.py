"""Resource-layout standards: rule loading, required ranges, gaps — hand-checked figures."""

from __future__ import annotations

import pytest

from yigai.core.standards import (
    Facility,
    OrgUnitInfo,
    StandardsError,
    check,
    load_rules,
    required_range,
)

UNITS = [
    OrgUnitInfo("130000", "河北省", "province", None),
    OrgUnitInfo("131000", "廊坊市", "city", "130000"),
    OrgUnitInfo("131022", "固安县", "county", "131000"),
    OrgUnitInfo("131023", "永清县", "county", "131000"),
]


def rule(code: str):  # type: ignore[no-untyped-def]
    return next(r for r in load_rules() if r.code == code)


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (1_000_000, (1, 2)),  # at least the minimum 1; at most 2 per million
        (2_500_000, (1, 5)),  # floor(2.5/2)=1; ceil(2.5*2)=5
        (5_500_000, (2, 11)),  # floor(5.5/2)=2; ceil(5.5*2)=11
        (300_000, (1, 1)),  # a small city still needs one; the ceiling never falls below the floor
    ],
)
def test_per_population_range(population: int, expected: tuple[int, int]) -> None:
    assert required_range(rule("CITY_TERTIARY_GENERAL"), population) == expected


def test_each_county_needs_its_own_hospitals() -> None:
    facs = [
        Facility("a", "131022", "general_hospital", {"run_by": "county"}),
        Facility("b", "131022", "tcm_hospital", {"run_by": "county"}),
        Facility("c", "131023", "general_hospital", {"run_by": "county"}),
        Facility("d", "131023", "general_hospital", {"run_by": "private"}),  # does not count
    ]
    gaps = check(
        [rule("COUNTY_GENERAL"), rule("COUNTY_TCM")], facilities=facs, org_units=UNITS, population={}
    )
    status = {(g.rule, g.org_unit): g.status for g in gaps}
    assert status == {
        ("COUNTY_GENERAL", "131022"): "met",
        ("COUNTY_GENERAL", "131023"): "met",
        ("COUNTY_TCM", "131022"): "met",
        ("COUNTY_TCM", "131023"): "below",
    }
    msg = next(g.message for g in gaps if g.status == "below")
    assert msg == "永清县缺县办中医类医院1个（现有0个）"


def test_city_tertiary_counts_tcm_and_reports_shortfall() -> None:
    facs = [
        Facility("h1", "131000", "general_hospital", {"run_by": "city", "grade": 3}),
        Facility("h2", "131000", "general_hospital", {"run_by": "city", "grade": 2}),  # grade 2: not counted
    ]
    (gap,) = check(
        [rule("CITY_TERTIARY_GENERAL")], facilities=facs, org_units=UNITS, population={"131000": 5_500_000}
    )
    assert (gap.status, gap.actual, gap.required_min, gap.required_max) == ("below", 1, 2, 11)
    facs.append(Facility("h3", "131000", "tcm_hospital", {"run_by": "city", "grade": 3}))
    (gap,) = check(
        [rule("CITY_TERTIARY_GENERAL")], facilities=facs, org_units=UNITS, population={"131000": 5_500_000}
    )
    assert gap.status == "met"


def test_density_rolls_up_and_reports_no_data() -> None:
    beds = {("131022", "beds"): 3_000.0, ("131023", "beds"): 2_000.0}
    pop = {"131022": 500_000.0, "131023": 400_000.0}
    gaps = {
        g.org_unit: g
        for g in check(
            [rule("BEDS_PER_1000")], facilities=[], org_units=UNITS, population=pop, resources_=beds
        )
    }
    assert (gaps["131022"].status, gaps["131022"].actual) == ("below", 6.0)  # 3000 / 500000 * 1000
    assert (gaps["131023"].status, gaps["131023"].actual) == ("below", 5.0)
    assert (gaps["131000"].status, gaps["131000"].actual) == ("below", 5.56)  # 5000 / 900000 * 1000
    assert (
        check([rule("BEDS_PER_1000")], facilities=[], org_units=UNITS[:2], population={})[0].status
        == "no_data"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [{code: X, kind: nope, level: city}]", "kind 为 'nope'"),
        ("rules: [{code: X, kind: each_unit, level: town, match: {type: a}}]", "level 为 'town'"),
        ("rules: [{code: X, kind: each_unit, level: city}]", "match 需要 type"),
        ("rules: [{code: X, kind: per_population, level: city, match: {type: a}}]", "per_min"),
        ("rules: [{code: X, kind: density, level: city}]", "resource"),
        ("rules: 3", "rules 列表"),
        (
            "rules: [{code: X, kind: each_unit, level: city, match: {type: a}}, {code: X, kind: each_unit, level: city, match: {type: a}}]",
            "重复",
        ),
    ],
)
def test_bad_rules_are_refused_with_the_field(text: str, message: str) -> None:
    with pytest.raises(StandardsError, match=message):
        load_rules(text)
