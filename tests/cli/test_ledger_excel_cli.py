"""``yigai ledger export`` / ``yigai ledger import`` after ``yigai demo``: the Langfang plan (seed 003) gives a
sheet with its ≥100 rows; a dry run prints the diff and writes nothing; a bad row exits 1 with one line."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from yigai.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
LANGFANG = "003_ee25766b79f023db.txt"


@pytest.fixture
def demo(tmp_path, settings):
    settings.LEDGER_EVIDENCE_DIR = tmp_path / "evidence"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert runner.invoke(app, ["demo", "--no-records"]).exit_code == 0


def _row(ws, code: str) -> int:
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 12).value == code)


def test_export_edit_import(demo, tmp_path) -> None:
    from yigai.apps.ledger.models import LedgerItem

    out = tmp_path / "langfang.xlsx"
    result = runner.invoke(app, ["ledger", "export", LANGFANG, "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    ws = wb["工作台账"]
    assert ws.max_row - 3 >= 100 and len(ws.merged_cells.ranges) > 10
    item = LedgerItem.objects.filter(ledger__plan__source=LANGFANG, lead_unit__name="市卫生健康委",
                                     org_unit__code="131000", status="in_progress").first()  # fmt: skip
    ws.cell(_row(ws, item.code), 8).value = "命令行导入的进展"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    dry = runner.invoke(app, ["ledger", "import", str(edited), "--user", "reporter_lf", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{item.code}" in dry.stdout and "命令行导入的进展" in dry.stdout and "试运行" in dry.stdout
    assert LedgerItem.objects.get(pk=item.pk).progress_text != "命令行导入的进展"
    done = runner.invoke(app, ["ledger", "import", str(edited), "--user", "reporter_lf"])
    assert done.exit_code == 0 and "已导入" in done.stdout
    assert LedgerItem.objects.get(pk=item.pk).progress_text == "命令行导入的进展"
    again = runner.invoke(app, ["ledger", "import", str(edited), "--user", "reporter_lf"])
    assert again.exit_code == 0 and "没有需要导入的改动" in again.stdout

    county = LedgerItem.objects.filter(ledger__plan__source=LANGFANG, org_unit__code="131022").first()
    r = _row(ws, county.code)
    ws.cell(r, 8).value = "替固安县填写"
    wb.save(edited)
    bad = runner.invoke(app, ["ledger", "import", str(edited), "--user", "reporter_lf"])
    assert bad.exit_code == 1
    lines = [x for x in bad.stderr.splitlines() if x.startswith("错误：第")]
    assert lines == [f"错误：第{r}行（{county.code}）：无权修改该事项：不属于您的单位或地区"]
    assert runner.invoke(app, ["ledger", "import", str(edited), "--user", "nobody"]).exit_code == 2
    assert runner.invoke(app, ["ledger", "export", "nope.txt"]).exit_code == 1
