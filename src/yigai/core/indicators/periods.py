"""Reporting periods: years, quarters and months, parsed from the forms people write.

Canonical forms follow DHIS2 (``2023``, ``2023Q1``, ``202301``); the forms found in Chinese tables
(``2023-01``, ``2023年``, ``2023年3月``, ``2023年第一季度``) are accepted on input and printed canonically,
so a value keyed by any of them lands in the same cell.

>>> Period.parse("2023年第一季度")
Period(type='quarter', year=2023, index=1)
>>> str(Period.parse("2023-03")), str(Period.parse("2023年")), str(Period.parse("202303").parent())
('202303', '2023', '2023Q1')
>>> Period.parse("2023").contains(Period.parse("202311"))
True
>>> sorted(Period.parse(p) for p in ["2024", "202302", "2023Q1", "2023"])[0]
Period(type='year', year=2023, index=1)
>>> Period.parse("2023Q5")
Traceback (most recent call last):
...
yigai.core.indicators.periods.PeriodError: 无法识别的期间 '2023Q5'：季度应为1-4（quarter must be 1-4）
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

PeriodType = Literal["year", "quarter", "month"]
PERIOD_TYPES: tuple[PeriodType, ...] = ("year", "quarter", "month")
_MONTHS: dict[str, int] = {"year": 12, "quarter": 3, "month": 1}
_COUNT: dict[str, int] = {"year": 1, "quarter": 4, "month": 12}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
ACCEPTED_FORMS = "2023, 2023Q1, 202301, 2023-01, 2023年, 2023年1月, 2023年第一季度"

_PATTERNS: tuple[tuple[re.Pattern[str], PeriodType], ...] = (
    (re.compile(r"^(\d{4})(?:年(?:度)?)?$"), "year"),
    (re.compile(r"^(\d{4})[Qq](\d+)$"), "quarter"),
    (re.compile(r"^(\d{4})年?第?([一二三四1-4])季度?$"), "quarter"),
    (re.compile(r"^(\d{4})(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$"), "month"),
)


class PeriodError(ValueError):
    """A period string that is not one of the accepted forms; the message names the input."""


@functools.total_ordering
@dataclass(frozen=True)
class Period:
    """A calendar year, quarter or month. ``index`` is 1 for a year, 1-4 for a quarter, 1-12 for a month.

    Periods order by start, then longer first, so a year sorts just before its first quarter.
    """

    type: PeriodType
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if self.type not in _COUNT:
            raise PeriodError(f"未知期间类型 {self.type!r}；可选：{', '.join(PERIOD_TYPES)}")
        if not 1 <= self.index <= _COUNT[self.type]:
            raise PeriodError(f"{self.type} index {self.index} out of range 1-{_COUNT[self.type]}")

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Read any accepted form; raise :class:`PeriodError` naming the input otherwise."""
        raw = str(text).strip().replace(" ", "")
        for pattern, kind in _PATTERNS:
            m = pattern.match(raw)
            if m is None:
                continue
            year = int(m.group(1))
            if kind == "year":
                return cls("year", year)
            part = m.group(2)
            index = _CN_DIGITS.get(part) if kind == "quarter" and not part.isdigit() else int(part)
            limit = _COUNT[kind]
            if index is None or not 1 <= index <= limit:
                what = (
                    "季度应为1-4（quarter must be 1-4）"
                    if kind == "quarter"
                    else "月份应为1-12（month must be 1-12）"
                )
                raise PeriodError(f"无法识别的期间 {text!r}：{what}")
            return cls(kind, year, index)
        raise PeriodError(f"无法识别的期间 {text!r}；可接受的写法：{ACCEPTED_FORMS}")

    def __str__(self) -> str:
        if self.type == "year":
            return f"{self.year}"
        if self.type == "quarter":
            return f"{self.year}Q{self.index}"
        return f"{self.year}{self.index:02d}"

    @property
    def start_month(self) -> int:
        """Months since year 0 of the first month: a total order that SQL can compute too."""
        return self.year * 12 + (self.index - 1) * _MONTHS[self.type]

    @property
    def end_month(self) -> int:
        return self.start_month + _MONTHS[self.type] - 1

    @property
    def rank(self) -> int:
        """0 for years, 1 for quarters, 2 for months: lower is coarser."""
        return PERIOD_TYPES.index(self.type)

    def _key(self) -> tuple[int, int]:
        return (self.start_month, -_MONTHS[self.type])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def contains(self, other: Period) -> bool:
        """True if ``other`` lies wholly inside this period (a period contains itself)."""
        return self.start_month <= other.start_month and other.end_month <= self.end_month

    def parent(self) -> Period:
        """Roll up one step: month → quarter → year; a year is its own parent.

        >>> Period.parse("202311").parent().parent()
        Period(type='year', year=2023, index=1)
        """
        if self.type == "month":
            return Period("quarter", self.year, (self.index - 1) // 3 + 1)
        return Period("year", self.year)

    def rollup(self, to: PeriodType) -> Period:
        """The period of type ``to`` containing this one; rolling down is an error."""
        if PERIOD_TYPES.index(to) > self.rank:
            raise PeriodError(f"cannot roll {self} ({self.type}) down to {to}")
        period = self
        while period.type != to:
            period = period.parent()
        return period

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later of the same type (negative: earlier).

        >>> str(Period.parse("2023Q1").shift(-1)), str(Period.parse("202312").shift(1))
        ('2022Q4', '202401')
        """
        position = self.year * _COUNT[self.type] + self.index - 1 + steps
        return Period(self.type, position // _COUNT[self.type], position % _COUNT[self.type] + 1)


def parse_period(text: str | int | Period) -> Period:
    """Accept a :class:`Period` or any string form."""
    return text if isinstance(text, Period) else _parse_cached(text)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str | int) -> Period:
    """Periods are immutable and a computation reads the same few dozen forms tens of thousands of times."""
    return Period.parse(text)
