"""Target status and projection, following the Open SDG / Statistics Canada progress method.

Observed growth ``CAGR_o = (latest / base)^(1/(t_latest − t_base)) − 1``; required growth
``CAGR_r = (target / base)^(1/(t_due − t_base)) − 1``; the ratio ``R = d · CAGR_o / |CAGR_r|`` (``d`` = +1
when higher is better, −1 when lower is better) gives the status by thresholds (0.95, 0.60, 0 by default):

======================  ==============================  =========================
status                  condition                       界面
======================  ==============================  =========================
``achieved``            the latest value meets target   已达标
``on_track``            R ≥ 0.95                        进展顺利
``needs_acceleration``  0.60 ≤ R < 0.95                 需加快进度
``limited_progress``    0 ≤ R < 0.60                    进展有限
``deterioration``       R < 0                           出现倒退
``no_data``             fewer than two usable values    无数据
======================  ==============================  =========================

Zeros are replaced by 0.001 as Open SDG does; negative values cannot be assessed by growth rates.
Next to the status, a least-squares line through the observations gives the projected value at the due
year, which is what a leader reads ("at this pace, 7.3 in 2025"), kept within the indicator's bounds
(a percentage never projects past 100%, a rate never below 0).

>>> goal = Goal(comparator=">=", value=7.5, year=2025)
>>> a = assess([(2020, 6.0), (2023, 6.9)], goal)
>>> a.status, round(a.ratio, 3), round(a.projected_value, 2)
('on_track', 1.045, 7.5)
>>> assess([(2020, 6.0), (2023, 6.3)], goal).status
'limited_progress'
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

Status = Literal["achieved", "on_track", "needs_acceleration", "limited_progress", "deterioration", "no_data"]
STATUSES: tuple[Status, ...] = (
    "achieved", "on_track", "needs_acceleration", "limited_progress", "deterioration", "no_data",
)  # fmt: skip


def gettext_noop(message: str) -> str:
    """Marks a label for the translation catalogue (``makemessages`` extracts calls by this name) without
    importing Django: the web layer translates the label when it shows it."""
    return message


STATUS_LABELS: dict[Status, str] = {
    "achieved": gettext_noop("已达标"),
    "on_track": gettext_noop("进展顺利"),
    "needs_acceleration": gettext_noop("需加快进度"),
    "limited_progress": gettext_noop("进展有限"),
    "deterioration": gettext_noop("出现倒退"),
    "no_data": gettext_noop("无数据"),
}
GoalComparator = Literal[">=", "<=", ">", "<", "=", "range", "increase_by", "decrease_by"]
DirectionSign = Literal[1, -1]
ZERO = 0.001  # Open SDG replaces a zero base or target by this
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of R for on track, needs acceleration and limited progress (Open SDG defaults)."""

    on_track: float = 0.95
    needs_acceleration: float = 0.60
    limited_progress: float = 0.0

    def status(self, ratio: float) -> Status:
        if ratio >= self.on_track:
            return "on_track"
        if ratio >= self.needs_acceleration:
            return "needs_acceleration"
        if ratio >= self.limited_progress:
            return "limited_progress"
        return "deterioration"


@dataclass(frozen=True)
class Goal:
    """A target as the status computation sees it.

    ``increase_by``/``decrease_by``: ``value`` is the change from the baseline (``relative``: in per cent of
    the baseline); with ``recurring="yearly"`` it is the change required every year, ``value_max`` the
    optional upper bound ("每年提升1-3个百分点").
    """

    comparator: GoalComparator
    value: float
    year: int
    value_max: float | None = None
    baseline_year: int | None = None
    recurring: str | None = None
    relative: bool = False


@dataclass(frozen=True)
class YearCheck:
    """One year of a recurring target: the change observed against the change required."""

    year: int
    change: float
    required: float
    met: bool


@dataclass(frozen=True)
class Assessment:
    status: Status
    reason: str
    ratio: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    target_value: float | None = None
    target_year: int | None = None
    observed_growth: float | None = None
    required_growth: float | None = None
    projected_value: float | None = None
    yearly: tuple[YearCheck, ...] = ()

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def growth(first: float, last: float, years: int) -> float:
    """Compound annual growth rate; zeros count as 0.001.

    >>> round(growth(6.0, 7.5, 5), 4)
    0.0456
    """
    return (max(last, ZERO) / max(first, ZERO)) ** (1 / years) - 1 if (first or last) else 0.0


def project_linear(points: Sequence[tuple[int, float]], year: int) -> float | None:
    """Least-squares line through ``(year, value)`` points, read at ``year``; None with fewer than 2 years.

    >>> project_linear([(2020, 1.0), (2021, 2.0), (2022, 3.0)], 2025)
    6.0
    """
    if len({y for y, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(y for y, _ in points) / n
    mean_y = sum(v for _, v in points) / n
    sxx = sum((y - mean_x) ** 2 for y, _ in points)
    sxy = sum((y - mean_x) * (v - mean_y) for y, v in points)
    slope = sxy / sxx
    return mean_y + slope * (year - mean_x)


Bounds = tuple[float | None, float | None]


def clamp(value: float | None, bounds: Bounds) -> float | None:
    """``value`` kept within ``(lowest, highest)`` (None = open on that side).

    >>> clamp(119.59, (0.0, 100.0)), clamp(-0.4, (0.0, None)), clamp(None, (0.0, 100.0))
    (100.0, 0.0, None)
    """
    if value is None:
        return None
    low, high = bounds
    if high is not None and value > high:
        return high
    if low is not None and value < low:
        return low
    return value


#: Targets stated as a change from the base: one value alone says nothing about them.
CHANGE_COMPARATORS = ("increase_by", "decrease_by")


def _meets(value: float, goal: Goal, target: float) -> bool:
    c = goal.comparator
    if c == "range":
        top = goal.value_max if goal.value_max is not None else goal.value
        return goal.value - TOLERANCE <= value <= top + TOLERANCE
    if c == "=":
        return abs(value - target) <= TOLERANCE * max(1.0, abs(target))
    if c in (">=", "increase_by"):
        return value >= target - TOLERANCE
    if c in ("<=", "decrease_by"):
        return value <= target + TOLERANCE
    if c == ">":
        return value > target
    return value < target


def _target_and_sign(goal: Goal, base: float, latest: float) -> tuple[float, DirectionSign]:
    """The value to reach and the desired direction (+1 up, −1 down)."""
    c = goal.comparator
    if c in ("increase_by", "decrease_by"):
        step = base * goal.value / 100 if goal.relative else goal.value
        return (base + step, 1) if c == "increase_by" else (base - step, -1)
    if c in (">=", ">"):
        return goal.value, 1
    if c in ("<=", "<"):
        return goal.value, -1
    if c == "range":
        top = goal.value_max if goal.value_max is not None else goal.value
        return (goal.value, 1) if latest < goal.value else (top, -1)
    return goal.value, (1 if latest < goal.value else -1)  # "=": towards the target from where we are


def _usable(observations: Sequence[tuple[int, float | None]], since: int | None) -> list[tuple[int, float]]:
    points = sorted((y, float(v)) for y, v in observations if v is not None and (since is None or y >= since))
    years = [y for y, _ in points]
    if len(set(years)) != len(years):
        raise ValueError(f"同一年份有多个值（duplicate years）: {years}")
    return points


def assess(
    observations: Sequence[tuple[int, float | None]],
    goal: Goal,
    *,
    thresholds: Thresholds = Thresholds(),
    bounds: Bounds = (None, None),
) -> Assessment:
    """Status and projection of one target from yearly ``(year, value)`` observations (None = no data).

    ``bounds`` are the indicator's (catalogue ``bounds``): the projection never leaves them.

    The base is the value at ``goal.baseline_year`` (or the next year with data), else the earliest value.
    The desired direction comes from the comparator (``>=`` up, ``<=`` down, ``=``/range towards the target),
    so a target never contradicts the indicator's own direction.
    """
    points = _usable(observations, goal.baseline_year)
    result = _assess(points, goal, thresholds)
    return replace(result, projected_value=clamp(result.projected_value, bounds))


def _assess(points: list[tuple[int, float]], goal: Goal, thresholds: Thresholds) -> Assessment:
    if goal.recurring == "yearly" and goal.comparator in ("increase_by", "decrease_by"):
        return _assess_yearly(points, goal, thresholds)
    if len(points) == 1 and goal.comparator not in CHANGE_COMPARATORS:
        (yt, vt), (target, _sign) = points[0], _target_and_sign(goal, points[0][1], points[0][1])
        if _meets(vt, goal, target):  # a level already reached needs no growth rate ("≥ 3.2" with 3.79)
            return Assessment("achieved", "最新值已达到目标", latest_year=yt, latest_value=vt, target_value=target,
                              target_year=goal.year)  # fmt: skip
    if len(points) < 2:
        return Assessment("no_data", "少于两个年度数据", latest_value=points[-1][1] if points else None,
                          latest_year=points[-1][0] if points else None)  # fmt: skip
    (y0, v0), (yt, vt) = points[0], points[-1]
    target, sign = _target_and_sign(goal, v0, vt)
    base = Assessment("no_data", "", base_year=y0, base_value=v0, latest_year=yt, latest_value=vt, target_value=target,
                      target_year=goal.year, projected_value=project_linear(points, goal.year))  # fmt: skip
    if _meets(vt, goal, target):
        return replace(base, status="achieved", reason="最新值已达到目标")
    if v0 < 0 or vt < 0 or target < 0:
        return replace(base, reason="存在负值，无法按增长率评估")
    if goal.year <= y0:
        return replace(base, reason="目标年份不晚于基期，无法计算所需增速")
    observed = growth(v0, vt, yt - y0)
    required = growth(v0, target, goal.year - y0)
    if required == 0:
        ratio = math.copysign(math.inf, sign * observed) if observed else 0.0
    else:
        ratio = sign * observed / abs(required)
    return replace(base, status=thresholds.status(ratio), reason=f"R = {ratio:.3f}", ratio=ratio,
                   observed_growth=observed, required_growth=required)  # fmt: skip


def _assess_yearly(points: list[tuple[int, float]], goal: Goal, thresholds: Thresholds) -> Assessment:
    """Recurring change ("每年提升1-3个百分点"): every consecutive year is checked against the minimum step."""
    if len(points) < 2:
        return Assessment("no_data", "少于两个年度数据")
    sign: DirectionSign = 1 if goal.comparator == "increase_by" else -1
    checks = []
    for (y1, v1), (y2, v2) in itertools.pairwise(points):
        years = y2 - y1
        step = (v1 * goal.value / 100 if goal.relative else goal.value) * years
        change = v2 - v1
        checks.append(YearCheck(y2, change, sign * step, sign * change >= step - TOLERANCE))
    (y0, v0), (yt, vt) = points[0], points[-1]
    per_year = goal.value * (v0 / 100 if goal.relative else 1)
    target = v0 + sign * per_year * (goal.year - y0)
    last = checks[-1]
    ratio = (sign * last.change) / abs(last.required) if last.required else math.inf
    base = Assessment("no_data", "", base_year=y0, base_value=v0, latest_year=yt, latest_value=vt, target_value=target,
                      target_year=goal.year, projected_value=project_linear(points, goal.year), yearly=tuple(checks),
                      ratio=ratio)  # fmt: skip
    if yt >= goal.year and all(c.met for c in checks):
        return replace(base, status="achieved", reason="每年均达到要求的变化幅度")
    return replace(
        base,
        status=thresholds.status(ratio),
        reason=f"最近一年变化 {last.change:+.2f}，要求 {last.required:+.2f}",
    )
