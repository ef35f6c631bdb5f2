"""``yigai assess run|freeze|diff`` on the golden fixture (tests/apps/assessment/conftest.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from yigai.cli import app

from ..apps.assessment.conftest import SCHEME, history  # noqa: F401, TID252  # the golden fixture
from ..apps.ledger.conftest import evidence_dir, plan, users  # noqa: F401, TID252  # its plan and users

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def scheme_file(tmp_path):
    path = tmp_path / "golden.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return str(path)


def test_run_json_and_csv_rows(history, scheme_file) -> None:  # noqa: F811
    result = invoke("assess", "run", "--scheme", scheme_file, "--stage", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    rows = {r["unit"]: r for r in body["units"]}
    assert body["as_of"] == "2024-12-31" and not body["frozen"]
    assert rows["竞秀区"]["score"] == 38 and rows["清苑区"]["rank"] == 1
    assert rows["竞秀区"]["components"] == {"closure": 0, "overdue": 9, "reports": 18, "evidence": 6,
                                          "supervision": 5, "pilot": 0}  # fmt: skip
    table = list(csv.reader(io.StringIO(invoke("assess", "run", "--scheme", scheme_file, "--stage", "2024",
                                               "--format", "csv").stdout)))  # fmt: skip
    assert table[0][:4] == ["被考核单位", "代码", "得分", "排名"] and table[1][:4] == [
        "清苑区",
        "130608",
        "102.0",
        "1",
    ]


def test_freeze_then_refreeze_refused_and_diff(history, scheme_file) -> None:  # noqa: F811
    done = invoke("assess", "freeze", "--scheme", scheme_file, "--stage", "2024")
    assert done.exit_code == 0, done.output
    assert "已冻结" in done.stdout and "SHA-256" in done.stdout
    again = invoke("assess", "freeze", "--scheme", "golden", "--stage", "2024")
    assert again.exit_code == 1 and "已冻结，不能重新计算或覆盖" in again.stderr
    frozen = json.loads(
        invoke("assess", "run", "--scheme", "golden", "--stage", "2024", "--format", "json").stdout
    )
    assert frozen["frozen"]
    diff = json.loads(
        invoke("assess", "diff", "--scheme", "golden", "2024", "2025", "--format", "json").stdout
    )
    assert {r["unit"] for r in diff["units"]} >= {"清苑区", "竞秀区", "莲池区"}
    assert next(r for r in diff["units"] if r["unit"] == "竞秀区")["score_a"] == 38


def test_bad_input_is_a_chinese_message_and_non_zero(history, tmp_path) -> None:  # noqa: F811
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCHEME.replace("weight: 40", "weight: 45"), encoding="utf-8")
    result = invoke("assess", "run", "--scheme", str(bad))
    assert result.exit_code == 1 and "第 9 行：各项权重合计应为 100，现为 105" in result.stderr
    assert invoke("assess", "run", "--scheme", "无此方案").exit_code == 1
    unknown = invoke("assess", "run", "--scheme", "示例", "--stage", "2024")
    assert unknown.exit_code == 1 and "已定义：2023、2025、2027" in unknown.stderr
