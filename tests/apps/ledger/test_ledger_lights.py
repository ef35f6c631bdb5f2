"""Stored lights (services/lights.py): what lists, the board and the dashboard read must equal a fresh
evaluation, and every kind of change must make the stored values stale until they are recomputed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone
from typer.testing import CliRunner

from yigai.apps.ledger import board, services
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import ItemFilters, item_list, lights_evaluated, lights_query, warnings_all

from .conftest import PDF, fresh

pytestmark = pytest.mark.django_db


def _stored(on: dt.date) -> dict[str, tuple[str, str, str, str]]:
    return {
        i.code: (i.light_colour, i.light_label, i.light_reason, i.status_shown)
        for i in LedgerItem.objects.filter(light_on=on)
    }


def _evaluated(on: dt.date) -> dict[str, tuple[str, str, str, str]]:
    return {
        x.item.code: (x.warning.colour, x.warning.label, x.warning.reason, x.status_label)
        for x in warnings_all(on=on)
    }


def test_refresh_stores_what_an_evaluation_gives(plan) -> None:
    today = timezone.localdate()
    assert LedgerItem.objects.filter(light_on__isnull=True).count() == LedgerItem.objects.count() > 3
    assert services.lights_ensure(today) == LedgerItem.objects.count()
    assert _stored(today) == _evaluated(today)
    assert services.lights_ensure(today) == 0  # nothing stale: nothing done
    later = today + dt.timedelta(days=400)  # another day: every light is stale again, and differs
    assert services.lights_ensure(later) == LedgerItem.objects.count()
    assert _stored(later) == _evaluated(later) != {k: v for k, v in _stored(today).items()}


def test_every_kind_of_write_makes_the_light_stale(plan, users, t1) -> None:
    today = timezone.localdate()
    services.lights_ensure(today)
    others = LedgerItem.objects.exclude(pk=t1.pk)
    services.progress_report_submit(
        item=t1, user=users["lead"], text="推进中", percent=30, expected_version=t1.version
    )
    assert fresh(t1).light_on is None and not others.filter(light_on__isnull=True).exists()
    services.lights_ensure(today)
    assert fresh(t1).light_on == today and _stored(today) == _evaluated(today)

    services.item_transition(
        item=fresh(t1), action="request_extension", user=users["lead"], expected_version=fresh(t1).version,
        reason="测试", new_deadline=dt.date(2030, 6, 30),
    )  # fmt: skip
    assert fresh(t1).light_on is None
    services.lights_ensure(today)

    services.item_update(
        item=fresh(t1), user=users["owner"], expected_version=fresh(t1).version, title="改了标题"
    )
    assert fresh(t1).light_on is None  # invalidation is the one service every write calls
    services.lights_ensure(today)

    services.holiday_set(date=today + dt.timedelta(days=3), is_workday=False, name="测试假日")
    assert not LedgerItem.objects.exclude(light_on__isnull=True).exists()  # the calendar moves every count
    services.lights_ensure(today)
    assert _stored(today) == _evaluated(today)


def test_closed_day_and_report_counts_are_stored(plan, users, t1) -> None:
    from yigai.apps.ledger.selectors import reporting_for

    services.progress_report_submit(item=t1, user=users["lead"], text="完成", percent=100,
                                    expected_version=t1.version, files=[("验收.pdf", PDF)])  # fmt: skip
    item = services.item_transition(item=fresh(t1), action="request_close", user=users["lead"],
                                    expected_version=fresh(t1).version)  # fmt: skip
    services.item_transition(
        item=item, action="approve_close", user=users["owner"], expected_version=item.version
    )
    today = timezone.localdate()
    services.lights_ensure(today)
    row = fresh(t1)
    assert row.closed_on == today and row.status_shown == "已销号" and row.light_colour == "grey"
    rates = reporting_for(user=users["admin"]).values()
    stored = LedgerItem.objects.all()
    assert sum(i.reports_on_time for i in stored) == sum(r.on_time for r in rates)
    assert sum(i.reports_missing for i in stored) == sum(r.missing for r in rates)
    assert sum(i.reports_late for i in stored) == sum(r.late for r in rates)


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL locks the rows it refreshes (SKIP LOCKED)"
)
def test_a_save_during_a_refresh_wins_on_sqlite(plan, users, t1, monkeypatch) -> None:
    """Without row locks the refresh writes only rows still at the version it read."""
    from yigai.apps.ledger.services import lights

    real = lights.evaluations
    saved = []

    def evaluate_and_race(items, day, **kw):
        if not saved and any(i.pk == t1.pk for i in items):  # someone reports while the refresh evaluates
            saved.append(services.progress_report_submit(item=t1, user=users["lead"], text="并发",
                                                         percent=10, expected_version=t1.version))  # fmt: skip
        return real(items, day, **kw)

    monkeypatch.setattr(lights, "evaluations", evaluate_and_race)
    n = services.lights_refresh(today=timezone.localdate())
    assert saved and n == LedgerItem.objects.count() - 1
    assert fresh(t1).light_on is None and fresh(t1).progress == 10  # re-evaluated on the next read


def test_list_filter_and_board_read_the_stored_lights(plan, users, client, monkeypatch) -> None:
    user = users["admin"]
    today = timezone.localdate()
    services.lights_ensure(today)  # selectors only read: the caller refreshes first
    every = lights_query(user=user, filters=ItemFilters(plan=plan.pk))
    evaluated = lights_evaluated(item_list(user=user, filters=ItemFilters(plan=plan.pk)), today)
    colours = {x.item.code: x.warning.colour for x in evaluated}
    for colour in set(colours.values()):
        shown = {i.code for i in lights_query(user=user, filters=ItemFilters(plan=plan.pk, colour=colour))}
        assert shown == {code for code, c in colours.items() if c == colour}
    monkeypatch.setattr(board, "ATTENTION", 1)
    data = board.warning_board(every)
    lit = [x for x in evaluated if x.warning.colour in board.LIT]
    assert sum(data.totals.values()) == len(evaluated)
    assert data.attention_total == len(lit) and len(data.attention) == min(1, len(lit))
    client.force_login(users["owner"])
    html = client.get(f"/ledger/plan/{plan.pk}/board/").content.decode()
    more = re.search(r'data-attention-more="(\d+)"', html)
    assert (int(more.group(1)) if more else 0) == max(len(lit) - 1, 0)


def test_refresh_command(plan) -> None:
    from yigai.cli import app

    result = CliRunner().invoke(app, ["ledger", "refresh"])
    assert result.exit_code == 0, result.output
    n = LedgerItem.objects.count()
    assert f"已更新 {n} 项" in result.output
    again = CliRunner().invoke(app, ["ledger", "refresh"])
    assert "已更新 0 项" in again.output
    forced = CliRunner().invoke(app, ["ledger", "refresh", "--all"])
    assert f"已更新 {n} 项" in forced.output


def test_a_user_at_the_root_sees_what_the_path_test_gives(plan, users) -> None:
    """The root short-cut in the selectors (no path join) must equal the path test it replaces, and must
    not apply once the tree has a second root."""
    from django.db.models import Q

    from yigai.apps.ledger.selectors import _whole_tree, visible_items
    from yigai.apps.orgunits.models import OrgUnit

    reviewer = users["reviewer"]  # 省卫生健康委, at 130000
    prefix = reviewer.org_unit.path
    by_path = LedgerItem.objects.filter(
        Q(ledger__plan__org_unit__path__startswith=prefix) | Q(org_unit__path__startswith=prefix)
    )
    assert _whole_tree(reviewer)
    assert set(visible_items(user=reviewer).values_list("pk", flat=True)) == set(
        by_path.values_list("pk", flat=True)
    )
    OrgUnit.objects.create(code="990000", name="另一棵树", level="province", path="990000/")
    assert not _whole_tree(reviewer)
    assert not _whole_tree(users["owner"])  # 保定: never the whole tree
