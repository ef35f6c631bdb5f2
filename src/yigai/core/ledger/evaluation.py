"""One evaluation of a ledger item for a day: its light, how long it is overdue, its reporting counts and the
status users read. The nightly refresh stores this result on the item; every list, board, chart, dashboard,
scorecard, briefing, API answer and Excel export reads what was stored (or, for another day, calls this
same function), so no two surfaces can count differently.

Reporting: every period of the ledger's cadence from the item's start to today (to the day it was closed, or
its deadline, once finished) expects one report of the responsible unit; a period whose due date passed
without one is **missing** (漏报) — whenever the item was put on the ledger. A split item's parent led by a
placeholder (各县（市、区）人民政府) expects no reports of its own: its places report on their copies; one led
by a named unit (the places only 配合) does (``expects_reports``, decided by the caller).

Status as shown: a requested closure reads 待审核销号 and a requested extension 待审核延期 (both are waiting
for a reviewer, whatever the deadline); otherwise an open item past its deadline reads 已逾期. Whether the item
is overdue is kept apart (``overdue``), so an item awaiting review still counts as overdue.

>>> from datetime import date
>>> from yigai.core.ledger.calendar import WorkCalendar
>>> from yigai.core.ledger.warnings import get_scheme
>>> from yigai.core.ledger.workflow import ItemState, Status
>>> snap = LedgerSnapshot("L1", "建设医共体", Status.CLOSE_REQUESTED, date(2026, 1, 1), date(2026, 6, 30), 100)
>>> state = ItemState(Status.CLOSE_REQUESTED, date(2026, 6, 30), close_requested_by="zhang")
>>> e = evaluate_item(snap, state, today=date(2026, 7, 8), calendar=WorkCalendar(), scheme=get_scheme(),
...                   cadence="quarterly", unit="某县人民政府", reports=[])
>>> e.status_shown, e.overdue, e.overdue_workdays, e.light.colour
('待审核销号', True, 6, 'red')
>>> e.reports.due, e.reports.missing  # Q1 was due 2026-04-08 and never reported; Q2 is due 2026-07-07
(2, 2)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from yigai.core.ledger.calendar import WorkCalendar
from yigai.core.ledger.reporting import Cadence, PeriodCompleteness, ProgressReport, completeness, due_periods
from yigai.core.ledger.snapshot import LedgerSnapshot
from yigai.core.ledger.warnings import ItemWarning, WarningScheme, evaluate
from yigai.core.ledger.workflow import FINISHED, ItemState, Status, is_overdue, status_label

PENDING_CLOSE_LABEL = "待审核销号"
PENDING_EXTENSION_LABEL = "待审核延期"


@dataclass(frozen=True)
class ReportCounts:
    """Expected reports (``due``) by state: on time, late, missing (漏报)."""

    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    def __add__(self, other: ReportCounts) -> ReportCounts:
        return ReportCounts(
            self.on_time + other.on_time, self.late + other.late, self.missing + other.missing
        )


@dataclass(frozen=True)
class ItemEvaluation:
    """What one evaluation found for ``day`` (stored on the item by the refresh)."""

    day: date
    light: ItemWarning
    status_shown: str
    overdue: bool
    overdue_workdays: int
    reports: ReportCounts


def display_status(state: ItemState, today: date) -> str:
    """The status users read: a request awaiting review first, then 已逾期, then the stored status."""
    if state.status is Status.CLOSE_REQUESTED:
        return PENDING_CLOSE_LABEL
    if state.pending_extension is not None and state.status not in FINISHED:
        return PENDING_EXTENSION_LABEL
    return status_label(state, today)


def reporting_window(
    start: date, deadline: date, status: Status, today: date, closed_on: date | None = None
) -> tuple[date, date] | None:
    """Days in which reports are expected: from the start to today while open; once finished, to the day it
    was closed (or its deadline). None when nothing is expected yet."""
    end = today if status not in FINISHED else min(today, closed_on or deadline)
    return (start, end) if start <= end else None


def item_completeness(
    reports: Iterable[ProgressReport], *, unit: str, start: date, deadline: date, status: Status, today: date,
    cadence: Cadence, calendar: WorkCalendar, closed_on: date | None = None, item_id: str = "",
) -> tuple[PeriodCompleteness, ...]:  # fmt: skip
    """One entry per expected period of ``unit`` (reports of other units are ignored)."""
    window = reporting_window(start, deadline, status, today, closed_on)
    if window is None:
        return ()
    periods = due_periods(*window, cadence, calendar=calendar)
    return completeness(reports, periods, today, units=[unit], item_id=item_id)


def evaluate_item(
    item: LedgerSnapshot, state: ItemState, *, today: date, calendar: WorkCalendar, scheme: WarningScheme,
    cadence: Cadence, unit: str | None, reports: Iterable[ProgressReport], closed_on: date | None = None,
    expects_reports: bool = True,
) -> ItemEvaluation:  # fmt: skip
    """The item's light, overdue workdays, reporting counts and shown status on ``today``.

    ``unit``: the responsible unit as named in reports (None: no unit, nothing expected); ``reports``: the
    submitted reports (core :class:`ProgressReport`, submission day local); ``expects_reports=False`` for
    a split item's parent."""
    light = evaluate(item, today=today, calendar=calendar, scheme=scheme)
    overdue = is_overdue(state, today)
    days = calendar.workdays_between(state.deadline, today) if overdue else 0
    counts = ReportCounts()
    if expects_reports and unit is not None:
        entries = item_completeness(
            reports, unit=unit, start=item.start, deadline=state.deadline, status=state.status, today=today,
            cadence=cadence, calendar=calendar, closed_on=closed_on, item_id=item.item_id,
        )  # fmt: skip
        states = Counter(e.state for e in entries)
        counts = ReportCounts(states["on_time"], states["late"], states["missing"])
    return ItemEvaluation(today, light, display_status(state, today), overdue, max(days, 0), counts)
