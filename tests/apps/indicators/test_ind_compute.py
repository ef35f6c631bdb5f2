"""Computation from stored values: ratio of sums up the tree, DuckDB = Python, target status, alignment."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from indicator_files import csv_bytes

from yigai.apps.indicators.computing import indicator_values
from yigai.apps.indicators.models import IndicatorTarget
from yigai.apps.indicators.services import target_link, values_import
from yigai.apps.indicators.status import plan_alignment, target_status

pytestmark = pytest.mark.django_db

# Hand-computed table: two Langfang counties, beds per 1000 residents.
#   安次区 131002: 6 000 beds / 800 000 → 7.50;  广阳区 131003: 2 000 beds / 500 000 → 4.00
#   廊坊市 131000: (6 000 + 2 000) / (800 000 + 500 000) × 1000 = 6.1538… (not (7.5 + 4.0) / 2 = 5.75)
HAND = [
    ["org_unit", "data_element", "period", "value", "disaggregation"],
    ["131002", "BEDS", "2023", "4500", "PUBLIC"], ["131002", "BEDS", "2023", "1500", "PRIVATE"],
    ["131003", "BEDS", "2023", "2000", ""],
    ["131002", "POP_RESIDENT", "2023", "800000", ""], ["131003", "POP_RESIDENT", "2023", "500000", ""],
    ["131002", "IN_COUNTY_VISITS", "202301", "50", ""], ["131002", "IN_COUNTY_VISITS", "202302", "30", ""],
    ["131002", "COUNTY_RESIDENT_VISITS", "2023Q1", "100", ""],
]  # fmt: skip


def test_ratio_of_sums_county_to_city_hand_table(catalogue) -> None:
    values_import(file_name="hand.csv", data=csv_bytes(HAND))
    rows = indicator_values(
        indicators=["BEDS_PER_1000", "IN_COUNTY_VISIT_RATE"], org_units=["131002", "131003", "131000", "130000"],
        periods=["2023", "2023Q1"],
    )  # fmt: skip
    got = {(r.indicator, r.org_unit, r.period): (r.value, r.numerator, r.denominator) for r in rows}
    assert got[("BEDS_PER_1000", "131002", "2023")] == (7.5, 6000, 800000)
    assert got[("BEDS_PER_1000", "131003", "2023")] == (4.0, 2000, 500000)
    value, num, den = got[("BEDS_PER_1000", "131000", "2023")]
    assert (num, den) == (8000, 1300000) and math.isclose(value, 8000 / 1300 * 1, rel_tol=1e-12)
    assert got[("BEDS_PER_1000", "130000", "2023")][1:] == (8000, 1300000)
    assert got[("BEDS_PER_1000", "131000", "2023Q1")] == (None, None, None)  # no data stays None
    assert got[("IN_COUNTY_VISIT_RATE", "131002", "2023Q1")] == (80.0, 80, 100)  # months summed into Q1
    assert got[("IN_COUNTY_VISIT_RATE", "131003", "2023")] == (None, None, None)


def test_duckdb_equals_python_on_demo_subset(demo_values) -> None:
    assert demo_values("131000") > 1000
    kwargs = {"indicators": None, "periods": ["2019", "2022", "2024"]}
    python = indicator_values(engine="python", **kwargs)
    duck = indicator_values(engine="duckdb", **kwargs)
    assert [(r.indicator, r.org_unit, r.period) for r in python] == [
        (r.indicator, r.org_unit, r.period) for r in duck
    ]
    for p, d in zip(python, duck, strict=True):
        assert (p.reported, p.expected) == (d.reported, d.expected), (p, d)
        for a, b in ((p.value, d.value), (p.numerator, d.numerator), (p.denominator, d.denominator)):
            assert (a is None and b is None) or math.isclose(a, b, rel_tol=1e-9), (p, d)
    assert sum(r.value is not None for r in python) > 100


def _plan(fake_document, content_hash: str, **overrides):
    from yigai.apps.plans.services import plan_store_document

    return plan_store_document(document=fake_document(**overrides), content_hash=content_hash)


def test_status_for_demo_targets(demo_values, fake_document) -> None:
    demo_values("131000")
    plan = _plan(fake_document, "lf", issuer="廊坊市人民政府办公室", issued_on="2020-03-01")
    assert plan.org_unit.code == "131000"
    g1 = plan.targets.get(ext_id="G1")  # 每千人口执业（助理）医师数 ≥ 3.2 by 2025, 全市
    linked = target_link(target=g1, indicator="PHYSICIANS_PER_1000")
    assert (linked.org_unit.code, linked.scope_level, linked.baseline_year, linked.due) == (
        "131000",
        "",
        2019,
        dt.date(2025, 12, 31),
    )
    nurses = IndicatorTarget.objects.create(plan=plan, indicator=linked.indicator.__class__.objects.get(code="PHARMACISTS_PER_1000"),
                                            org_unit=plan.org_unit, scope_level="county", comparator=">=", value=0.45,
                                            due=dt.date(2025, 12, 31), baseline_year=2019)  # fmt: skip
    rows = target_status(targets=[linked, nurses], today=dt.date(2026, 11, 23))
    first = rows[0]
    assert (first.org_unit, first.latest_period, first.status) == ("131000", "2024", "achieved")
    assert first.latest_value == pytest.approx(3.786, abs=0.001) and first.projected_value == pytest.approx(
        3.931, abs=0.001
    )
    per_county = rows[1:]
    assert len(per_county) == 10 and {r.org_unit[:4] for r in per_county} == {"1310"}
    statuses = {r.org_unit: r.status for r in per_county}  # the same 示例数据 target, county by county
    assert (statuses["131002"], statuses["131003"], statuses["131028"]) == (
        "limited_progress",
        "needs_acceleration",
        "on_track",
    )


def test_alignment_flags_weaker_city_targets(catalogue, fake_document) -> None:
    from yigai.core.plan import Target

    province = _plan(fake_document, "prov", issuer="河北省人民政府办公厅", targets=(
        Target(id="P1", task_id=None, indicator="互联网医院数量", comparator=">=", value=4, unit="家", quote="",
               year=2023, scope="每个设区市"),
        Target(id="P2", task_id=None, indicator="每千人口床位数", comparator=">=", value=7.5, unit="张", quote="",
               per="每千人口", year=2025, scope="全省"),
    ))  # fmt: skip
    city = _plan(fake_document, "city", issuer="廊坊市人民政府办公室", targets=(
        Target(id="C1", task_id=None, indicator="互联网医院数量", comparator=">=", value=2, unit="家", quote="",
               year=2023, scope="全市"),
    ))  # fmt: skip
    city.implements = province
    city.save()
    assert plan_alignment(plan=city) == []  # nothing linked yet
    for plan, code in ((province, "INTERNET_HOSPITALS"), (city, "INTERNET_HOSPITALS")):
        target_link(target=plan.targets.order_by("pk").first(), indicator=code)
    target_link(target=province.targets.get(ext_id="P2"), indicator="BEDS_PER_1000")
    assert (
        IndicatorTarget.objects.get(plan=province, indicator__code="INTERNET_HOSPITALS").scope_level == "city"
    )
    issues = [(i.kind, i.indicator, i.provincial_target, i.city_target) for i in plan_alignment(plan=city)]
    assert issues == [("weaker", "INTERNET_HOSPITALS", "P1", "C1"), ("missing", "BEDS_PER_1000", "P2", None)]
