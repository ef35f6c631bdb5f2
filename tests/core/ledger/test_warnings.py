"""预警: both shipped schemes across the 2026→2027 calendar edge, with and without overrides; validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from yigai.core.ledger.calendar import DayOverride, WorkCalendar
from yigai.core.ledger.schedule import Milestone
from yigai.core.ledger.snapshot import LedgerSnapshot
from yigai.core.ledger.warnings import (
    RULE_TYPES,
    Always,
    SchemeError,
    evaluate,
    get_scheme,
    load_schemes,
    register_rule_type,
    schemes_from_yaml,
)
from yigai.core.ledger.workflow import Status

PLAIN = WorkCalendar()
NEW_YEAR = WorkCalendar([DayOverride(date(2027, 1, 1), False, "元旦")])
SPRING = WorkCalendar([DayOverride(date(2027, 2, d), False, "春节") for d in range(6, 13)])
DEFAULT = get_scheme("default")
BYR = get_scheme("blue_yellow_red")
MID = Milestone("中期", date(2026, 7, 2), 50.0)


def item(
    deadline: date,
    progress: float | None,
    *,
    start: date = date(2026, 1, 1),
    status: Status = Status.IN_PROGRESS,
    milestones: tuple[Milestone, ...] = (),
) -> LedgerSnapshot:
    return LedgerSnapshot("L1", "事项", status, start, deadline, progress, milestones)


CASES = [
    # (id, item, today, calendar, default (colour, reason), blue_yellow_red (colour, reason), approximate)
    (
        "11 workdays left on the fallback: green",
        item(date(2027, 1, 8), 30),
        date(2026, 12, 24),
        PLAIN,
        ("green", "进度30%，距完成时限还有11个工作日"),
        ("yellow", "进度30%低于序时进度96%"),
        True,
    ),
    (
        "元旦 2027 entered: 10 workdays left, yellow",
        item(date(2027, 1, 8), 30),
        date(2026, 12, 24),
        NEW_YEAR,
        ("yellow", "距完成时限还有10个工作日，进度30%低于序时进度96%"),
        ("yellow", "进度30%低于序时进度96%"),
        False,
    ),
    (
        "overdue across the edge, fallback counts 1 January",
        item(date(2026, 12, 31), 60),
        date(2027, 1, 4),
        PLAIN,
        ("red", "已逾期2个工作日（完成时限2026年12月31日）"),
        ("red", "已逾期2个工作日（完成时限2026年12月31日）"),
        True,
    ),
    (
        "overdue across the edge, 元旦 entered",
        item(date(2026, 12, 31), 60),
        date(2027, 1, 4),
        NEW_YEAR,
        ("red", "已逾期1个工作日（完成时限2026年12月31日）"),
        ("red", "已逾期1个工作日（完成时限2026年12月31日）"),
        False,
    ),
    (
        "overdue by a weekend only",
        item(date(2026, 12, 4), 60),
        date(2026, 12, 6),
        PLAIN,
        ("red", "已超过完成时限（2026年12月4日）"),
        ("red", "已超过完成时限（2026年12月4日）"),
        False,
    ),
    (
        "deadline day, not finished",
        item(date(2026, 12, 31), 90),
        date(2026, 12, 31),
        PLAIN,
        ("yellow", "距完成时限还有0个工作日，进度90%低于序时进度100%"),
        ("yellow", "进度90%低于序时进度100%"),
        False,
    ),
    (
        "deadline close, finished work",
        item(date(2026, 12, 31), 100),
        date(2026, 12, 24),
        PLAIN,
        ("green", "进度100%，距完成时限还有5个工作日"),
        ("blue", "距完成时限还有5个工作日，进度100%"),
        False,
    ),
    (
        "far from the deadline and behind",
        item(date(2026, 12, 31), 10),
        date(2026, 11, 23),
        PLAIN,
        ("green", "进度10%，距完成时限还有28个工作日"),
        ("yellow", "进度10%低于序时进度89.6%"),
        False,
    ),
    (
        "never reported",
        item(date(2026, 12, 31), None),
        date(2026, 12, 28),
        PLAIN,
        ("yellow", "距完成时限还有3个工作日，尚未报送进度（序时进度99.2%）"),
        ("yellow", "尚未报送进度（序时进度99.2%）"),
        False,
    ),
    (
        "milestone 中期 within 5 workdays and behind",
        item(date(2026, 12, 31), 30, milestones=(MID,)),
        date(2026, 6, 25),
        PLAIN,
        ("yellow", "距节点“中期”还有5个工作日，进度30%低于序时进度48.1%"),
        ("yellow", "进度30%低于序时进度48.1%"),
        False,
    ),
    (
        "milestone passed: not a target any more",
        item(date(2026, 12, 31), 50, milestones=(MID,)),
        date(2026, 7, 3),
        PLAIN,
        ("green", "进度50%，距完成时限还有125个工作日"),
        ("yellow", "进度50%低于序时进度50.3%"),  # 宿迁 rule: any lag behind 序时进度 is yellow
        False,
    ),
    (
        "ahead of schedule but under 80% near the end: below_percent fires",
        item(date(2026, 12, 31), 75, start=date(2026, 12, 20)),
        date(2026, 12, 21),
        PLAIN,
        ("yellow", "距完成时限还有8个工作日，进度75%低于80%"),
        ("blue", "距完成时限还有8个工作日，进度75%"),
        False,
    ),
    (
        "2027 春节 on the fallback",
        item(date(2027, 2, 15), 97, start=date(2026, 3, 1)),
        date(2027, 2, 1),
        PLAIN,
        ("green", "进度97%，距完成时限还有10个工作日"),
        ("blue", "距完成时限还有10个工作日，进度97%"),
        True,
    ),
    (
        "2027 春节 entered by the administrator",
        item(date(2027, 2, 15), 97, start=date(2026, 3, 1)),
        date(2027, 2, 1),
        SPRING,
        ("green", "进度97%，距完成时限还有5个工作日"),
        ("blue", "距完成时限还有5个工作日，进度97%"),
        False,
    ),
]


@pytest.mark.parametrize(
    ("snapshot", "today", "calendar", "default", "byr", "approximate"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_schemes(
    snapshot: LedgerSnapshot,
    today: date,
    calendar: WorkCalendar,
    default: tuple[str, str],
    byr: tuple[str, str],
    approximate: bool,
) -> None:
    got = evaluate(snapshot, today=today, calendar=calendar, scheme=DEFAULT)
    assert (got.colour, got.reason) == default
    assert got.approximate is approximate
    got = evaluate(snapshot, today=today, calendar=calendar, scheme=BYR)
    assert (got.colour, got.reason) == byr


def test_labels_and_rule_names() -> None:
    red = evaluate(item(date(2026, 1, 5), 0), today=date(2026, 11, 23), calendar=PLAIN, scheme=DEFAULT)
    assert (red.label, red.rule) == ("红灯", "overdue")
    blue = evaluate(item(date(2026, 11, 30), 100), today=date(2026, 11, 23), calendar=PLAIN, scheme=BYR)
    assert (blue.colour, blue.label, blue.rule) == ("blue", "蓝色督办", "near_due")


@pytest.mark.parametrize(
    ("status", "reason"), [(Status.CLOSED, "已销号，不再预警"), (Status.WITHDRAWN, "已撤销，不再预警")]
)
def test_finished_items_are_grey(status: Status, reason: str) -> None:
    for scheme in (DEFAULT, BYR):
        w = evaluate(
            item(date(2026, 1, 5), 0, status=status), today=date(2026, 11, 23), calendar=PLAIN, scheme=scheme
        )
        assert (w.colour, w.label, w.reason, w.rule) == ("grey", "不预警", reason, "inactive")


def _scheme(rules: str, extra: str = "") -> str:
    return f"schemes:\n  x:\n    title: 测试\n{extra}    rules:\n{rules}"


ALWAYS = "      - {type: always, colour: green, label: 绿灯}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _scheme("      - {type: lateness, colour: red, label: 红}\n" + ALWAYS),
            "x.rules[0].type: 未知规则类型 'lateness'；可用类型：always, behind_schedule, near_due, overdue",
        ),
        (
            _scheme("      - {type: overdue, colour: purple, label: 紫}\n" + ALWAYS),
            "x.rules[0].colour: 未知颜色 'purple'",
        ),
        (_scheme("      - {type: overdue, colour: red}\n" + ALWAYS), "x.rules[0].label: 须为非空文字"),
        (_scheme("      - {type: overdue, colour: red, label: 红}\n"), "x.rules[0]: 最后一条规则须为 always"),
        (
            _scheme("      - {type: near_due, colour: yellow, label: 黄, within: 3}\n" + ALWAYS),
            "x.rules[0]: 未知字段 within；可用字段：below_percent, below_schedule, targets, within_workdays",
        ),
        (
            _scheme("      - {type: near_due, colour: yellow, label: 黄, within_workdays: -1}\n" + ALWAYS),
            "x.rules[0].within_workdays: 须为 0–250 之间的数",
        ),
        (
            _scheme("      - {type: near_due, colour: yellow, label: 黄, within_workdays: 2.5}\n" + ALWAYS),
            "x.rules[0].within_workdays: 须为整数",
        ),
        (
            _scheme("      - {type: near_due, colour: yellow, label: 黄, below_percent: 150}\n" + ALWAYS),
            "x.rules[0].below_percent: 须为 0–100 之间的数",
        ),
        (
            _scheme("      - {type: near_due, colour: yellow, label: 黄, below_schedule: 'yes'}\n" + ALWAYS),
            "x.rules[0].below_schedule: 须为 true 或 false",
        ),
        (
            _scheme("      - {type: near_due, colour: yellow, label: 黄, targets: [start]}\n" + ALWAYS),
            "x.rules[0].targets: 须为 ['deadline', 'milestone'] 的非空子集",
        ),
        (
            _scheme("      - {type: behind_schedule, colour: yellow, label: 黄, tolerance: true}\n" + ALWAYS),
            "x.rules[0].tolerance: 须为 0–100 之间的数",
        ),
        (_scheme(ALWAYS, "    inactive: {colour: gray, label: 无}\n"), "x.inactive.colour: 未知颜色 'gray'"),
        (_scheme("      - not a mapping\n" + ALWAYS), "x.rules[0]: 规则须为键值映射"),
        ("schemes:\n  x:\n    title: 测试\n    rules: []\n", "x.rules: 须为非空列表"),
        ("x: 1\n", "schemes: 文件须有顶层键 schemes"),
        ("schemes: [\n", "预警方案不是有效的 YAML"),
    ],
)
def test_validation_names_the_field(text: str, message: str) -> None:
    with pytest.raises(SchemeError) as err:
        schemes_from_yaml(text)
    assert str(err.value).startswith(message)


def test_load_from_a_file_and_unknown_scheme(tmp_path: Path) -> None:
    path = tmp_path / "schemes.yaml"
    path.write_text(_scheme(ALWAYS), encoding="utf-8")
    schemes = load_schemes(path)
    assert list(schemes) == ["x"]
    with pytest.raises(SchemeError, match="未知预警方案 'default'；可用方案：x"):
        get_scheme("default", schemes)
    assert set(load_schemes()) >= {"default", "blue_yellow_red"}


def test_registry_refuses_duplicates_and_accepts_new_types() -> None:
    with pytest.raises(SchemeError, match="已存在"):
        register_rule_type("overdue", Always.build, set())
    register_rule_type("always_too", Always.build, set())
    try:
        scheme = schemes_from_yaml(_scheme("      - {type: always_too, colour: blue, label: 蓝}\n" + ALWAYS))[
            "x"
        ]
        assert scheme.rules[0].colour == "blue"
    finally:
        del RULE_TYPES["always_too"]


def test_blue_yellow_red_has_no_light_when_all_is_well() -> None:
    w = evaluate(item(date(2026, 12, 31), 95), today=date(2026, 11, 23), calendar=PLAIN, scheme=BYR)
    assert (w.colour, w.label, w.reason) == ("none", "正常", "进度95%，距完成时限还有28个工作日")


# Boundaries of the three comparisons (issue 11): each case fails if its comparison is mutated.
def _one(rule_yaml: str) -> object:
    text = f"schemes:\n  s:\n    title: t\n    rules:\n{rule_yaml}      - {{type: always, colour: green, label: 绿灯}}\n"
    return schemes_from_yaml(text)["s"]


def test_tolerance_above_zero_is_subtracted_from_the_schedule() -> None:
    """序时进度 50% with tolerance 10: 41% is within it (no light), 39% is below it (`+` would light both)."""
    scheme = _one("      - {type: behind_schedule, colour: yellow, label: 黄灯, tolerance: 10}\n")
    mid = date(2026, 7, 2)  # 序时进度 50.0 for 2026-01-01 → 2026-12-31
    on = evaluate(item(date(2026, 12, 31), 41), today=mid, calendar=PLAIN, scheme=scheme)  # type: ignore[arg-type]
    assert on.colour == "green"
    below = evaluate(item(date(2026, 12, 31), 39), today=mid, calendar=PLAIN, scheme=scheme)  # type: ignore[arg-type]
    assert below.colour == "yellow" and below.reason == "进度39%低于序时进度50%"
    # exactly at the tolerated edge: 40% is not *below* 50 − 10
    edge = evaluate(item(date(2026, 12, 31), 40), today=mid, calendar=PLAIN, scheme=scheme)  # type: ignore[arg-type]
    assert edge.colour == "green"


def test_progress_equal_to_below_percent_does_not_fire() -> None:
    """near_due below_percent 80: 80% is not below 80% (no "进度80%低于80%"); 79% is."""
    scheme = _one(
        "      - {type: near_due, colour: orange, label: 橙灯, within_workdays: 10, targets: [deadline],"
        " below_percent: 80}\n"
    )
    near = date(2026, 12, 24)
    at = evaluate(item(date(2026, 12, 31), 80), today=near, calendar=PLAIN, scheme=scheme)  # type: ignore[arg-type]
    assert at.colour == "green" and "低于80%" not in at.reason
    below = evaluate(item(date(2026, 12, 31), 79), today=near, calendar=PLAIN, scheme=scheme)  # type: ignore[arg-type]
    assert below.colour == "orange" and below.reason.endswith("进度79%低于80%")


def test_progress_equal_to_the_schedule_does_not_fire() -> None:
    """Equal to 序时进度 is on schedule: with tolerance 0, 50% on the day 序时进度 is 50% stays unlit, and a
    not-started item on its start day (序时进度 0) is not behind under blue_yellow_red."""
    mid = date(2026, 7, 2)
    assert evaluate(item(date(2026, 12, 31), 50), today=mid, calendar=PLAIN, scheme=BYR).colour == "none"
    fresh = item(date(2026, 12, 31), None, status=Status.NOT_STARTED)
    assert evaluate(fresh, today=date(2026, 1, 1), calendar=PLAIN, scheme=BYR).colour == "none"
    near = _one(
        "      - {type: near_due, colour: yellow, label: 黄灯, within_workdays: 10, targets: [deadline],"
        " below_schedule: true}\n"
    )
    # 序时进度 on 2026-12-24 is 98.1%: 98.1 is not below it; 98 is
    assert (
        evaluate(item(date(2026, 12, 31), 98.1), today=date(2026, 12, 24), calendar=PLAIN, scheme=near).colour
        == "green"
    )  # type: ignore[arg-type]
    assert (
        evaluate(item(date(2026, 12, 31), 98), today=date(2026, 12, 24), calendar=PLAIN, scheme=near).colour
        == "yellow"
    )  # type: ignore[arg-type]
