"""One evaluation of a ledger item (issue 11): what the nightly refresh stores is what every surface shows —
漏报 counted from the item's start, 待审核销号 / 待审核延期 shown, split items' parents take their children's
worst light, and a responsible unit is named in its place (廊坊市卫生健康委 ≠ 保定市卫生健康委)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from yigai.apps.dashboard.inputs import access_scope, collect
from yigai.apps.dashboard.summary import summarise
from yigai.apps.ledger import board, services
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import light_rows, lights_query, reporting_for
from yigai.apps.orgunits.models import OrgUnit

from .conftest import PDF, fresh
from .test_ledger_api import bearer

pytestmark = pytest.mark.django_db


def _act(item: LedgerItem, action: str, user, **kw) -> None:
    services.item_transition(item=item, action=action, user=user, expected_version=fresh(item).version, **kw)


def test_a_period_that_passed_without_a_report_is_missing(plan, users, t1) -> None:
    """Published today, started long ago, never reported: every passed period is 漏报 (it was 0 because
    reports were only expected from the day the item was put on the ledger)."""
    today = timezone.localdate()
    services.lights_ensure(today)
    item = fresh(t1)
    assert item.start < today - dt.timedelta(days=120)
    assert item.reports_missing >= 3 and item.reports_on_time == item.reports_late == 0
    rate = reporting_for(user=users["admin"])["保定市卫生健康委"]
    assert rate.missing == item.reports_missing and rate.overall_rate == 0.0
    s = summarise(collect(user=users["leader"], scope=access_scope(user=users["leader"])))
    assert s.total.missing >= item.reports_missing and s.total.reporting_rate is not None
    assert s.total.reporting_rate < 1 and s.total.overdue > 0


def test_a_requested_closure_reads_pending_review(plan, users, t1) -> None:
    """An overdue item whose 销号 was requested reads 待审核销号, not 已逾期; a requested extension reads
    待审核延期 — on the list, the item page and the API, all from the stored evaluation."""
    lead = users["lead"]
    _act(t1, "start", lead)
    services.evidence_attach(item=fresh(t1), user=lead, name="验收.pdf", data=PDF)
    _act(t1, "request_close", lead)
    services.lights_ensure(timezone.localdate())
    assert fresh(t1).status_shown == "待审核销号"
    assert fresh(t1).overdue  # still past its deadline: counted as overdue, shown as awaiting review
    [row] = light_rows(lights_query(user=users["admin"]).filter(pk=t1.pk))
    assert row.status_label == "待审核销号"
    t2 = LedgerItem.objects.get(task__ext_id="T2", parent=None)
    child = t2.children.filter(org_unit__code="130608").first()
    assert child is not None
    _act(child, "request_extension", users["county"], reason="资金未到位",
         new_deadline=timezone.localdate() + dt.timedelta(days=200))  # fmt: skip
    services.lights_ensure(timezone.localdate())
    assert fresh(child).status_shown == "待审核延期"


def _timeline(client, plan) -> dict:
    html = client.get(reverse("ledger:timeline", args=[plan.pk])).content.decode()
    found = re.search(r'<script id="timeline-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_a_split_items_parent_shows_its_worst_child(plan, users, client) -> None:
    """The parent was extended (green) while a county's copy is red: the parent row is red, says how many
    children are red, and lists them (as the list does)."""
    parent = LedgerItem.objects.get(task__ext_id="T2", parent=None)
    children = list(parent.children.order_by("pk"))
    later = timezone.localdate() + dt.timedelta(days=400)
    LedgerItem.objects.filter(pk=parent.pk).update(deadline=later)
    LedgerItem.objects.filter(parent=parent).exclude(pk=children[0].pk).update(deadline=later)
    services.lights_invalidate()
    services.lights_ensure(timezone.localdate())
    assert fresh(parent).light_colour == "green" and fresh(children[0]).light_colour == "red"
    client.force_login(users["reviewer"])
    rows = {r["code"]: r for r in _timeline(client, plan)["rows"]}
    row = rows[parent.code]
    assert row["colour"] == board.HEX["red"] and row["children_red"] == 1
    assert row["children_total"] == len(children) and "红灯1项" in row["reason"]
    assert {c.code for c in children}.isdisjoint(rows)  # the copies are folded into their parent …
    html = client.get(row["expand"]).content.decode()  # … and one click away
    found = re.search(r'<script id="timeline-data"[^>]*>(.*?)</script>', html, re.S)
    assert found is not None
    expanded = {r["code"]: r["colour"] for r in json.loads(found.group(1))["rows"]}
    assert set(expanded) == {c.code for c in children} and expanded[children[0].code] == board.HEX["red"]
    page = client.get(reverse("ledger:items", args=[plan.pk])).content.decode()
    assert 'data-children-red="1"' in page and f"?parent={parent.code}" in page
    listed = client.get(reverse("ledger:items", args=[plan.pk]) + f"?parent={parent.code}").content.decode()
    assert all(c.code in listed for c in children) and f">{parent.code}</a>" not in listed


def test_city_units_are_separate_at_province_level(plan, users) -> None:
    """市卫生健康委 of 保定 and of 石家庄 are two places' units: two rows, each named with its city."""
    t1 = LedgerItem.objects.get(task__ext_id="T1")
    twin = LedgerItem.objects.create(
        ledger=t1.ledger, code="L-SJZ-1", lead_unit=t1.lead_unit, title="石家庄的同名任务",
        org_unit=OrgUnit.objects.get(code="130100"), start=t1.start, deadline=t1.deadline,
    )  # fmt: skip
    services.lights_ensure(timezone.localdate())
    s = summarise(collect(user=None, scope=access_scope(user=None)))
    names = {u.name for u in s.units}
    assert {"保定市卫生健康委", "石家庄市卫生健康委"} <= names and "市卫生健康委" not in names
    b = board.warning_board(lights_query(user=users["admin"]))
    assert {"保定市卫生健康委", "石家庄市卫生健康委"} <= {name for name, _c, _n in b.by_unit}
    assert fresh(twin).reports_missing > 0
    assert "石家庄市卫生健康委" in reporting_for(user=users["admin"])


def test_the_author_of_a_report_is_the_reporters_own_unit(plan, users, t1, client) -> None:
    services.progress_report_submit(item=t1, user=users["co"], text="配合推进", percent=None,
                                    expected_version=fresh(t1).version)  # fmt: skip
    body = client.get(f"/api/ledger/items/{t1.code}", **bearer(users["reviewer"])).json()
    assert [r["unit"] for r in body["reports"]] == ["保定市医疗保障局"]


def _imports(module: str) -> set[str]:
    import ast
    import importlib

    source = Path(importlib.import_module(module).__file__ or "").read_text("utf-8")
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_layers_the_issue_names() -> None:
    """The dashboard queries no ledger model (it reads apps/ledger/figures.py; the type-only import sits
    under TYPE_CHECKING and is skipped here), and the ledger API does not reach for yigai.web.api."""
    import ast
    import importlib

    source = Path(importlib.import_module("yigai.apps.dashboard.inputs").__file__ or "").read_text("utf-8")
    tree = ast.parse(source)
    runtime = [n for n in tree.body if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
    modules = {n.module for n in runtime if isinstance(n, ast.ImportFrom)}
    assert "yigai.apps.ledger.models" not in modules and "yigai.apps.ledger.figures" in modules
    assert not {m for m in _imports("yigai.apps.ledger.api") if m.startswith("yigai.web")}


def test_a_named_lead_with_counties_as_co_units_still_reports(orgunits, fake_document, make_user) -> None:
    """ "牵头：市卫生健康委；配合：各县（市、区）人民政府": each county gets its copy, but the 市卫生健康委 still
    leads the task — its item expects its reports (it had none: a split item's parent expected no reports,
    so the lead unit fell out of its 待办, its 报送率 and its 考核)."""
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish
    from yigai.core.plan import Task

    task = Task(id="T1", number="1", path=("一、重点任务",), title="推进家庭医生签约", text="扩大签约覆盖面。",
                lead_units=("市卫生健康委",), co_units=("各县（市、区）人民政府",), deadline="2027-12-31",
                deadline_source="table")  # fmt: skip
    p = plan_store_document(document=fake_document(tasks=(task,), targets=()), content_hash="co")
    plan_publish(plan=p)
    parent = LedgerItem.objects.get(task__ext_id="T1", parent=None)
    LedgerItem.objects.filter(task__plan=p).update(start=timezone.localdate() - dt.timedelta(days=200))
    assert parent.lead_unit.name == "市卫生健康委" and parent.children.count() > 5
    services.lights_invalidate()
    services.lights_ensure(timezone.localdate())
    assert fresh(parent).reports_missing >= 3  # the lead's own reports are expected …
    child = fresh(parent.children.first())
    assert child.reports_missing >= 3  # … and each county's on its copy, as before
    admin = make_user("admin_co", "admin", "130000")
    assert "保定市卫生健康委" in reporting_for(user=admin)
