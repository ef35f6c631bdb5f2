"""The demo's record-level data: synthetic records imported through the normal path (pseudonymised, batches
named 示例数据_… and flagged), one stored computation with provenance, its values marked 示例; once per data
directory, and never over a zone that already holds data."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.apps.indicators.models import DataValue
from yigai.apps.records.demo import INDICATORS, records_demo_load
from yigai.apps.records.models import RecordRun
from yigai.core.records import PseudonymKey, batches, ingest, shipped_specs

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[2] / "core" / "records" / "data"


@pytest.fixture
def zone(settings, tmp_path: Path, orgunits: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "demo-test-key-0123456789-0123456789")
    return tmp_path


def test_the_demo_imports_synthetic_records_and_stores_one_computation(zone: Path, client, make_user) -> None:
    done = records_demo_load()
    assert not done.skipped and 20_000 <= done.services <= 80_000 and done.family_doctor > 1_000
    for dataset in ("services", "family_doctor"):
        (batch,) = batches(zone, dataset)
        assert batch.is_demo and batch.source_file.startswith("示例数据_")
    run = RecordRun.objects.get()
    assert tuple(run.indicators) == INDICATORS and run.rows_read == done.services  # the three read visits
    assert run.values_batch is not None and run.values_batch.is_demo
    assert run.values_batch.file_name.startswith("示例数据_记录计算_duckdb_")
    stored = DataValue.objects.filter(batch=run.values_batch)
    assert stored.count() == run.cells - run.outside and not stored.filter(is_demo=False).exists()
    assert {r["indicator"] for r in run.summary if r["org_unit"] == "130000"} == set(INDICATORS)

    client.force_login(make_user("analyst", "analyst", "130000"))
    page = client.get("/records/").content.decode()
    assert "示例数据_services_2024" in page and "示例数据_family_doctor_2024" in page


def test_a_second_demo_adds_nothing(zone: Path) -> None:
    records_demo_load()
    before = (RecordRun.objects.count(), DataValue.objects.count(), sorted(p for p in zone.rglob("*")))
    again = records_demo_load()
    assert again.computed is None and again.skipped == "记录区已有数据，未导入示例记录"
    assert (
        RecordRun.objects.count(),
        DataValue.objects.count(),
        sorted(p for p in zone.rglob("*")),
    ) == before


def test_a_zone_with_data_of_its_own_is_left_alone(zone: Path) -> None:
    key = PseudonymKey(b"demo-test-key-0123456789-0123456789")
    ingest(shipped_specs()["family_doctor"], DATA / "golden_family_doctor.csv", data_dir=zone, key=key,
           org_units=["130102", "130104", "130203"])  # fmt: skip
    assert records_demo_load().skipped == "记录区已有数据，未导入示例记录"
    assert batches(zone, "services") == [] and not RecordRun.objects.exists()
