"""``yigai ledger`` commands through Typer's runner, after ``yigai demo``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
LANGFANG = "003_ee25766b79f023db.txt"


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def demo(tmp_path, settings):
    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert invoke("demo", "--no-records").exit_code == 0


def test_warnings_json_and_table(demo) -> None:
    result = invoke("ledger", "warnings", "--plan", LANGFANG, "--on", "2026-11-23", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    items = body["items"]
    assert len(items) >= 100 and body["on"] == "2026-11-23"
    assert {"id", "code", "title", "lead_unit", "deadline", "status", "colour", "reason"} <= set(items[0])
    labels = {i["status_label"] for i in items}
    assert {"推进中", "待审核销号", "已销号", "已逾期"} <= labels  # the demo's believable state
    assert any(i["lead_unit"] == "固安县人民政府" for i in items)
    table = invoke("ledger", "warnings", "--plan", LANGFANG, "--on", "2026-11-23")
    assert table.exit_code == 0 and "红灯" in table.stdout and f"共 {len(items)} 项" in table.stdout
    assert invoke("ledger", "warnings", "--on", "soon").exit_code == 2
    missing = runner.invoke(app, ["ledger", "warnings", "--plan", "nope.txt"])
    assert missing.exit_code == 1 and "找不到方案" in missing.stderr


def test_remind_once(demo) -> None:
    dry = invoke("ledger", "remind", "--dry-run", "--on", "2026-12-25")
    assert dry.exit_code == 0 and "试运行" in dry.stdout and "将发送" in dry.stdout
    first = invoke("ledger", "remind", "--on", "2026-12-25")
    assert first.exit_code == 0 and "已发送" in first.stdout
    second = invoke("ledger", "remind", "--on", "2026-12-25")
    assert second.exit_code == 0 and "已发送　" not in second.stdout and "此前已发送" in second.stdout


def test_holidays_import(demo, tmp_path) -> None:
    good = tmp_path / "h.csv"
    good.write_text("date,is_workday,name\n2028-01-01,0,元旦\n", encoding="utf-8")
    assert "已导入 1 天" in invoke("ledger", "holidays", "import", str(good)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("date,is_workday,name\n2028-02-30,0,春节\n", encoding="utf-8")
    refused = runner.invoke(app, ["ledger", "holidays", "import", str(bad)])
    assert (
        refused.exit_code == 1
        and "bad.csv 第2行 date 列" in refused.stderr
        and "未导入任何数据" in refused.stderr
    )
