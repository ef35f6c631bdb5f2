"""倒排工期: milestones computed backwards from the deadline, and the linear schedule (序时进度).

A milestone is given either as a **fraction** of the working time (启动 0.1, 中期 0.5, 完成 1.0) or as
a number of **workdays before the deadline** (完成前20个工作日提交验收材料). Dates are computed from the
deadline backwards, on workdays:

* the end point D is the deadline, or the last workday before it when it falls on a rest day;
* the start point S is the start date, or the first workday after it;
* with T workdays in (S, D], a fraction f lands ⌈(1 − f) · T⌉ workdays before D (rounding towards the
  earlier date, as back-scheduling should); an offset of k workdays lands k workdays before D;
* a milestone that would fall before S is put on S and marked ``clamped`` (the window is too short).

>>> from datetime import date
>>> from yigai.core.ledger.calendar import WorkCalendar
>>> cal = WorkCalendar()
>>> for m in back_schedule(date(2026, 1, 5), date(2026, 12, 31), DEFAULT_SPEC, cal):
...     print(m.name, m.due, m.expected_progress)
启动 2026-02-06 10.0
中期 2026-07-07 50.0
完成 2026-12-31 100.0
>>> [m.due for m in back_schedule(date(2026, 1, 5), date(2026, 10, 8), [MilestoneSpec("提交验收材料", workdays_before=20)], cal)]
[datetime.date(2026, 9, 3)]
>>> linear_progress(date(2026, 1, 1), date(2026, 12, 31), date(2026, 7, 2))
50.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from yigai.core.ledger.calendar import WorkCalendar


@dataclass(frozen=True)
class MilestoneSpec:
    """One node of a 倒排工期 template: exactly one of ``fraction`` (0–1) or ``workdays_before`` (≥ 0)."""

    name: str
    fraction: float | None = None
    workdays_before: int | None = None

    def __post_init__(self) -> None:
        if (self.fraction is None) == (self.workdays_before is None):
            raise ValueError(f"节点“{self.name}”须且只能设置 fraction 或 workdays_before 之一")
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise ValueError(f"节点“{self.name}”的 fraction 须在 0 到 1 之间，现为 {self.fraction}")
        if self.workdays_before is not None and self.workdays_before < 0:
            raise ValueError(f"节点“{self.name}”的 workdays_before 不能为负数，现为 {self.workdays_before}")


@dataclass(frozen=True)
class Milestone:
    """A computed node: its date (a workday), the progress expected by then, and whether it was clamped."""

    name: str
    due: date
    expected_progress: float
    clamped: bool = False


DEFAULT_SPEC: tuple[MilestoneSpec, ...] = (
    MilestoneSpec("启动", fraction=0.1),
    MilestoneSpec("中期", fraction=0.5),
    MilestoneSpec("完成", fraction=1.0),
)


def spec_from_config(items: Iterable[Mapping[str, Any]]) -> tuple[MilestoneSpec, ...]:
    """Build a template from plain data (YAML/JSON): ``[{"name": "中期", "fraction": 0.5}, …]``.

    >>> spec_from_config([{"name": "提交验收材料", "workdays_before": 20}])
    (MilestoneSpec(name='提交验收材料', fraction=None, workdays_before=20),)
    """
    specs = []
    for i, raw in enumerate(items):
        unknown = set(raw) - {"name", "fraction", "workdays_before"}
        if unknown or not isinstance(raw.get("name"), str):
            raise ValueError(
                f"第{i + 1}个节点：须有 name，且只能有 fraction 或 workdays_before（多余：{sorted(unknown)}）"
            )
        fraction, before = raw.get("fraction"), raw.get("workdays_before")
        specs.append(
            MilestoneSpec(
                raw["name"],
                float(fraction) if fraction is not None else None,
                int(before) if before is not None else None,
            )
        )
    return tuple(specs)


def linear_progress(start: date, deadline: date, today: date) -> float:
    """序时进度 in percent: the share of calendar time elapsed from ``start`` to ``deadline`` by ``today``."""
    if today >= deadline:
        return 100.0
    if today <= start:
        return 0.0
    return round((today - start).days / (deadline - start).days * 100, 1)


def back_schedule(
    start: date, deadline: date, spec: Iterable[MilestoneSpec], calendar: WorkCalendar
) -> tuple[Milestone, ...]:
    """Milestones for ``spec`` between ``start`` and ``deadline``, on workdays, in date order."""
    if deadline < start:
        raise ValueError(f"完成时限 {deadline.isoformat()} 早于开始日期 {start.isoformat()}")
    end = max(calendar.workday_on_or_before(deadline), min(calendar.workday_on_or_after(start), deadline))
    begin = min(calendar.workday_on_or_after(start), end)
    total = calendar.workdays_between(begin, end)
    found = [_place(m, begin, end, total, start, deadline, calendar) for m in spec]
    return tuple(sorted(found, key=lambda m: m.due))


def _place(
    m: MilestoneSpec, begin: date, end: date, total: int, start: date, deadline: date, cal: WorkCalendar
) -> Milestone:
    if m.fraction is not None:
        back = math.ceil(round((1 - m.fraction) * total, 9))
        expected = round(m.fraction * 100, 1)
    else:
        assert m.workdays_before is not None  # MilestoneSpec guarantees one of the two
        back = m.workdays_before
        expected = -1.0
    due = cal.add_workdays(end, -back) if back else end
    clamped = due < begin
    due = max(due, begin)
    if expected < 0:
        expected = linear_progress(start, deadline, due)
    return Milestone(m.name, due, expected, clamped)
