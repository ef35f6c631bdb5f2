"""Hand-checked example of the straight-line estimate, coverage roll-up, gaps and new-site ranking.

Every place lies on the meridian 114.5°E, so the great-circle distance is R × Δφ exactly:
R = 6371.0088 km → 1° of latitude = 6371.0088 × π / 180 = 111.19508 km, 0.01° = 1.1119508 km.
Packaged parameters (data/access.yaml): 平原农村 1.4 × km ÷ 30 km/h × 60 = 2.8 min/km;
城区 1.3 ÷ 20 × 60 = 3.9 min/km.
"""

from __future__ import annotations

import pytest

from yigai.core.access import (
    Facility,
    PopulationPoint,
    StraightLineEstimate,
    TravelParameters,
    compute_access,
)
from yigai.core.divisions import read_divisions

LON = 114.5
FACILITIES = [
    Facility("F1", "甲卫生院", "基层", "乡镇卫生院", "130102", LON, 38.00, "运营"),
    Facility("F2", "乙卫生院", "基层", "乡镇卫生院", "130102", LON, 38.30, "停业"),  # closed: never counts
    Facility("H1", "丙县医院", "县级", "县医院", "130102", LON, 38.20, "运营"),
]
POINTS = [
    PopulationPoint("P1", "一村", "130102", LON, 38.03, 1000, "平原农村"),
    PopulationPoint("P2", "二村", "130102", LON, 38.10, 2000, "平原农村"),
    PopulationPoint("P3", "三村", "130102", LON, 38.25, 500, "平原农村"),
    PopulationPoint("P4", "四社区", "130104", LON, 38.19, 300, "城区"),
    PopulationPoint("P5", "五村", "130102", LON, 38.14, 800, "平原农村"),
    PopulationPoint("P6", "六村", "130102", LON, 38.06, 100, "平原农村"),
]


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    params = TravelParameters.load()
    return compute_access(
        POINTS, FACILITIES, engine=StraightLineEstimate(params), params=params, divisions=read_divisions()
    )


def test_nearest_minutes_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    by = {p.code: p for p in result.points}
    # P1 → F1: 0.03° = 3.335852 km × 2.8 = 9.3404 min; → H1: 0.17° = 18.903164 km × 2.8 = 52.9289 min
    assert by["P1"].nearest["基层"] == (
        "F1",
        pytest.approx(3.335852, abs=1e-6),
        pytest.approx(9.3404, abs=1e-4),
    )
    assert by["P1"].nearest["县级"][2] == pytest.approx(52.9289, abs=1e-4)  # type: ignore[index]
    assert by["P1"].nearest["二级及以上"] is None  # no facility of that level
    # P2 → F1 and → H1: 0.10° = 11.119508 km × 2.8 = 31.1346 min (both)
    assert by["P2"].primary_minutes == pytest.approx(31.1346, abs=1e-4)
    # P3 → H1: 0.05° = 5.559754 km × 2.8 = 15.5673 min; the closed F2 (also 0.05°) does not count;
    # the nearest *open* 基层 is F1: 0.25° = 27.79877 km × 2.8 = 77.8366 min
    assert by["P3"].nearest["基层"][0] == "F1"  # type: ignore[index]
    assert by["P3"].nearest["基层"][2] == pytest.approx(77.8366, abs=1e-4)  # type: ignore[index]
    assert by["P3"].primary_minutes == pytest.approx(15.5673, abs=1e-4)
    # P4 (城区) → H1: 0.01° = 1.1119508 km × 3.9 = 4.3366 min
    assert by["P4"].county_minutes == pytest.approx(4.3366, abs=1e-4)
    # P5 → H1: 0.06° = 6.671705 km × 2.8 = 18.6808; P6 → F1: 0.06° → 18.6808; P6 → H1: 0.14° → 43.5885
    assert by["P5"].primary_minutes == pytest.approx(18.6808, abs=1e-4)
    assert by["P6"].primary_minutes == pytest.approx(18.6808, abs=1e-4)
    assert by["P6"].county_minutes == pytest.approx(43.5885, abs=1e-4)
    assert [p.code for p in result.points if p.primary_covered] == ["P1", "P4"]  # ≤ 15 min
    assert [p.code for p in result.points if p.county_covered] == ["P3", "P4", "P5"]  # ≤ 30 min


def test_method_is_named(result) -> None:  # type: ignore[no-untyped-def]
    assert result.method == "直线距离估算"


def test_region_roll_up(result) -> None:  # type: ignore[no-untyped-def]
    regions = {r.code: r for r in result.regions}
    county = regions["130102"]  # P1 P2 P3 P5 P6: 1000+2000+500+800+100 = 4400
    assert (county.points, county.population, county.primary_population, county.county_population) == (
        5,
        4400,
        1000,  # P1
        1300,  # P3 500 + P5 800
    )
    assert county.primary_share == pytest.approx(1000 / 4400)
    city = regions["130100"]  # + P4 300 (130104), covered by both circles
    assert (city.population, city.primary_population, city.county_population) == (4700, 1300, 1600)
    assert regions["130000"].population == 4700
    assert regions["130200"].population == 0 and regions["130200"].primary_share is None


def test_gaps_largest_first(result) -> None:  # type: ignore[no-untyped-def]
    assert [g.code for g in result.gaps] == ["P2", "P5", "P3", "P6"]  # 2000, 800, 500, 100


def test_new_site_ranking(result) -> None:  # type: ignore[no-untyped-def]
    # A 卫生院 at P2 reaches P5 (0.04° = 4.447803 km × 2.8 = 12.4538 min) and P6 (0.04°, same): 2900 people.
    # At P5: P2 + P5 = 2800 (P6 is 0.08° = 24.9 min away). P3 is 0.11°+ from all the others: alone, 500.
    ranked = [(s.rank, s.code, s.new_population, s.new_points) for s in result.suggestions]
    assert ranked == [(1, "P2", 2900, 3), (2, "P3", 500, 1)]


def test_minutes_are_configurable() -> None:
    params = TravelParameters.load()
    wider = compute_access(
        POINTS,
        FACILITIES,
        engine=StraightLineEstimate(params),
        params=params,
        divisions=read_divisions(),
        primary_minutes=20,  # now P5, P6 (18.68) and P3 (15.57) are inside
        county_minutes=60,  # P1 52.93, P6 43.59 inside; P2 31.13 too
    )
    assert [g.code for g in wider.gaps] == ["P2"]
    assert all(p.county_covered for p in wider.points)


def test_point_in_unknown_county_is_refused() -> None:
    params = TravelParameters.load()
    stray = [PopulationPoint("X", "外省村", "410102", LON, 38.0, 10, "平原农村")]
    with pytest.raises(ValueError, match="410102"):
        compute_access(
            stray, FACILITIES, engine=StraightLineEstimate(params), params=params, divisions=read_divisions()
        )


def test_rankings_by_region_equal_one_ranking_per_region() -> None:
    """suggest_by_region computes reachability once; each area's list must equal ranking that area's
    uncovered points on their own (5,000 示例 villages, 600 facilities: thousands uncovered)."""
    from yigai.core.access import suggest_by_region, suggest_sites
    from yigai.core.access.synthetic import make_data

    points, facs = make_data(5000, 600, 3)
    params = TravelParameters.load()
    engine = StraightLineEstimate(params)
    divisions = read_divisions()
    result = compute_access(points, facs, engine=engine, params=params, divisions=divisions)
    by_region = suggest_by_region(result, points, engine=engine, divisions=divisions, count=5)
    parent = {d.code: d.parent_code for d in divisions}
    uncovered = [p for p, r in zip(points, result.points, strict=True) if not r.primary_covered]
    assert len(uncovered) > 1000 and len(by_region) > 100
    for code in ("130000", "130600", "130684", "131126"):

        def inside(county: str, code: str = code) -> bool:
            c: str | None = county
            while c is not None and c != code:
                c = parent.get(c)
            return c == code

        alone = suggest_sites([p for p in uncovered if inside(p.county)], engine=engine, minutes=15, count=5)
        assert by_region[code] == alone and alone
