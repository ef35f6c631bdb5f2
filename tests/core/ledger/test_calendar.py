"""The workday calendar: official days, 调休, overrides, and the weekends-only fallback past 2026."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.core.ledger.calendar import DayOverride, WorkCalendar

PLAIN = WorkCalendar()
# What an administrator might enter for 2027 before (or after) the State Council notice: a hypothetical
# schedule, used only to show that overrides take effect where the package has no data.
OVERRIDES_2027 = [
    DayOverride(date(2027, 1, 1), False, "元旦"),
    *[DayOverride(date(2027, 2, d), False, "春节") for d in range(6, 13)],
    DayOverride(date(2027, 1, 31), True, "春节调休上班"),
]
WITH_2027 = WorkCalendar(OVERRIDES_2027)


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, 国庆调休上班
        (date(2025, 10, 1), False),  # 国庆节
        (date(2025, 10, 6), False),  # 中秋节 inside the 国庆 break
        (date(2025, 10, 8), False),  # last day of the break
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, 国庆调休上班
        (date(2025, 10, 12), False),
        (date(2026, 1, 1), False),
        (date(2026, 2, 14), True),  # Saturday, 春节调休上班
        (date(2026, 2, 17), False),  # 春节
        (date(2026, 2, 24), True),
        (date(2026, 12, 31), True),
    ],
)
def test_official_days(day: date, workday: bool) -> None:
    assert PLAIN.is_workday(day) is workday
    assert PLAIN.coverage(day) == "official"


@pytest.mark.parametrize(
    ("day", "plain", "with_overrides", "coverage"),
    [
        (date(2027, 1, 1), True, False, "override"),  # Friday: a workday on the fallback rule alone
        (date(2027, 1, 2), False, False, "fallback"),
        (date(2027, 1, 4), True, True, "fallback"),
        (date(2027, 1, 31), False, True, "override"),  # Sunday 调休
        (date(2027, 2, 8), True, False, "override"),  # Monday in the 春节 break
        (date(2027, 2, 15), True, True, "fallback"),
    ],
)
def test_2027_fallback_and_overrides(day: date, plain: bool, with_overrides: bool, coverage: str) -> None:
    assert PLAIN.is_workday(day) is plain
    assert PLAIN.coverage(day) == "fallback"
    assert WITH_2027.is_workday(day) is with_overrides
    assert WITH_2027.coverage(day) == coverage


def test_override_beats_official_data() -> None:
    cal = WorkCalendar([DayOverride(date(2026, 5, 6), False, "临时放假")])
    assert PLAIN.is_workday(date(2026, 5, 6))
    assert not cal.is_workday(date(2026, 5, 6))
    assert cal.coverage(date(2026, 5, 6)) == "override"


@pytest.mark.parametrize(
    ("start", "n", "plain", "with_overrides"),
    [
        (date(2025, 9, 30), 1, date(2025, 10, 9), None),  # over 国庆 2025
        (date(2025, 10, 9), -1, date(2025, 9, 30), None),
        (date(2025, 10, 10), 1, date(2025, 10, 11), None),  # the 调休 Saturday counts
        (date(2025, 9, 26), 1, date(2025, 9, 28), None),  # the 调休 Sunday counts
        (date(2025, 10, 3), 0, date(2025, 10, 3), None),
        (date(2026, 12, 31), 1, date(2027, 1, 1), date(2027, 1, 4)),  # across the data edge
        (date(2027, 1, 4), -1, date(2027, 1, 1), date(2026, 12, 31)),
        (date(2027, 2, 5), 1, date(2027, 2, 8), date(2027, 2, 15)),  # 2027 春节 (admin-entered)
        (date(2027, 1, 29), 1, date(2027, 2, 1), date(2027, 1, 31)),
    ],
)
def test_add_workdays(start: date, n: int, plain: date, with_overrides: date | None) -> None:
    assert PLAIN.add_workdays(start, n) == plain
    assert WITH_2027.add_workdays(start, n) == (with_overrides or plain)


@pytest.mark.parametrize(
    ("a", "b", "plain", "with_overrides"),
    [
        (date(2025, 9, 30), date(2025, 10, 9), 1, 1),
        (date(2025, 10, 9), date(2025, 9, 30), -1, -1),
        (date(2025, 10, 1), date(2025, 10, 1), 0, 0),
        (date(2025, 9, 26), date(2025, 10, 12), 6, 6),  # 28 (Sunday), 29, 30 September; 9, 10, 11 October
        (date(2026, 12, 31), date(2027, 1, 8), 6, 5),
        (date(2027, 2, 1), date(2027, 2, 15), 10, 5),
        (date(2026, 1, 1), date(2026, 12, 31), None, None),
    ],
)
def test_workdays_between(a: date, b: date, plain: int | None, with_overrides: int | None) -> None:
    if plain is None:  # a whole year: compare with counting day by day
        days = [a + timedelta(days=i) for i in range(1, (b - a).days + 1)]
        plain = with_overrides = sum(PLAIN.is_workday(d) for d in days)
        assert 240 <= plain <= 255
    assert PLAIN.workdays_between(a, b) == plain
    assert WITH_2027.workdays_between(a, b) == with_overrides


def test_fallback_years_are_reported() -> None:
    assert PLAIN.fallback_years(2024, 2029) == (2027, 2028, 2029)
    assert WITH_2027.fallback_years(date(2024, 1, 1), date(2029, 1, 1)) == (2028, 2029)
    assert PLAIN.fallback_years(2000, 2004) == (2000, 2001, 2002, 2003)
    assert (WITH_2027.year_coverage(2026), WITH_2027.year_coverage(2027), WITH_2027.year_coverage(2028)) == (
        "official",
        "override",
        "fallback",
    )


def test_day_names() -> None:
    assert PLAIN.day_name(date(2025, 10, 1)) == "国庆节"
    assert PLAIN.day_name(date(2025, 10, 6)) == "中秋"  # the package's own Chinese name
    assert PLAIN.day_name(date(2025, 10, 11)) == "国庆节"  # 调休 day belongs to the holiday
    assert PLAIN.day_name(date(2025, 10, 14)) is None
    assert WITH_2027.day_name(date(2027, 2, 8)) == "春节"
    assert PLAIN.day_name(date(2027, 2, 8)) is None


def test_conflicting_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="2027-01-01"):
        WorkCalendar(
            [DayOverride(date(2027, 1, 1), False, "元旦"), DayOverride(date(2027, 1, 1), True, "上班")]
        )
    same = WorkCalendar(
        [DayOverride(date(2027, 1, 1), False, "元旦"), DayOverride(date(2027, 1, 1), False, "元旦")]
    )
    assert same.overrides == (DayOverride(date(2027, 1, 1), False, "元旦"),)


def test_rolling_to_a_workday() -> None:
    assert PLAIN.workday_on_or_before(date(2025, 10, 5)) == date(2025, 9, 30)
    assert PLAIN.workday_on_or_after(date(2025, 10, 5)) == date(2025, 10, 9)
    assert PLAIN.workday_on_or_after(date(2025, 10, 9)) == date(2025, 10, 9)


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    n=st.integers(min_value=-40, max_value=40),
    overrides=st.booleans(),
)
def test_add_and_count_agree_everywhere(start: date, n: int, overrides: bool) -> None:
    """Never raises for 1900–2100; counting forwards undoes adding; the count is antisymmetric."""
    cal = WITH_2027 if overrides else PLAIN
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == -cal.workdays_between(end, start)
    if n >= 0:
        assert cal.workdays_between(start, end) == n
    elif cal.is_workday(start):
        assert cal.add_workdays(end, -n) == start
    if n:
        assert cal.is_workday(end)
    assert cal.coverage(start) in ("official", "override", "fallback")
