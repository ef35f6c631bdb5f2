"""Report cadences, due dates on workdays, and DHIS2-style completeness per unit."""

from __future__ import annotations

from datetime import date

import pytest

from yigai.core.ledger.calendar import DayOverride, WorkCalendar
from yigai.core.ledger.reporting import (
    Period,
    ProgressReport,
    completeness,
    due_periods,
    reporting_rates,
)

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("start", "end", "cadence", "due_workdays", "expected"),
    [
        (
            date(2025, 8, 20),
            date(2025, 10, 31),
            "monthly",
            None,
            [("2025-08", "2025-09-05"), ("2025-09", "2025-10-14"), ("2025-10", "2025-11-07")],
        ),  # September's report: 9, 10, 11 (调休 Saturday), 13, 14 October
        (
            date(2026, 12, 1),
            date(2027, 1, 31),
            "monthly",
            None,
            [("2026-12", "2027-01-07"), ("2027-01", "2027-02-05")],
        ),
        (
            date(2026, 12, 1),
            date(2026, 12, 31),
            "monthly",
            1,
            [("2026-12", "2027-01-01")],
        ),  # fallback: a Friday
        (date(2026, 12, 1), date(2026, 12, 31), "monthly", 0, [("2026-12", "2026-12-31")]),
        (
            date(2026, 12, 24),
            date(2027, 1, 5),
            "weekly",
            None,
            [("2026-W52", "2026-12-29"), ("2026-W53", "2027-01-05"), ("2027-W01", "2027-01-12")],
        ),
        (
            date(2026, 5, 1),
            date(2026, 12, 31),
            "quarterly",
            None,
            [("2026-Q2", "2026-07-07"), ("2026-Q3", "2026-10-13"), ("2026-Q4", "2027-01-07")],
        ),  # Q3: 8, 9, 10 (调休 Saturday), 12, 13 October; Q4: 1 January 2027 counts on the fallback
    ],
)
def test_due_periods(
    start: date, end: date, cadence: str, due_workdays: int | None, expected: list[tuple[str, str]]
) -> None:
    periods = due_periods(start, end, cadence, calendar=CAL, due_workdays=due_workdays)  # type: ignore[arg-type]  # str from the table
    assert [(p.key, p.due.isoformat()) for p in periods] == expected


def test_overrides_move_due_dates() -> None:
    cal = WorkCalendar([DayOverride(date(2027, 1, 1), False, "元旦")])
    [p] = due_periods(date(2026, 12, 1), date(2026, 12, 31), "monthly", calendar=cal)
    assert p.due == date(2027, 1, 8)  # without the override: 2027-01-07
    assert (p.label, p.start, p.end) == ("2026年12月", date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((date(2026, 1, 1), date(2026, 2, 1), "daily"), "未知报送周期 'daily'"),
        ((date(2026, 2, 1), date(2026, 1, 1), "monthly"), "早于开始日期"),
    ],
)
def test_bad_arguments(args: tuple[date, date, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        due_periods(*args, calendar=CAL)  # type: ignore[arg-type]  # deliberately wrong cadence


P = Period("2026-10", "2026年10月", date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 6))


@pytest.mark.parametrize(
    ("submitted", "today", "state"),
    [
        (date(2026, 11, 2), date(2026, 11, 23), "on_time"),
        (date(2026, 11, 6), date(2026, 11, 23), "on_time"),  # on the due day
        (date(2026, 11, 7), date(2026, 11, 23), "late"),
        (None, date(2026, 11, 6), "not_yet_due"),
        (None, date(2026, 11, 7), "missing"),
        (date(2026, 10, 30), date(2026, 10, 30), "on_time"),  # early
    ],
)
def test_states(submitted: date | None, today: date, state: str) -> None:
    reports = [ProgressReport("县卫健局", "2026-10", submitted)] if submitted else []
    [entry] = completeness(reports, [P], today, units=["县卫健局"], item_id="L1")
    assert (entry.state, entry.submitted_on, entry.item_id) == (state, submitted, "L1")


def test_earliest_report_counts_and_units_without_reports_are_missing() -> None:
    periods = due_periods(date(2026, 8, 1), date(2026, 11, 30), "monthly", calendar=CAL)
    reports = [
        ProgressReport("A局", "2026-08", date(2026, 9, 10)),  # late (due 9-07)
        ProgressReport("A局", "2026-08", date(2026, 9, 3)),  # on time: the earliest wins
        ProgressReport("A局", "2026-09", date(2026, 10, 20)),  # late (due 10-13)
        ProgressReport("A局", "2026-11", date(2026, 11, 20)),  # early, counts as expected and on time
        ProgressReport("C局", "2026-08", date(2026, 9, 1)),  # not a unit of this item: ignored
    ]
    entries = completeness(reports, periods, date(2026, 11, 23), units=["A局", "B局", "A局"])
    assert [(e.unit, e.period.key, e.state) for e in entries] == [
        ("A局", "2026-08", "on_time"),
        ("A局", "2026-09", "late"),
        ("A局", "2026-10", "missing"),
        ("A局", "2026-11", "on_time"),
        ("B局", "2026-08", "missing"),
        ("B局", "2026-09", "missing"),
        ("B局", "2026-10", "missing"),
        ("B局", "2026-11", "not_yet_due"),
    ]
    rates = reporting_rates(entries)
    a, b = rates["A局"], rates["B局"]
    assert (a.expected, a.on_time, a.late, a.missing, a.on_time_rate, a.overall_rate) == (
        4,
        2,
        1,
        1,
        0.5,
        0.75,
    )
    assert (b.expected, b.on_time_rate, b.overall_rate) == (3, 0.0, 0.0)
    assert set(rates) == {"A局", "B局"}


def test_rates_are_none_before_anything_is_due() -> None:
    entries = completeness([], [P], date(2026, 11, 1), units=["A局"])
    rate = reporting_rates(entries)["A局"]
    assert (rate.expected, rate.on_time_rate, rate.overall_rate) == (0, None, None)


def test_rates_add_up_across_items() -> None:
    one = completeness(
        [ProgressReport("A局", "2026-10", date(2026, 11, 2))], [P], date(2026, 11, 23), units=["A局"]
    )
    two = completeness([], [P], date(2026, 11, 23), units=["A局"], item_id="L2")
    rate = reporting_rates(one + two)["A局"]
    assert (rate.expected, rate.on_time, rate.missing, rate.on_time_rate) == (2, 1, 1, 0.5)
