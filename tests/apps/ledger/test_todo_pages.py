"""The 待办 page (each role's landing), the menu's count, and the 督办 list with its filters and states."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yigai.apps.ledger import services
from yigai.apps.ledger.models import LedgerItem, SupervisionNotice
from yigai.core.ledger.todo import NOTICE_STATES, notice_state

from .conftest import fresh

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _open_all() -> None:
    LedgerItem.objects.update(status="in_progress", start=_today() - dt.timedelta(days=95),
                              deadline=_today() + dt.timedelta(days=200), light_on=None)  # fmt: skip


def _menu_count(html: str) -> int | None:
    found = re.search(r'data-todo-count="(\d+)"', html)
    return int(found.group(1)) if found else None


def test_each_role_lands_where_it_works(client, plan, users) -> None:
    for who, where in (("lead", "/todo/"), ("owner", "/todo/"), ("reviewer", "/todo/"),
                       ("leader", "/dashboard/")):  # fmt: skip
        client.force_login(users[who])
        assert client.get("/").url == where, who


def test_the_reporters_todo_and_its_menu_count(client, plan, users, t1) -> None:
    _open_all()
    rev, lead = users["reviewer"], users["lead"]
    services.notice_issue(
        item=t1, user=rev, content="请报送医共体建设进度", reply_by=_today() + dt.timedelta(days=3)
    )
    client.force_login(lead)
    html = client.get("/todo/").content.decode()
    assert 'id="todo-reports" data-count="1"' in html and 'id="todo-notices" data-count="1"' in html
    assert f'href="/ledger/items/{t1.code}/#report-form"' in html and "请报送医共体建设进度" in html
    assert _menu_count(html) == 2
    services.progress_report_submit(
        item=t1, user=lead, text="已推进", percent=40, expected_version=fresh(t1).version
    )
    html = client.get("/todo/").content.decode()
    assert 'id="todo-reports" data-count="0"' in html and _menu_count(html) == 1  # a write moved the count


def test_approvers_see_requests_and_a_leader_has_no_todo(client, plan, users, t1) -> None:
    _open_all()
    LedgerItem.objects.filter(pk=t1.pk).update(status="close_requested", close_requested_by="lead")
    client.force_login(users["reviewer"])
    html = client.get("/todo/").content.decode()
    assert 'id="todo-closures" data-count="1"' in html and t1.code in html
    assert 'id="todo-extensions"' not in html  # a reviewer does not approve extensions
    client.force_login(users["leader"])
    page = client.get("/dashboard/").content.decode()
    assert _menu_count(page) is None and 'href="/todo/"' not in page and 'href="/todo/notices/"' in page


def _queries(client, url: str) -> int:
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as q:
        assert client.get(url).status_code == 200
    return len(q.captured_queries)


def test_todo_and_notice_pages_queries_stay_flat(client, plan, users) -> None:
    """One item waiting or many, one notice or many: the same number of queries (no per-row read)."""
    _open_all()
    rev = users["reviewer"]
    items = list(LedgerItem.objects.order_by("pk"))
    client.force_login(rev)

    def grow(few: list[LedgerItem]) -> None:
        LedgerItem.objects.filter(pk__in=[i.pk for i in few]).update(
            status="close_requested", close_requested_by="lead", pending_deadline=_today() + dt.timedelta(days=300),
        )  # fmt: skip
        for i in few:
            SupervisionNotice.objects.create(item=i, issued_by=rev, issued_on=_today(), content="督办",
                                             reply_by=_today() - dt.timedelta(days=1))  # fmt: skip

    grow(items[:1])
    small = (_queries(client, "/todo/"), _queries(client, "/todo/notices/"))
    grow(items[1:8])
    assert (_queries(client, "/todo/"), _queries(client, "/todo/notices/")) == small
    client.force_login(users["owner"])
    assert _queries(client, "/todo/") > 0


def test_the_menu_count_is_cached_between_writes(client, plan, users) -> None:
    client.force_login(users["lead"])
    client.get("/ledger/")  # the day's first read refreshes the lights (a write: the count is built again)
    client.get("/ledger/")
    with CaptureQueriesContext(connection) as q:
        client.get("/ledger/")
    todo_reads = [s["sql"] for s in q.captured_queries if "ledger_notification" in s["sql"]]
    assert todo_reads == []  # the count came from the cache
    services.lights_invalidate()  # any write to the ledger: the count is counted again
    with CaptureQueriesContext(connection) as q:
        client.get("/ledger/")
    assert [s["sql"] for s in q.captured_queries if "ledger_notification" in s["sql"]]


def test_notice_list_states_and_filters(client, plan, users, t1) -> None:
    _open_all()
    rev, lead = users["reviewer"], users["lead"]
    county = LedgerItem.objects.get(task__ext_id="T2", org_unit__code="130608")
    made = {
        "open": services.notice_issue(item=t1, user=rev, content="甲", reply_by=_today() + dt.timedelta(days=5)),
        "overdue": services.notice_issue(item=county, user=rev, content="乙", reply_by=_today()),
        "answered": services.notice_issue(item=t1, user=rev, content="丙", reply_by=_today()),
        "closed": services.notice_issue(item=county, user=rev, content="丁", reply_by=_today()),
    }  # fmt: skip
    SupervisionNotice.objects.filter(pk=made["overdue"].pk).update(reply_by=_today() - dt.timedelta(days=3))
    services.notice_reply(notice=made["answered"], user=lead, reply="已办")
    closed_item = LedgerItem.objects.get(task__ext_id="T2", org_unit__code="130607")
    SupervisionNotice.objects.filter(pk=made["closed"].pk).update(item=closed_item)
    LedgerItem.objects.filter(pk=closed_item.pk).update(status="closed")
    client.force_login(rev)
    for state in NOTICE_STATES:
        html = client.get(f"/todo/notices/?state={state}").content.decode()
        assert re.findall(r'data-state="(\w+)"', html) == [state], state
    for n in SupervisionNotice.objects.select_related("item"):  # the SQL filter agrees with the rule
        rule = notice_state(n.reply_by, replied=n.replied_at is not None,
                            item_finished=n.item.status in ("closed", "withdrawn"), today=_today())  # fmt: skip
        assert made[rule].pk == n.pk
    assert "甲" in client.get("/todo/notices/?unit=卫生健康委").content.decode()
    assert "乙" not in client.get("/todo/notices/?unit=卫生健康委").content.decode()
    span = f"?reply_from={_today() + dt.timedelta(days=1)}&reply_to={_today() + dt.timedelta(days=9)}"
    assert re.findall(r'data-state="(\w+)"', client.get(f"/todo/notices/{span}").content.decode()) == ["open"]
    assert "甲" not in client.get(f"/todo/notices/?plan={plan.pk + 99}").content.decode()
    client.force_login(users["owner_sjz"])  # another city: none of 保定's notices
    assert "data-state" not in client.get("/todo/notices/").content.decode()
    client.force_login(users["leader"])
    assert client.get("/todo/notices/").content.decode().count("data-state=") == 4
    client.force_login(lead)
    assert client.get("/todo/notices/").status_code == 403


def test_notice_list_pages_keep_the_filters(client, plan, users, t1) -> None:
    rev = users["reviewer"]
    SupervisionNotice.objects.bulk_create(
        SupervisionNotice(item=t1, issued_by=rev, issued_on=_today(), content=f"督办{i}", reply_by=_today())
        for i in range(51)
    )
    client.force_login(rev)
    html = client.get("/todo/notices/?state=open").content.decode()
    assert html.count("data-state=") == 50 and 'href="?state=open&page=2"' in html
    assert client.get("/todo/notices/?state=open&page=2").content.decode().count("data-state=") == 1
