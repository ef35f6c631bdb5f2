"""The Chinese workday calendar (工作日历) used by deadlines, warnings, reminders and 倒排工期.

Three sources, in order of precedence:

1. **override** — a day an administrator entered (节假日 or 调休上班日), e.g. the 2027 holidays once the
   State Council publishes them;
2. **official** — the ``chinese-calendar`` package (国务院办公厅 notices, 2004–2026 in version 1.11);
3. **fallback** — Monday to Friday are workdays, weekends are not. Used for years the package does not
   cover and no override says otherwise. It never raises, and :meth:`WorkCalendar.fallback_years`
   reports those years so the platform can show that its arithmetic is approximate there.

Counting convention: ``workdays_between(a, b)`` counts the workdays in the half-open range (a, b],
so ``add_workdays(a, workdays_between(a, b)) == b`` whenever ``b`` is a workday on or after ``a``,
and ``workdays_between(a, b) == -workdays_between(b, a)``.

>>> from datetime import date
>>> cal = WorkCalendar()
>>> cal.is_workday(date(2025, 10, 1)), cal.is_workday(date(2025, 10, 11))   # 国庆; 调休 Saturday
(False, True)
>>> cal.add_workdays(date(2025, 9, 30), 1)
datetime.date(2025, 10, 9)
>>> cal.coverage(date(2026, 12, 31)), cal.coverage(date(2027, 1, 1))
('official', 'fallback')
>>> cal.fallback_years(2025, 2028)
(2027, 2028)
>>> cal2 = WorkCalendar([DayOverride(date(2027, 1, 1), False, "元旦")])
>>> cal2.is_workday(date(2027, 1, 1)), cal2.coverage(date(2027, 1, 1)), cal2.day_name(date(2027, 1, 1))
(False, 'override', '元旦')
>>> cal2.year_coverage(2027), cal2.fallback_years(2025, 2028)
('override', (2028,))
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

Coverage = Literal["official", "override", "fallback"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class DayOverride:
    """An administrator-entered day: a holiday (``is_workday=False``) or a 调休 workday (``True``)."""

    date: date
    is_workday: bool
    name: str


def _official_year(year: int) -> bool:
    """Whether the package has data for ``year`` (it raises NotImplementedError outside its range)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


_OFFICIAL_YEARS: frozenset[int] = frozenset(y for y in range(1900, 2101) if _official_year(y))


def _official_name(d: date) -> str | None:
    """The package's holiday name in Chinese (国庆节, 春节 …), or None."""
    _, name = chinese_calendar.get_holiday_detail(d)
    if name is None:
        return None
    for holiday in chinese_calendar.Holiday:
        if holiday.value == name:
            return str(getattr(holiday, "chinese", name))
    return str(name)


class WorkCalendar:
    """Workday arithmetic on China's official calendar, with overrides and a visible fallback.

    Instances are immutable after construction; build a new one when the overrides change.
    """

    def __init__(self, overrides: Iterable[DayOverride] = ()) -> None:
        by_date: dict[date, DayOverride] = {}
        for o in overrides:
            seen = by_date.get(o.date)
            if seen is not None and seen.is_workday != o.is_workday:
                raise ValueError(f"{o.date.isoformat()} 的日历设置相互矛盾：既是工作日又是休息日")
            by_date[o.date] = o
        self._overrides = by_date
        self._override_years = frozenset(d.year for d in by_date)
        self._year_cache: dict[int, tuple[int, ...]] = {}

    @property
    def overrides(self) -> tuple[DayOverride, ...]:
        """The overrides in date order."""
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    def coverage(self, d: date) -> Coverage:
        """Which source decides whether ``d`` is a workday."""
        if d in self._overrides:
            return "override"
        return "official" if d.year in _OFFICIAL_YEARS else "fallback"

    def year_coverage(self, year: int) -> Coverage:
        """``official`` if the package covers the year, else ``override`` if any day of it was entered."""
        if year in _OFFICIAL_YEARS:
            return "official"
        return "override" if year in self._override_years else "fallback"

    def fallback_years(self, start: int | date, end: int | date) -> tuple[int, ...]:
        """Years in [start, end] computed on the weekends-only rule alone (no official data, no override)."""
        first = start.year if isinstance(start, date) else start
        last = end.year if isinstance(end, date) else end
        return tuple(y for y in range(first, last + 1) if self.year_coverage(y) == "fallback")

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (调休 Saturdays included, holidays excluded)."""
        override = self._overrides.get(d)
        if override is not None:
            return override.is_workday
        return d.toordinal() in _base_year_set(d.year)

    def day_name(self, d: date) -> str | None:
        """The holiday or 调休 name of ``d`` if known (override name, else the package's), else None."""
        override = self._overrides.get(d)
        if override is not None:
            return override.name
        if d.year in _OFFICIAL_YEARS:
            return _official_name(d)
        return None

    def workday_on_or_before(self, d: date) -> date:
        """``d`` if it is a workday, else the last workday before it."""
        while not self.is_workday(d):
            d -= _ONE_DAY
        return d

    def workday_on_or_after(self, d: date) -> date:
        """``d`` if it is a workday, else the first workday after it."""
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def add_workdays(self, d: date, n: int) -> date:
        """The ``n``-th workday after ``d`` (before it when ``n`` is negative); ``d`` itself if ``n`` is 0.

        ``d`` itself is never counted, so ``add_workdays(friday, 1)`` is the next Monday (if a workday).
        """
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_workday(d):
                remaining -= 1
        return d

    def workdays_between(self, a: date, b: date) -> int:
        """Workdays in (a, b]; negative (workdays in (b, a]) when ``b`` is before ``a``."""
        if b < a:
            return -self.workdays_between(b, a)
        through_a = bisect.bisect_right(self._year_workdays(a.year), a.toordinal())
        through_b = bisect.bisect_right(self._year_workdays(b.year), b.toordinal())
        years_before_b = sum(len(self._year_workdays(y)) for y in range(a.year, b.year))
        return years_before_b + through_b - through_a

    def _year_workdays(self, year: int) -> tuple[int, ...]:
        """Sorted ordinals of the workdays of ``year`` (cached; years without overrides are shared by every
        calendar in the process, as they depend on the year alone)."""
        cached = self._year_cache.get(year)
        if cached is None:
            if year not in self._override_years:
                cached = _base_year_workdays(year)
            else:
                cached = tuple(o for o in _year_ordinals(year) if self.is_workday(date.fromordinal(o)))
            self._year_cache[year] = cached
        return cached


def _year_ordinals(year: int) -> range:
    return range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1)


@functools.lru_cache(maxsize=512)
def _base_year_workdays(year: int) -> tuple[int, ...]:
    """Sorted ordinals of the workdays of ``year`` from the official data, or the weekends-only rule."""
    days = (date.fromordinal(o) for o in _year_ordinals(year))
    if year in _OFFICIAL_YEARS:
        return tuple(d.toordinal() for d in days if chinese_calendar.is_workday(d))
    return tuple(d.toordinal() for d in days if d.weekday() < 5)


@functools.lru_cache(maxsize=512)
def _base_year_set(year: int) -> frozenset[int]:
    return frozenset(_base_year_workdays(year))
