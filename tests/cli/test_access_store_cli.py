"""`yigai access compute --store`: the run and its indicator values saved, json output still parseable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
DATA = Path(__file__).parents[1] / "core" / "access" / "data"
ARGS = ["access", "compute", "--facilities", str(DATA / "facilities.csv"), "--points", str(DATA / "points.csv"),
        "--network", str(DATA / "roads.osm")]  # fmt: skip


def test_store_writes_values_and_run() -> None:
    from yigai.apps.access.models import AccessRun
    from yigai.apps.indicators.models import DataValue

    result = runner.invoke(
        app, [*ARGS, "--store", "--year", "2026", "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"] == "路网出行时间"
    assert "已保存测算" in result.stderr and "新增" in result.stderr
    run = AccessRun.objects.get()
    assert (run.year, run.method, run.points.count()) == (2026, "路网出行时间", 4)
    assert DataValue.objects.get(data_element__code="ACCESS_POP", org_unit__code="130183").value == 1800


def test_store_refuses_other_minutes() -> None:
    result = runner.invoke(app, [*ARGS, "--store", "--minutes", "20"])
    assert result.exit_code == 1 and "只保存按 data/access.yaml" in result.stderr
