"""Targets and formulas read as people write them on every surface; ratio targets compare on N (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum
from indicator_files import csv_bytes

from yigai.apps.indicators.models import DataValue, Indicator, IndicatorTarget
from yigai.apps.indicators.status import target_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def langfang(demo_values, fake_document, client, make_user):
    from yigai.apps.plans.services import plan_store_document

    demo_values("131000")
    plan = plan_store_document(document=fake_document(issuer="廊坊市人民政府办公室"), content_hash="lf")

    def target(code: str, comparator: str, value: float, **more) -> IndicatorTarget:
        return IndicatorTarget.objects.create(plan=plan, indicator=Indicator.objects.get(code=code),
                                              org_unit=plan.org_unit, comparator=comparator, value=value,
                                              due=dt.date(2025, 12, 31), baseline_year=2019, **more)  # fmt: skip

    targets = [
        target("FD_COVERAGE", "increase_by", 1, value_max=3, recurring="每年"),
        target("NURSE_PHYSICIAN_RATIO", ">=", 1.2),  # 医护比不低于1:1.2: value N of 1:N
        target("PHYSICIANS_PER_1000", ">=", 3.5),
    ]
    client.force_login(make_user("lf", "plan_owner", "131000", "市卫生健康委"))
    return plan, targets


def test_targets_page_and_api_read_as_written(client, langfang) -> None:
    plan, _targets = langfang
    page = client.get(f"/indicators/targets/?plan={plan.pk}").content.decode()
    assert "每年提高1–3个百分点" in page and "不低于1:1.2" in page and "不低于3.5人" in page
    assert "increase_by" not in page and "&gt;=" not in page and ">= 3.5" not in page
    rows = client.get(f"/api/indicators/targets/status?plan={plan.pk}").json()
    assert {r["target_text"] for r in rows} == {"每年提高1–3个百分点", "不低于1:1.2", "不低于3.5人"}


def test_a_ratio_target_compares_on_n(langfang) -> None:
    _plan, targets = langfang
    row = next(r for r in target_status(targets=targets, today=dt.date(2026, 3, 1)) if r.unit == "比")
    sums = dict(DataValue.objects.filter(org_unit__parent__code="131000", period="2024",
                                         data_element__code__in=["NURSES", "PHYSICIANS"])
                .values_list("data_element__code").annotate(Sum("value")))  # fmt: skip
    assert row.latest_period == "2024"
    assert row.latest_value == pytest.approx(
        sums["NURSES"] / sums["PHYSICIANS"]
    )  # N of 1:N, nurses ÷ physicians
    assert row.latest_text == f"1:{row.latest_value:.2f}".rstrip("0").rstrip(".")
    assert row.status != "no_data"


def test_a_partial_year_is_shown_n_of_m_and_not_used(client, langfang) -> None:
    from yigai.apps.indicators.services import values_import

    plan, _targets = langfang
    values_import(file_name="安次区2025.csv", data=csv_bytes([
        ["org_unit", "data_element", "period", "value", "disaggregation"],
        ["131002", "PHYSICIANS", "2025", "2300", ""], ["131002", "POP_RESIDENT", "2025", "690000", ""],
    ]))  # fmt: skip
    page = client.get(f"/indicators/targets/?plan={plan.pk}").content.decode()
    assert "2025年 部分上报 1/10" in page


def test_catalogue_shows_formulas_in_words(client, langfang) -> None:
    page = client.get("/indicators/").content.decode()
    assert "年末执业（助理）医师数 ÷ 年末常住人口数 × 1000" in page
    assert "#{" not in page and "÷ 1<" not in page
    api = {i["code"]: i for i in client.get("/api/indicators").json()}
    assert api["CANCER_5Y_SURVIVAL"]["formula"] == "癌症5年生存率（登记报告值）"
    assert api["FD_COVERAGE"]["bounds"] == [0, 100] and api["BEDS_PER_1000"]["bounds"] == [0, None]
