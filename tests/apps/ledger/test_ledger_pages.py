"""Ledger pages: render for users who may see the item or plan, 404 for a user of another county; actions
through the item page; a stale save keeps the typed text and shows the stored values; the Excel upload
shows a diff and applies only on confirm."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET
from yigai.apps.ledger.models import LedgerItem, ProgressReport
from yigai.apps.ledger.services import progress_report_submit

pytestmark = pytest.mark.django_db
COL = {h: i + 1 for i, h in enumerate(HEADERS)}


def login(client, user):
    client.force_login(user)
    return client


def test_pages_render_for_owner(client, plan, users, t1) -> None:
    c = login(client, users["owner"])
    for url in (
        reverse("ledger:index"),
        reverse("ledger:items", args=[plan.pk]),
        reverse("ledger:items", args=[plan.pk]) + "?colour=red&status=overdue&unit=卫生",
        reverse("ledger:board", args=[plan.pk]),
        reverse("ledger:timeline", args=[plan.pk]),
        reverse("ledger:item", args=[t1.code]),
        reverse("ledger:upload"),
    ):
        response = c.get(url)
        assert response.status_code == 200, url
    page = c.get(reverse("ledger:items", args=[plan.pk])).content.decode()
    assert t1.code in page and "清苑区人民政府" in page and "工作台账" in page
    board = c.get(reverse("ledger:board", args=[plan.pk])).content.decode()
    assert 'id="board-data"' in board and "vendor/echarts.min.js" in board and "https://" not in board
    timeline = c.get(reverse("ledger:timeline", args=[plan.pk])).content.decode()
    assert 'id="timeline-data"' in timeline and t1.code in timeline
    export = c.get(reverse("ledger:export", args=[plan.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(io.BytesIO(export.content))[SHEET]
    assert ws.max_row - HEADER_ROW == LedgerItem.objects.filter(ledger__plan=plan).count()


def test_another_county_gets_404(client, plan, users, make_user, t1) -> None:
    outsider = make_user("xiong", "unit_reporter", "130638", "雄县人民政府")  # 雄县, under 雄安新区
    c = login(client, outsider)
    assert c.get(reverse("ledger:item", args=[t1.code])).status_code == 404
    for name in ("items", "board", "timeline", "export"):
        assert c.get(reverse(f"ledger:{name}", args=[plan.pk])).status_code == 404, name
    assert (
        c.post(reverse("ledger:action", args=[t1.code]), {"action": "start", "version": 1}).status_code == 404
    )
    county = login(client, users["county"])  # 清苑区 sees its own child item, not the city's
    assert county.get(reverse("ledger:items", args=[plan.pk])).status_code == 200
    assert county.get(reverse("ledger:item", args=[t1.code])).status_code == 404


def test_report_and_actions_through_the_item_page(client, plan, users, t1) -> None:
    c = login(client, users["lead"])
    page = c.get(reverse("ledger:item", args=[t1.code])).content.decode()
    assert "报送进展" in page and 'value="start"' in page and 'value="request_extension"' in page
    response = c.post(
        reverse("ledger:report", args=[t1.code]), {"text": "已启动", "percent": "20", "version": "1"}
    )
    assert response.status_code == 302
    item = LedgerItem.objects.get(pk=t1.pk)
    assert (item.status, item.progress) == ("in_progress", 20)
    refused = c.post(
        reverse("ledger:action", args=[t1.code]), {"action": "request_close", "version": item.version}
    )
    assert refused.status_code == 400 and "佐证材料" in refused.content.decode()
    owner = login(client, users["owner"])
    assert 'value="withdraw"' in owner.get(reverse("ledger:item", args=[t1.code])).content.decode()


def test_conflict_keeps_typed_text_and_shows_stored_values(client, plan, users, t1) -> None:
    lead = users["lead"]
    progress_report_submit(item=t1, user=lead, text="同事刚报送的进展", percent=30, expected_version=1)
    c = login(client, lead)
    response = c.post(
        reverse("ledger:report", args=[t1.code]), {"text": "我离线写好的一大段进展", "version": "1"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "保存冲突" in page and "同事刚报送的进展" in page
    assert page.count("我离线写好的一大段进展") >= 2  # shown next to theirs, and kept in the form
    assert 'name="version" value="2"' in page
    assert ProgressReport.objects.filter(item=t1).count() == 1


def test_notice_issue_and_reply(client, plan, users, t1) -> None:
    reviewer = login(client, users["reviewer"])
    response = reviewer.post(
        reverse("ledger:notice", args=[t1.code]), {"content": "请加快进度", "reply_by": "2099-01-01"}
    )
    assert response.status_code == 302
    notice = t1.notices.get()
    lead = login(client, users["lead"])
    assert "请加快进度" in lead.get(reverse("ledger:item", args=[t1.code])).content.decode()
    lead.post(reverse("ledger:reply", args=[t1.code, notice.pk]), {"reply": "已部署整改"})
    notice.refresh_from_db()
    assert notice.reply == "已部署整改"


def test_upload_preview_then_confirm(client, plan, users, t1, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    c = login(client, users["lead"])
    data = c.get(reverse("ledger:export", args=[plan.pk])).content
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    row = next(
        r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, COL["台账编号"]).value == t1.code
    )
    ws.cell(row, COL["进展情况"]).value = "表格中填写的进展"
    out = io.BytesIO()
    wb.save(out)
    out.name = "台账.xlsx"
    out.seek(0)
    preview = c.post(reverse("ledger:upload"), {"file": out})
    page = preview.content.decode()
    assert preview.status_code == 200 and "表格中填写的进展" in page and 'id="confirm-import"' in page
    assert LedgerItem.objects.get(pk=t1.pk).progress_text == ""
    digest = page.split('name="digest" value="')[1].split('"')[0]
    assert c.post(reverse("ledger:confirm"), {"digest": "stale"}).status_code == 409
    done = c.post(reverse("ledger:confirm"), {"digest": digest})
    assert done.status_code == 200 and "已导入" in done.content.decode()
    assert LedgerItem.objects.get(pk=t1.pk).progress_text == "表格中填写的进展"
    assert c.post(reverse("ledger:confirm"), {"digest": digest}).status_code == 302  # nothing left to confirm


def test_ledger_index_counts_the_items_each_user_sees(client, plan, users) -> None:
    """The index's "您可见的事项" column is the user's own count, not the plan's total (which would tell a
    unit what other units are given)."""
    from yigai.apps.ledger.board import ledger_plans
    from yigai.apps.ledger.selectors import visible_items

    total = LedgerItem.objects.filter(ledger__plan=plan).count()
    seen = {}
    for name in ("owner", "co", "county", "leader"):
        n = visible_items(user=users[name]).filter(ledger__plan=plan).count()
        assert {p.pk: p.n_items for p in ledger_plans(user=users[name])}[plan.pk] == n
        page = login(client, users[name]).get(reverse("ledger:index")).content.decode()
        assert f"<td>{n}</td>" in page
        seen[name] = n
    assert seen["owner"] == seen["leader"] == total and 0 < seen["co"] < total and 0 < seen["county"] < total
    assert plan.pk not in {p.pk for p in ledger_plans(user=users["other"])}  # sees none: not listed
