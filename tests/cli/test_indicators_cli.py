"""yigai indicators import/compute and yigai targets link/status: output shape, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_import_compute_json_csv(tmp_path) -> None:
    data = tmp_path / "values.csv"
    data.write_text(
        "org_unit,data_element,period,value\n131002,BEDS,2023,6000\n131002,常住人口,2023,800000\n",
        encoding="utf-8",
    )
    result = invoke("indicators", "import", str(data))
    assert result.exit_code == 0 and "新增 2" in result.stdout
    assert "未改动" in invoke("indicators", "import", str(data)).stdout
    out = invoke(
        "indicators",
        "compute",
        "--indicator",
        "BEDS_PER_1000",
        "--org",
        "131000",
        "--period",
        "2023",
        "--format",
        "json",
    )
    assert out.exit_code == 0
    # one of 廊坊市's ten counties reported: the city's value is that county's, partial (1/10), not final
    assert json.loads(out.stdout) == {"values": [{"indicator": "BEDS_PER_1000", "org_unit": "131000", "period": "2023",
                                                  "value": 7.5, "numerator": 6000.0, "denominator": 800000.0,
                                                  "reported": 1, "expected": 10, "final": False,
                                                  "note": "部分上报 1/10"}]}  # fmt: skip
    table = invoke(
        "indicators",
        "compute",
        "--indicator",
        "BEDS_PER_1000",
        "--org",
        "131000",
        "--level",
        "county",
        "--period",
        "2023",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert list(rows[0]) == ["indicator", "org_unit", "period", "value", "numerator", "denominator", "reported",
                             "expected", "final", "note"]  # fmt: skip
    assert len(rows) == 10 and rows[1]["value"] == "" and rows[0]["value"] == "7.5"
    assert (rows[0]["reported"], rows[0]["expected"], rows[0]["final"]) == ("1", "1", "True")
    assert (rows[1]["reported"], rows[1]["expected"], rows[1]["final"]) == ("0", "1", "False")


def test_bad_input_one_line_and_exit_codes(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "org_unit,data_element,period,value\n999999,BEDS,2023,1\n131002,BEDS,2023Q9,x\n", encoding="utf-8"
    )
    result = invoke("indicators", "import", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "错误：bad.csv：第2行，列“org_unit”：未知的行政区划：999999"
    assert len(lines) == 4 and lines[-1] == "错误：bad.csv 有 3 处错误，未导入任何数据"
    assert invoke("indicators", "compute", "--indicator", "NOPE").exit_code == 1
    assert invoke("indicators", "compute", "--format", "xml").exit_code == 2
    wrong = invoke("indicators", "compute", "--period", "2023年13月", "--indicator", "BEDS_PER_1000")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("错误：") and "Traceback" not in wrong.output


def test_targets_link_and_status_shape() -> None:
    assert invoke("demo", "--no-records").exit_code == 0
    link = invoke("targets", "link", "--plan", "004_1b0c466c5f0781b2.txt")
    assert link.exit_code == 0 and "已关联 0" in link.stdout  # the demo linked everything scoring ≥ 0.8
    status = invoke("targets", "status", "--plan", "003_ee25766b79f023db.txt", "--format", "json")
    rows = json.loads(status.stdout)["targets"]
    assert {"target_id", "indicator", "org_unit", "due", "target_value", "latest_value", "latest_period",
            "projected_value", "status"} <= set(rows[0])  # fmt: skip
    by_indicator = {r["indicator"]: r for r in rows}
    assert by_indicator["PHYSICIANS_PER_1000"]["org_unit"] == "131000"
    assert by_indicator["NPA24_EMR_LEVEL"]["status"] == "no_data"
    table = invoke("targets", "status", "--format", "csv").stdout
    header = table.splitlines()[0].split(",")
    assert header == ["target_id", "indicator", "org_unit", "due", "target_value", "target_text", "latest_value",
                      "latest_period", "projected_value", "status", "partial_text"]  # fmt: skip
    statuses = {row["status"] for row in csv.DictReader(io.StringIO(table))}
    assert {
        "achieved",
        "on_track",
        "needs_acceleration",
        "limited_progress",
        "deterioration",
        "no_data",
    } <= statuses
    assert invoke("targets", "status", "--plan", "nope.txt").exit_code == 1
