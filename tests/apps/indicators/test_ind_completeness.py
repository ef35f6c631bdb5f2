"""Reporting-aware aggregation: a parent's value is final only when its leaves have reported (issue 11).

The scenario: the 示例数据 holds every county for 2019–2024; an analyst imports five rows for one county
(涿州市) for 2025. The province's 2025 value is that county's alone, so it must be partial (1 of every
county), and the province's target status must stay computed from 2024.
"""

from __future__ import annotations

import datetime as dt

import pytest
from indicator_files import csv_bytes

from yigai.apps.indicators.computing import indicator_values, is_final
from yigai.apps.indicators.models import Indicator, IndicatorTarget
from yigai.apps.indicators.status import target_status
from yigai.apps.orgunits.models import OrgUnit

pytestmark = pytest.mark.django_db

ZHUOZHOU = [
    ["org_unit", "data_element", "period", "value", "disaggregation"],
    ["涿州市", "PHYSICIANS", "2025", "2300", ""],
    ["涿州市", "POP_RESIDENT", "2025", "690000", ""],
    ["涿州市", "BEDS", "2025", "3300", "PUBLIC"],
    ["涿州市", "BEDS", "2025", "1200", "PRIVATE"],
    ["涿州市", "NURSES", "2025", "2500", ""],
]


@pytest.fixture
def province_targets(catalogue, fake_document) -> list[IndicatorTarget]:
    from yigai.apps.indicators.demo_data import demo_values_load
    from yigai.apps.plans.services import plan_store_document

    demo_values_load()
    plan = plan_store_document(document=fake_document(issuer="河北省卫生健康委员会"), content_hash="hb")
    province = OrgUnit.objects.get(code="130000")
    return [
        IndicatorTarget.objects.create(
            plan=plan,
            indicator=Indicator.objects.get(code=code),
            org_unit=province,
            comparator=">=",
            value=goal,
            due=dt.date(2025, 12, 31),
            baseline_year=2019,
        )
        for code, goal in (("PHYSICIANS_PER_1000", 3.5), ("BEDS_PER_1000", 7.5))
    ]


def _statuses(targets: list[IndicatorTarget]) -> dict[str, tuple[str, str | None, float | None]]:
    rows = target_status(targets=targets, today=dt.date(2026, 3, 1))
    return {r.indicator: (r.status, r.latest_period, r.latest_value) for r in rows}


def test_one_county_import_leaves_the_province_partial_and_its_status_from_2024(province_targets) -> None:
    from yigai.apps.indicators.services import values_import

    before = _statuses(province_targets)
    assert {period for _, period, _ in before.values()} == {"2024"}
    assert before["PHYSICIANS_PER_1000"][0] != "deterioration"

    values_import(file_name="涿州市2025年.csv", data=csv_bytes(ZHUOZHOU))

    counties = OrgUnit.objects.filter(children__isnull=True).count()
    assert counties > 100  # every county of the province is a leaf expected to report
    rows = {
        (r.indicator, r.org_unit): r
        for r in indicator_values(
            indicators=["PHYSICIANS_PER_1000", "BEDS_PER_1000"], org_units=["130000", "130600", "130681"],
            periods=["2025"],
        )
    }  # fmt: skip
    province = rows[("PHYSICIANS_PER_1000", "130000")]
    assert province.value == pytest.approx(2300 / 690_000 * 1000)  # the county's value alone …
    assert (province.reported, province.expected) == (1, counties)  # … and known to be 1 of all
    assert not is_final(province)
    city = rows[("BEDS_PER_1000", "130600")]
    assert city.reported == 1 and city.expected == OrgUnit.objects.filter(parent__code="130600").count()
    assert not is_final(city)
    county = rows[("PHYSICIANS_PER_1000", "130681")]
    assert (county.reported, county.expected) == (1, 1) and is_final(county)

    # the status is still computed from 2024: the partial 2025 value is never used
    assert _statuses(province_targets) == before


def test_a_lower_threshold_makes_a_mostly_reported_value_final(province_targets, settings) -> None:
    from yigai.apps.indicators.services import values_import

    values_import(file_name="涿州市2025年.csv", data=csv_bytes(ZHUOZHOU))
    row = indicator_values(
        indicators=["PHYSICIANS_PER_1000"], org_units=["130681", "130600"], periods=["2025"]
    )
    city = next(r for r in row if r.org_unit == "130600")
    share = city.reported / city.expected
    settings.INDICATOR_COMPLETENESS_THRESHOLD = share
    assert is_final(city)
    settings.INDICATOR_COMPLETENESS_THRESHOLD = share + 0.01
    assert not is_final(city)


def test_a_percentage_target_never_projects_past_100(demo_values, fake_document) -> None:
    from yigai.apps.indicators.computing import yearly_series
    from yigai.apps.plans.services import plan_store_document
    from yigai.core.indicators import project_linear

    demo_values("131000")
    plan = plan_store_document(document=fake_document(issuer="廊坊市人民政府办公室"), content_hash="lf")
    target = IndicatorTarget.objects.create(
        plan=plan, indicator=Indicator.objects.get(code="ELDERLY_CARE_CONTRACT_RATE"), org_unit=plan.org_unit,
        scope_level="county", comparator=">=", value=100, due=dt.date(2027, 12, 31), baseline_year=2019,
    )  # fmt: skip
    rows = target_status(targets=[target], today=dt.date(2026, 3, 1))
    series = yearly_series(indicator="ELDERLY_CARE_CONTRACT_RATE", org_units=[r.org_unit for r in rows],
                           years=range(2019, 2027))  # fmt: skip
    lines = {
        org: project_linear([(y, v) for y, v in points if v is not None], 2027)
        for org, points in series.items()
    }
    assert max(v for v in lines.values() if v is not None) > 100  # the straight line overshoots somewhere …
    assert all(r.projected_value is not None and 0 <= r.projected_value <= 100 for r in rows)  # … never shown


def test_expected_reporters_follow_the_tree_valid_in_each_period(catalogue) -> None:
    from yigai.apps.indicators.services import values_import
    from yigai.apps.orgunits.services import orgunit_move

    rows = [["org_unit", "data_element", "period", "value", "disaggregation"]]
    for year in ("2023", "2024"):
        rows += [["131002", "BEDS", year, "5000", ""], ["131002", "POP_RESIDENT", year, "800000", ""]]
    values_import(file_name="安次区.csv", data=csv_bytes(rows))
    langfang_counties = OrgUnit.objects.filter(parent__code="131000").count()
    # 安次区 reports to 保定市 from 2024 (a boundary change): 2023 stays counted under 廊坊市
    orgunit_move(org_unit=OrgUnit.objects.get(code="131002"), parent=OrgUnit.objects.get(code="130600"),
                 on=dt.date(2024, 1, 1))  # fmt: skip
    got = {
        (r.org_unit, r.period): (r.reported, r.expected)
        for r in indicator_values(
            indicators=["BEDS_PER_1000"], org_units=["131000", "130600"], periods=["2023", "2024"]
        )
    }
    baoding_counties = OrgUnit.objects.filter(parent__code="130600").count()  # today's tree: with 安次区
    assert got[("131000", "2023")] == (1, langfang_counties)
    assert got[("130600", "2023")] == (0, baoding_counties - 1)
    assert got[("131000", "2024")] == (0, langfang_counties - 1)
    assert got[("130600", "2024")] == (1, baoding_counties)


def test_the_map_colours_final_values_only_and_names_the_partial_year(province_targets) -> None:
    from yigai.apps.dashboard.mapdata import map_payload
    from yigai.apps.indicators.services import values_import

    values_import(file_name="涿州市2025年.csv", data=csv_bytes(ZHUOZHOU))
    province = OrgUnit.objects.get(code="130000")
    payload = map_payload(user=None, scope=province, mode="indicator", indicator="PHYSICIANS_PER_1000",
                          on=dt.date(2026, 3, 1))  # fmt: skip
    baoding = next(a for a in payload["areas"] if a["code"] == "130600")
    final = indicator_values(indicators=["PHYSICIANS_PER_1000"], org_units=["130600"], periods=["2024"])[0]
    assert baoding["value"] == round(final.value, 2) and "（2024）" in baoding["text"]
    counties = OrgUnit.objects.filter(parent__code="130600").count()
    assert f"2025 部分上报 1/{counties}" in baoding["text"]


def test_a_threshold_outside_zero_to_one_is_refused_at_start_up(settings) -> None:
    from yigai.apps.indicators.apps import completeness_threshold_check

    assert completeness_threshold_check() == []
    settings.INDICATOR_COMPLETENESS_THRESHOLD = "95"  # a percentage written as a number
    errors = completeness_threshold_check()
    assert len(errors) == 1 and "0 到 1" in errors[0].msg and errors[0].id == "yigai.E101"
    settings.INDICATOR_COMPLETENESS_THRESHOLD = "九成"
    assert "九成" in completeness_threshold_check()[0].msg
