"""The platform commands, driven through Typer's runner against the test database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_demo_then_plans_list_json(tmp_path, settings, monkeypatch) -> None:
    settings.DATA_DIR = tmp_path / "var"  # the demo's record zone, key and evidence: this test's own
    settings.LEDGER_EVIDENCE_DIR = tmp_path / "var" / "evidence"
    monkeypatch.setenv("YIGAI_PSEUDONYM_KEY", "platform-test-key-0123456789-0123456789")
    first = invoke("demo")
    assert first.exit_code == 0, first.output
    assert "reporter_xx" in first.stdout and "yigai2026" in first.stdout
    assert "示例记录：门诊住院记录" in first.stdout and "已计算 3 个记录级指标" in first.stdout
    listed = invoke("plans", "list", "--format", "json")
    assert listed.exit_code == 0
    plans = json.loads(listed.stdout)["plans"]
    assert [p["source"][:3] for p in plans] == ["000", "001", "002", "003", "004"]
    assert all({"id", "source", "title", "tasks", "targets"} <= set(p) for p in plans)
    second = invoke("demo")  # idempotent: nothing new (the record zone too)
    assert second.exit_code == 0 and "已导入" not in second.stdout
    assert "记录区已有数据，未导入示例记录" in second.stdout
    assert json.loads(invoke("plans", "list", "--format", "json").stdout)["plans"] == plans
    table = invoke("plans", "list")
    assert "002_fef9474401728958.txt" in table.stdout
    shown = invoke("plans", "show", "002_fef9474401728958.txt")
    assert shown.exit_code == 0 and shown.stdout.startswith(f"方案 {plans[2]['id']}：")


def test_import_bad_file_reports_and_continues(tmp_path, fake_extract) -> None:
    good = tmp_path / "good.txt"
    good.write_text("一、任务\n1. 做事。", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = invoke("import", str(empty), str(tmp_path / "missing.docx"), str(good))
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors == [f"错误：{empty}：文件为空（0 字节）", f"错误：{tmp_path / 'missing.docx'}：文件不存在"]
    assert "已导入：方案" in result.stdout and "任务 3 项" in result.stdout
    again = invoke("import", str(good))
    assert again.exit_code == 0 and "已存在" in again.stdout


def test_unknown_plan_and_bad_format() -> None:
    result = invoke("plans", "show", "nope.txt")
    assert result.exit_code == 1 and "找不到方案：nope.txt" in result.stderr
    result = invoke("plans", "list", "--format", "xml")
    assert result.exit_code == 2 and "不支持的格式" in result.stderr


def test_population_command(tmp_path) -> None:
    bad = tmp_path / "pop.csv"
    bad.write_text("代码,年份,人口\n130600,2024,abc\n", encoding="utf-8")
    result = invoke("population", str(bad))
    assert result.exit_code == 1 and "第2行，列“人口”" in result.stderr


def test_token_command() -> None:
    invoke("demo", "--no-records")
    result = invoke("token", "owner")
    assert result.exit_code == 0 and result.stdout.startswith("yg_")
    assert invoke("token", "nobody").exit_code == 1
