"""倒排工期 and 序时进度: hand-computed on weekends-only years, then on official holidays."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.core.ledger.calendar import DayOverride, WorkCalendar
from yigai.core.ledger.schedule import (
    DEFAULT_SPEC,
    Milestone,
    MilestoneSpec,
    back_schedule,
    linear_progress,
    spec_from_config,
)

CAL = WorkCalendar()
# January 2028 is on the weekends-only fallback: Mon 3 … Fri 28 holds 19 workdays after the 3rd.
START, END = date(2028, 1, 3), date(2028, 1, 28)


@pytest.mark.parametrize(
    ("fraction", "due"),
    [
        (0.0, date(2028, 1, 3)),  # 19 back: the start itself
        (0.1, date(2028, 1, 4)),  # ⌈17.1⌉ = 18 back
        (0.5, date(2028, 1, 14)),  # ⌈9.5⌉ = 10 back
        (0.7, date(2028, 1, 20)),  # ⌈5.7⌉ = 6 back (0.3 × 19 computed without float drift)
        (1.0, date(2028, 1, 28)),
    ],
)
def test_fractions_by_hand(fraction: float, due: date) -> None:
    [m] = back_schedule(START, END, [MilestoneSpec("节点", fraction=fraction)], CAL)
    assert m == Milestone("节点", due, round(fraction * 100, 1), False)


@pytest.mark.parametrize(
    ("before", "due", "clamped"),
    [
        (0, date(2028, 1, 28), False),
        (1, date(2028, 1, 27), False),
        (5, date(2028, 1, 21), False),
        (19, date(2028, 1, 3), False),
        (20, date(2028, 1, 3), True),  # the window is too short: put on the start and flagged
    ],
)
def test_workday_offsets(before: int, due: date, clamped: bool) -> None:
    [m] = back_schedule(START, END, [MilestoneSpec("提交验收材料", workdays_before=before)], CAL)
    assert (m.due, m.clamped) == (due, clamped)
    assert m.expected_progress == linear_progress(START, END, due)


def test_deadline_on_a_holiday_lands_on_the_last_workday_before() -> None:
    ms = back_schedule(date(2025, 9, 1), date(2025, 10, 1), DEFAULT_SPEC, CAL)
    assert ms[-1].due == date(2025, 9, 30)
    assert [m.name for m in ms] == ["启动", "中期", "完成"]
    assert all(CAL.is_workday(m.due) for m in ms)


def test_holidays_push_milestones_earlier() -> None:
    spec = [MilestoneSpec("材料", workdays_before=3)]
    # 国庆 2025: three workdays before 2025-10-10 are 10-09, 09-30, 09-29.
    assert back_schedule(date(2025, 9, 1), date(2025, 10, 10), spec, CAL)[0].due == date(2025, 9, 29)
    # 2027 on the fallback vs with an admin-entered 春节 break.
    plain = back_schedule(date(2027, 1, 4), date(2027, 2, 15), spec, CAL)[0].due
    cal = WorkCalendar([DayOverride(date(2027, 2, d), False, "春节") for d in range(6, 13)])
    holiday = back_schedule(date(2027, 1, 4), date(2027, 2, 15), spec, cal)[0].due
    assert (plain, holiday) == (date(2027, 2, 10), date(2027, 2, 3))


def test_milestones_come_back_in_date_order() -> None:
    spec = [
        MilestoneSpec("完成", fraction=1),
        MilestoneSpec("材料", workdays_before=20),
        MilestoneSpec("启动", 0.1),
    ]
    names = [m.name for m in back_schedule(date(2026, 1, 5), date(2026, 12, 31), spec, CAL)]
    assert names == ["启动", "材料", "完成"]


def test_start_equal_to_deadline_and_bad_ranges() -> None:
    [m] = back_schedule(date(2026, 6, 1), date(2026, 6, 1), [MilestoneSpec("完成", fraction=1)], CAL)
    assert m.due == date(2026, 6, 1)
    with pytest.raises(ValueError, match="早于开始日期"):
        back_schedule(date(2026, 6, 2), date(2026, 6, 1), DEFAULT_SPEC, CAL)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "须且只能"),
        ({"fraction": 0.5, "workdays_before": 3}, "须且只能"),
        ({"fraction": 1.5}, "0 到 1"),
        ({"workdays_before": -1}, "不能为负数"),
    ],
)
def test_spec_validation(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MilestoneSpec("节点", **kwargs)  # type: ignore[arg-type]  # the dict mixes int and float on purpose


def test_spec_from_config() -> None:
    assert spec_from_config([{"name": "中期", "fraction": 0.5}, {"name": "材料", "workdays_before": 20}]) == (
        MilestoneSpec("中期", fraction=0.5),
        MilestoneSpec("材料", workdays_before=20),
    )
    with pytest.raises(ValueError, match="days"):
        spec_from_config([{"name": "中期", "days": 3}])


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 12, 1), 0.0),
        (date(2026, 1, 1), 0.0),
        (date(2026, 7, 2), 50.0),
        (date(2026, 12, 31), 100.0),
        (date(2027, 3, 1), 100.0),
        (date(2026, 2, 1), 8.5),
    ],
)
def test_linear_progress(today: date, expected: float) -> None:
    assert linear_progress(date(2026, 1, 1), date(2026, 12, 31), today) == expected


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=900),
    fractions=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=5),
)
def test_milestones_land_on_workdays_inside_the_window(
    start: date, days: int, fractions: list[float]
) -> None:
    from datetime import timedelta

    deadline = start + timedelta(days=days)
    ms = back_schedule(
        start, deadline, [MilestoneSpec(str(i), fraction=f) for i, f in enumerate(fractions)], CAL
    )
    has_workday = CAL.workday_on_or_after(start) <= deadline
    for m in ms:
        assert start <= m.due <= deadline
        assert CAL.is_workday(m.due) or not has_workday
    assert [m.due for m in ms] == sorted(m.due for m in ms)


def test_no_float_drift_in_rounding() -> None:
    # Ten workdays in (2028-01-03, 2028-01-17]; (1 − 0.7) × 10 is 3.0000000000000004 in floating point.
    [m] = back_schedule(date(2028, 1, 3), date(2028, 1, 17), [MilestoneSpec("节点", fraction=0.7)], CAL)
    assert m.due == date(2028, 1, 12)  # three workdays back, not four
