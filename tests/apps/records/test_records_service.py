"""records_compute, the one records → indicators use case: the CLI, the analyst's page (as a background
job) and the stored values agree; provenance is kept; only province-level value approvers may run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from yigai.apps.jobs.models import Job
from yigai.apps.records.models import RecordRun
from yigai.apps.records.services import records_compute
from yigai.core.records import PseudonymKey, ingest, shipped_specs

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[2] / "core" / "records" / "data"
A, B, C = "130102", "130104", "130203"


@pytest.fixture
def zone(settings, tmp_path: Path, orgunits: None) -> Path:
    settings.DATA_DIR = tmp_path
    key = PseudonymKey(b"service-test-key-0123456789-0123456789")
    for dataset in ("services", "family_doctor"):
        ingest(shipped_specs()[dataset], DATA / f"golden_{dataset}.csv", data_dir=tmp_path, key=key,
               org_units=[A, B, C])  # fmt: skip
    return tmp_path


def test_stored_values_give_the_same_indicator_through_the_indicator_engine(zone: Path) -> None:
    from yigai.apps.indicators.computing import indicator_values

    done = records_compute(
        user=None, indicators=("REC_CMI", "IN_COUNTY_VISIT_RATE"), store=True, reason="测试"
    )
    mine = {(r.indicator, r.org_unit, r.period): r.value for r in done.rows if r.value is not None}
    assert mine[("REC_CMI", "130100", "202401")] == pytest.approx((3.64 + 1.05) / 3)  # by hand: test_golden
    stored = indicator_values(indicators=["REC_CMI", "IN_COUNTY_VISIT_RATE"], org_units=None,
                              periods=["202401", "202402"])  # fmt: skip
    again = {(r.indicator, r.org_unit, r.period): r.value for r in stored if r.value is not None}
    assert again == pytest.approx(mine)
    run = RecordRun.objects.get()
    assert run.values_batch is not None and run.values_batch.file_name.startswith("记录计算_duckdb_")
    assert {b["dataset"] for b in run.batches} == {"services"} and run.rows_read == 30
    assert run.outside == 4  # BJ 110105: REC_DRG_WEIGHT_SUM and REC_DRG_CASES in January and February
    assert any(r["org_unit"] == "130000" and r["indicator"] == "REC_CMI" for r in run.summary)


def test_analyst_runs_it_as_a_job_and_sees_the_provenance(client, make_user, zone: Path) -> None:
    owner = make_user("owner", "plan_owner", "130000", "省卫生健康委")
    client.force_login(owner)
    page = client.get(reverse("records:index")).content.decode()
    assert "golden_services.csv" in page and "示例" in page  # batches and the 示例 DRG table, no rows
    assert "130102198003150228" not in page
    response = client.post(reverse("records:index"), {"engine": "duckdb", "indicator": "REC_CMI",
                                                      "period": "2024年1月", "store": "on", "reason": "月度监测"})  # fmt: skip
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message  # tests run jobs at once
    run = RecordRun.objects.get()
    assert job.result_url == reverse("records:run", args=[run.pk]) and run.period == "202401"
    detail = client.get(job.result_url).content.decode()
    assert "duckdb" in detail and "golden_services.csv" in detail and "病例组合指数" in detail
    assert "1.53" in detail  # province January CMI (3.64 + 1.05 + 1.42) / 4 = 1.5275


def test_county_users_and_reporters_may_not(client, make_user, zone: Path) -> None:
    for user in (make_user("city", "plan_owner", "130100", "市卫生健康委"),
                 make_user("rep", "unit_reporter", "130000", "省医疗保障局")):  # fmt: skip
        client.force_login(user)
        assert client.get(reverse("records:index")).status_code == 403
        assert client.post(reverse("records:index"), {"engine": "duckdb", "reason": "x"}).status_code == 403
    assert not Job.objects.exists()
