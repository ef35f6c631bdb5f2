"""Property (issue 11): for random ledgers and days, every surface — the list, the warning board, the
dashboard, the scorecards, the API and the Excel export — reports the same counts for the same user, because
each reads the one evaluation (stored for today, evaluated the same way for another day)."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from yigai.apps.dashboard.inputs import access_scope, collect
from yigai.apps.dashboard.scorecards import scorecard_rows
from yigai.apps.dashboard.summary import summarise
from yigai.apps.ledger import board, services
from yigai.apps.ledger.excel_export import ledger_export
from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET
from yigai.apps.ledger.models import LedgerItem, ProgressReport, Transition
from yigai.apps.ledger.selectors import ItemFilters, lights_query, warnings_for

from .test_ledger_api import bearer

pytestmark = pytest.mark.django_db
COL = {h: i + 1 for i, h in enumerate(HEADERS)}

STATUSES = ("not_started", "in_progress", "close_requested", "closed", "withdrawn")
item_state = st.tuples(
    st.sampled_from(STATUSES),
    st.one_of(st.none(), st.integers(0, 100)),  # progress
    st.integers(-500, 500),  # deadline, days from today
    st.integers(-900, -1),  # start, days from today
    st.lists(st.tuples(st.integers(1, 12), st.integers(0, 25)), max_size=4),  # reports: months back, lag
    st.booleans(),  # a pending extension
)


def _shape(items: list[LedgerItem], states: list[tuple]) -> None:
    today = timezone.localdate()
    for item, (status, progress, due, begin, reports, pending) in zip(items, states, strict=False):
        deadline, start = today + dt.timedelta(days=due), today + dt.timedelta(days=begin)
        LedgerItem.objects.filter(pk=item.pk).update(
            status=status, progress=progress, deadline=deadline, start=min(start, deadline),
            pending_deadline=deadline + dt.timedelta(days=90) if pending and status in STATUSES[:3] else None,
            close_requested_by="lead" if status == "close_requested" else "",
        )  # fmt: skip
        for back, lag in reports:
            month = (today.replace(day=1) - dt.timedelta(days=28 * back)).replace(day=1)
            end = (month + dt.timedelta(days=32)).replace(day=1)
            at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=lag), dt.time(10)))
            ProgressReport.objects.create(item=item, unit=item.lead_unit, is_lead=True, text="进展",
                                          period_key=f"{month.year}-{month.month:02d}", submitted_at=at)  # fmt: skip
        if status == "closed":
            at = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=min(due, 0)), dt.time(9)))
            Transition.objects.create(item=item, who="rev", role="reviewer", action="approve_close",
                                      from_status="close_requested", to_status="closed", at=at)  # fmt: skip
    services.lights_invalidate()


def _counts(colours: Counter[str], overdue: int, on_time: int, late: int, missing: int) -> tuple:
    return (dict(+colours), overdue, on_time, late, missing)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=st.lists(item_state, min_size=4, max_size=8), shift=st.sampled_from([0, 0, -45, 120, 400]))
def test_every_surface_counts_the_same(plan, users, client, states, shift) -> None:
    user = users["reviewer"]
    with transaction.atomic():
        items = list(LedgerItem.objects.filter(ledger__plan=plan).select_related("lead_unit").order_by("pk"))
        _shape([i for i in items if i.lead_unit_id], states)
        day = timezone.localdate() + dt.timedelta(days=shift)
        services.lights_ensure()
        expected = warnings_for(user=user, on=day, filters=ItemFilters(plan=plan.pk))
        want = _counts(
            Counter(x.warning.colour for x in expected), sum(x.overdue for x in expected),
            sum(x.reports.on_time for x in expected), sum(x.reports.late for x in expected),
            sum(x.reports.missing for x in expected),
        )  # fmt: skip
        assert len(expected) == len(items)

        s = summarise(collect(user=user, scope=access_scope(user=user), plan=plan.pk, on=day))
        t = s.total
        assert _counts(t.colours, t.overdue, t.on_time, t.late, t.missing) == want, "dashboard"
        rows = scorecard_rows(s, by="unit")
        col = lambda key: sum(v for r in rows for c, v in r.values if c.key == key)  # noqa: E731
        assert (col("total"), col("overdue"), col("on_time"), col("late"), col("missing"), col("red")) == (
            len(items),
            want[1],
            want[2],
            want[3],
            want[4],
            want[0].get("red", 0),
        ), "scorecard"

        api = client.get(f"/api/ledger/items?plan={plan.pk}&limit=1000&on={day.isoformat()}", **bearer(user))
        got = api.json()
        assert _counts(
            Counter(r["colour"] for r in got), sum(r["overdue"] for r in got),
            sum(r["reports_on_time"] for r in got), sum(r["reports_late"] for r in got),
            sum(r["reports_missing"] for r in got),
        ) == want, "api"  # fmt: skip

        _name, data = ledger_export(plan=plan, user=user, on=day)
        ws = load_workbook(io.BytesIO(data))[SHEET]
        cells = [
            (ws.cell(r, COL["台账编号"]).value, ws.cell(r, COL["预警"]).value)
            for r in range(HEADER_ROW + 1, ws.max_row + 1)
        ]
        shown = Counter(str(w).split("：")[0] for code, w in cells if code)
        assert shown == Counter(x.warning.label for x in expected), "excel"

        if shift == 0:  # today's lists and board page the stored values in SQL
            listed = lights_query(user=user, filters=ItemFilters(plan=plan.pk))
            assert (dict(+Counter(listed.values_list("light_colour", flat=True))), listed.filter(overdue=True).count()) == want[:2], "list"  # fmt: skip
            b = board.warning_board(listed)
            assert dict(+Counter(b.totals)) == want[0], "board"
        transaction.set_rollback(True)
