"""yigai records compute: the same row shape as ``yigai indicators compute``, from a data directory that
``yigai records import`` filled (a file and a directory of Parquet parts), with provenance; bad input exits 1."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
DATA = Path(__file__).parents[1] / "core" / "records" / "data"


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def var(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:
    settings.DATA_DIR = tmp_path / "var"
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "cli-test-key-0123456789-0123456789")
    return tmp_path / "var"


def test_import_parts_then_compute_csv_and_json(var: Path, tmp_path: Path) -> None:
    parts = tmp_path / "synth" / "services"
    for month in ("2024-01", "2024-02"):
        (parts / f"month={month}").mkdir(parents=True)
        duckdb.execute(
            f"COPY (SELECT * FROM read_csv('{DATA / 'golden_services.csv'}', all_varchar=true) "
            f"WHERE service_date LIKE '{month}%') TO '{parts}/month={month}/part-00000.parquet' (FORMAT parquet)"
        )
    done = invoke("records", "import", "--dataset", "services", str(parts), "--quiet")
    assert done.exit_code == 0 and "30 条记录" in done.stdout, done.output
    out = invoke("records", "compute", "--data", str(var), "--indicator", "REC_AVERAGE_LENGTH_OF_STAY",
                 "--period", "202401", "--format", "csv")  # fmt: skip
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["indicator", "org_unit", "period", "value", "numerator", "denominator",
                             "reported", "expected", "final", "note"]  # fmt: skip
    by_org = {r["org_unit"]: r for r in rows}
    assert (by_org["130102"]["numerator"], by_org["130102"]["denominator"], by_org["130102"]["value"]) == (
        "18.0",
        "3.0",
        "6.0",
    )  # by hand: stays of 8 + 5 + 5 days, 3 discharges (test_golden)
    js = json.loads(
        invoke("records", "compute", "--indicator", "REC_CMI", "--format", "json", "--store").stdout
    )
    assert js["provenance"]["engine"] == "duckdb" and js["provenance"]["rows_read"] == 30
    assert js["provenance"]["batches"][0]["file"] == "services" and js["provenance"]["stored_batch"]
    assert {v["indicator"] for v in js["values"]} == {"REC_CMI"}


def test_bad_file_and_bad_arguments(var: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    text = (
        (DATA / "golden_services.csv")
        .read_text(encoding="utf-8")
        .replace(",100.00,80.00,", ",100.00,180.00,")
    )
    bad.write_text(text, encoding="utf-8")
    out = invoke("records", "import", "services", str(bad), "--quiet")
    assert out.exit_code == 1
    assert "bad.csv：第2行，列“医保支付金额”：医保支付金额大于总费用（180.00 > 100.00）" in out.output
    assert "未导入任何记录" in out.output
    assert invoke("records", "compute", "--format", "xml").exit_code == 2
    missing = invoke("records", "compute", "--indicator", "REC_CMI")
    assert missing.exit_code == 1 and "还没有导入任何记录" in missing.output
    shutil.copy(DATA / "golden_services.csv", tmp_path / "ok.csv")
    assert invoke("records", "import", "services", str(tmp_path / "ok.csv"), "--quiet").exit_code == 0
    assert "不是记录级指标" in invoke("records", "compute", "--indicator", "BEDS_PER_1000").output
    assert "无法识别的期间" in invoke("records", "compute", "--period", "2024Q9").output
