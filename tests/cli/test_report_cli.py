"""``yigai report briefing`` through Typer's runner, after ``yigai demo``: exit codes and messages."""

from __future__ import annotations

import pytest
from docx import Document
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
LANGFANG = "003_ee25766b79f023db.txt"


@pytest.fixture
def demo(tmp_path, settings):
    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert runner.invoke(app, ["demo", "--no-records"], catch_exceptions=False).exit_code == 0


def test_briefing_writes_docx_and_refuses_bad_input(demo, tmp_path) -> None:
    out = tmp_path / "简报.docx"
    ok = runner.invoke(app, ["report", "briefing", "--plan", LANGFANG, "--org", "131000", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "已生成工作简报" in ok.stdout and "廊坊市" in ok.stdout and "红灯" in ok.stdout
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "廊坊市医改工作进展简报" in text and "一、总体进展" in text and "五、下步工作" in text
    whole = runner.invoke(
        app, ["report", "briefing", "--out", str(tmp_path / "all.docx"), "--on", "2026-11-23"]
    )
    assert whole.exit_code == 0 and "河北省" in whole.stdout
    cases = [
        (["--org", "999999", "--out", str(out)], 1, "找不到行政区划：999999"),
        (["--plan", "nope.txt", "--out", str(out)], 1, "找不到方案"),
        (["--out", str(tmp_path / "x.txt")], 2, "须为 .docx 文件"),
        (["--on", "soon", "--out", str(out)], 2, "--on 须为日期"),
        (["--out", str(tmp_path / "missing-dir" / "x.docx")], 1, "无法写入"),
    ]
    for args, code, message in cases:
        result = runner.invoke(app, ["report", "briefing", *args])
        assert result.exit_code == code and message in result.stderr, (args, result.output)
    assert runner.invoke(app, ["report", "briefing"]).exit_code == 2  # --out is required
