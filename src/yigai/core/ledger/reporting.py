"""Progress-report cadence (月报/周报/季报) and completeness (报送及时率), in the manner of DHIS2.

Every period that overlaps the item's [start, end] needs one report per responsible unit, due the N-th
workday after the period ends (N per cadence, see :data:`DEFAULT_DUE_WORKDAYS`; configurable). A report is
**on time** if submitted on or before the due date, **late** if after it, **missing** if there is none and
the due date has passed, **not yet due** otherwise. Rates count only periods that are due or already
reported (DHIS2's "expected reports"): on-time rate = on time / expected, overall rate = (on time + late)
/ expected.

>>> from datetime import date
>>> from yigai.core.ledger.calendar import WorkCalendar
>>> periods = due_periods(date(2026, 9, 15), date(2026, 11, 30), "monthly", calendar=WorkCalendar())
>>> [(p.key, p.label, p.due.isoformat()) for p in periods]
[('2026-09', '2026年9月', '2026-10-13'), ('2026-10', '2026年10月', '2026-11-06'), ('2026-11', '2026年11月', '2026-12-07')]
>>> reports = [ProgressReport("市医保局", "2026-09", date(2026, 10, 9)), ProgressReport("市医保局", "2026-10", date(2026, 11, 9))]
>>> entries = completeness(reports, periods, date(2026, 11, 23), units=["市医保局", "市财政局"])
>>> [(e.unit, e.period.key, e.state) for e in entries if e.unit == "市财政局"]
[('市财政局', '2026-09', 'missing'), ('市财政局', '2026-10', 'missing'), ('市财政局', '2026-11', 'not_yet_due')]
>>> r = reporting_rates(entries)["市医保局"]
>>> r.on_time, r.late, r.missing, r.on_time_rate, r.overall_rate
(1, 1, 0, 0.5, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from yigai.core.ledger.calendar import WorkCalendar

Cadence = Literal["weekly", "monthly", "quarterly"]
ReportState = Literal["on_time", "late", "missing", "not_yet_due"]
CADENCES: tuple[Cadence, ...] = ("weekly", "monthly", "quarterly")
#: Workdays after the period's end by which its report is due (weekly: by Tuesday, as 周调度 systems ask).
DEFAULT_DUE_WORKDAYS: dict[Cadence, int] = {"weekly": 2, "monthly": 5, "quarterly": 5}


@dataclass(frozen=True)
class Period:
    """A reporting period: stable key (``2026-11``, ``2026-W47``, ``2026-Q4``), its days and due date."""

    key: str
    label: str
    start: date
    end: date
    due: date


@dataclass(frozen=True)
class ProgressReport:
    """A submitted report: which unit, for which period key, on which day."""

    unit: str
    period_key: str
    submitted_on: date


@dataclass(frozen=True)
class PeriodCompleteness:
    item_id: str
    unit: str
    period: Period
    state: ReportState
    submitted_on: date | None


@dataclass(frozen=True)
class UnitRate:
    unit: str
    expected: int
    on_time: int
    late: int
    missing: int

    @property
    def on_time_rate(self) -> float | None:
        """Share of expected reports submitted on time (None when nothing was expected yet)."""
        return round(self.on_time / self.expected, 4) if self.expected else None

    @property
    def overall_rate(self) -> float | None:
        """Share of expected reports submitted at all."""
        return round((self.on_time + self.late) / self.expected, 4) if self.expected else None


def _period_of(d: date, cadence: Cadence) -> tuple[str, str, date, date]:
    if cadence == "weekly":
        start = d - timedelta(days=d.weekday())
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}", f"{year}年第{week}周", start, start + timedelta(days=6)
    if cadence == "monthly":
        start = d.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return f"{d.year}-{d.month:02d}", f"{d.year}年{d.month}月", start, nxt - timedelta(days=1)
    q = (d.month - 1) // 3
    start = date(d.year, 3 * q + 1, 1)
    end = date(d.year + 1, 1, 1) if q == 3 else date(d.year, 3 * q + 4, 1)
    return f"{d.year}-Q{q + 1}", f"{d.year}年第{q + 1}季度", start, end - timedelta(days=1)


def due_periods(
    start: date,
    end: date,
    cadence: Cadence = "monthly",
    *,
    calendar: WorkCalendar,
    due_workdays: int | None = None,
) -> tuple[Period, ...]:
    """The periods overlapping [start, end], each due ``due_workdays`` workdays after it ends."""
    if cadence not in CADENCES:
        raise ValueError(f"未知报送周期 {cadence!r}；可用：{', '.join(CADENCES)}")
    if end < start:
        raise ValueError(f"结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
    n = DEFAULT_DUE_WORKDAYS[cadence] if due_workdays is None else due_workdays
    if n < 0:
        raise ValueError(f"报送期限须为非负的工作日数，现为 {n}")
    periods = []
    day = start
    while day <= end:
        key, label, p_start, p_end = _period_of(day, cadence)
        due = calendar.add_workdays(p_end, n) if n else calendar.workday_on_or_after(p_end)
        periods.append(Period(key, label, p_start, p_end, due))
        day = p_end + timedelta(days=1)
    return tuple(periods)


def _state(submitted: date | None, due: date, today: date) -> ReportState:
    if submitted is not None:
        return "on_time" if submitted <= due else "late"
    return "missing" if today > due else "not_yet_due"


def completeness(
    reports: Iterable[ProgressReport],
    periods: Iterable[Period],
    today: date,
    *,
    units: Iterable[str],
    item_id: str = "",
) -> tuple[PeriodCompleteness, ...]:
    """One entry per (unit, period): the first report of that unit for that period decides its state.

    ``units`` is required: a unit that never reported must still count as missing.
    """
    first: dict[tuple[str, str], date] = {}
    for r in reports:
        k = (r.unit, r.period_key)
        if k not in first or r.submitted_on < first[k]:
            first[k] = r.submitted_on
    periods = tuple(periods)
    return tuple(
        PeriodCompleteness(item_id, u, p, _state(first.get((u, p.key)), p.due, today), first.get((u, p.key)))
        for u in dict.fromkeys(units)
        for p in periods
    )


def reporting_rates(entries: Iterable[PeriodCompleteness]) -> dict[str, UnitRate]:
    """Per unit: expected, on-time, late and missing counts (entries may come from many items)."""
    counts: dict[str, dict[ReportState, int]] = {}
    for e in entries:
        c = counts.setdefault(e.unit, {"on_time": 0, "late": 0, "missing": 0, "not_yet_due": 0})
        c[e.state] += 1
    return {
        unit: UnitRate(unit, c["on_time"] + c["late"] + c["missing"], c["on_time"], c["late"], c["missing"])
        for unit, c in counts.items()
    }
