"""预警 (traffic lights) as data: schemes of ordered rules, loaded from YAML and evaluated on workdays.

A scheme is an ordered list of rules; the first rule that fires gives the colour, the label and a Chinese
reason. The last rule must be ``always`` (the colour of an item with nothing wrong). Closed and withdrawn
items are never lit: they get the scheme's ``inactive`` colour (grey). Rule types live in
:data:`RULE_TYPES`; an unknown type is refused with the list of valid ones.

The shipped schemes (``yigai/data/warning_schemes.yaml``): ``default`` 绿/黄/红 and ``blue_yellow_red``
蓝/黄/红 as 宿迁 issues its 督办单.

>>> from datetime import date
>>> from yigai.core.ledger.calendar import WorkCalendar
>>> from yigai.core.ledger.snapshot import LedgerSnapshot
>>> from yigai.core.ledger.workflow import Status
>>> item = LedgerSnapshot("L1", "建设医共体", Status.IN_PROGRESS, date(2026, 1, 1), date(2026, 12, 31), 40)
>>> w = evaluate(item, today=date(2026, 12, 24), calendar=WorkCalendar(), scheme=get_scheme("default"))
>>> w.colour, w.label, w.reason
('yellow', '黄灯', '距完成时限还有5个工作日，进度40%低于序时进度98.1%')
>>> evaluate(item, today=date(2027, 1, 6), calendar=WorkCalendar(), scheme=get_scheme("default")).reason
'已逾期4个工作日（完成时限2026年12月31日）'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import yaml

from yigai.core.ledger.calendar import WorkCalendar
from yigai.core.ledger.schedule import linear_progress
from yigai.core.ledger.snapshot import LedgerSnapshot
from yigai.core.ledger.workflow import Status

COLOURS = ("red", "orange", "yellow", "blue", "green", "grey", "none")
TARGETS = ("deadline", "milestone")


class SchemeError(ValueError):
    """A scheme that does not validate; the message names the field (``default.rules[1].colour``)."""


@dataclass(frozen=True)
class ItemWarning:
    """The light for one item. ``approximate`` is True when a year on the weekends-only fallback was used.

    (Not named ``Warning``: that would shadow the Python builtin for every importer.)
    """

    colour: str
    label: str
    reason: str
    rule: str
    approximate: bool = False


@dataclass(frozen=True)
class Context:
    """What a rule may look at; built once per evaluation."""

    item: LedgerSnapshot
    today: date
    calendar: WorkCalendar

    @property
    def progress(self) -> float:
        return self.item.progress or 0.0

    @property
    def schedule(self) -> float:
        return linear_progress(self.item.start, self.item.deadline, self.today)

    def progress_text(self) -> str:
        return "尚未报送进度" if self.item.progress is None else f"进度{pct(self.progress)}"

    def below_text(self, what: str) -> str:
        """``进度40%低于序时进度62%`` or, with no report yet, ``尚未报送进度（序时进度62%）``."""
        if self.item.progress is None:
            return f"尚未报送进度（{what}）" if what.startswith("序时") else f"尚未报送进度（要求{what}）"
        return f"进度{pct(self.progress)}低于{what}"


class Rule(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def colour(self) -> str: ...
    @property
    def label(self) -> str: ...

    def check(self, ctx: Context) -> str | None:
        """The reason if the rule fires, else None."""


def pct(x: float) -> str:
    """``62%``, ``62.5%``."""
    return f"{x:.0f}%" if float(x).is_integer() else f"{x:.1f}%"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class _Fields:
    """Typed access to one rule's YAML mapping, with errors that name the field."""

    def __init__(self, raw: Mapping[str, Any], where: str, allowed: set[str]) -> None:
        extra = sorted(set(raw) - allowed - {"type", "colour", "label"})
        if extra:
            raise SchemeError(f"{where}: 未知字段 {', '.join(extra)}；可用字段：{', '.join(sorted(allowed))}")
        self.raw, self.where = raw, where

    def number(self, name: str, default: float | None, *, lo: float = 0, hi: float = 100) -> float | None:
        value = self.raw.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise SchemeError(f"{self.where}.{name}: 须为 {lo:g}–{hi:g} 之间的数，现为 {value!r}")
        return float(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            raise SchemeError(f"{self.where}.{name}: 须为 true 或 false，现为 {value!r}")
        return value

    def targets(self) -> tuple[str, ...]:
        value = self.raw.get("targets", list(TARGETS))
        if not isinstance(value, list) or not value or any(v not in TARGETS for v in value):
            raise SchemeError(f"{self.where}.targets: 须为 {list(TARGETS)} 的非空子集，现为 {value!r}")
        return tuple(value)


@dataclass(frozen=True)
class Overdue:
    """Fires when today is past the deadline."""

    colour: str
    label: str
    type: str = "overdue"

    @classmethod
    def build(cls, colour: str, label: str, f: _Fields) -> Overdue:
        return cls(colour, label)

    def check(self, ctx: Context) -> str | None:
        deadline = ctx.item.deadline
        if ctx.today <= deadline:
            return None
        n = ctx.calendar.workdays_between(deadline, ctx.today)
        if n <= 0:
            return f"已超过完成时限（{cn_date(deadline)}）"
        return f"已逾期{n}个工作日（完成时限{cn_date(deadline)}）"


@dataclass(frozen=True)
class NearDue:
    """Fires within N workdays of the deadline or an upcoming milestone, if progress is short (when asked)."""

    colour: str
    label: str
    within_workdays: int
    targets: tuple[str, ...]
    below_schedule: bool
    below_percent: float | None
    type: str = "near_due"

    @classmethod
    def build(cls, colour: str, label: str, f: _Fields) -> NearDue:
        within = f.number("within_workdays", 10, hi=250)
        assert within is not None  # has a default
        if not within.is_integer():
            raise SchemeError(f"{f.where}.within_workdays: 须为整数，现为 {within}")
        return cls(
            colour,
            label,
            int(within),
            f.targets(),
            f.flag("below_schedule", False),
            f.number("below_percent", None),
        )

    def _dates(self, ctx: Context) -> list[tuple[date, str]]:
        found = []
        if "deadline" in self.targets:
            found.append((ctx.item.deadline, "完成时限"))
        if "milestone" in self.targets:
            found += [(m.due, f"节点“{m.name}”") for m in ctx.item.milestones if m.due != ctx.item.deadline]
        return sorted(d for d in found if d[0] >= ctx.today)

    def _shortfall(self, ctx: Context) -> str | None:
        if not self.below_schedule and self.below_percent is None:
            return ctx.progress_text()
        if self.below_schedule and ctx.progress < ctx.schedule:
            return ctx.below_text(f"序时进度{pct(ctx.schedule)}")
        if self.below_percent is not None and ctx.progress < self.below_percent:
            return ctx.below_text(pct(self.below_percent))
        return None

    def check(self, ctx: Context) -> str | None:
        for due, what in self._dates(ctx):
            n = ctx.calendar.workdays_between(ctx.today, due)
            if n <= self.within_workdays:
                shortfall = self._shortfall(ctx)
                if shortfall is not None:
                    return f"距{what}还有{n}个工作日，{shortfall}"
        return None


@dataclass(frozen=True)
class BehindSchedule:
    """Fires when progress is below 序时进度 by more than ``tolerance`` percentage points."""

    colour: str
    label: str
    tolerance: float
    type: str = "behind_schedule"

    @classmethod
    def build(cls, colour: str, label: str, f: _Fields) -> BehindSchedule:
        tolerance = f.number("tolerance", 0)
        assert tolerance is not None  # has a default
        return cls(colour, label, tolerance)

    def check(self, ctx: Context) -> str | None:
        schedule = ctx.schedule
        if ctx.progress < schedule - self.tolerance:
            return ctx.below_text(f"序时进度{pct(schedule)}")
        return None


@dataclass(frozen=True)
class Always:
    """The last rule of a scheme: fires always (the normal colour)."""

    colour: str
    label: str
    type: str = "always"

    @classmethod
    def build(cls, colour: str, label: str, f: _Fields) -> Always:
        return cls(colour, label)

    def check(self, ctx: Context) -> str | None:
        n = ctx.calendar.workdays_between(ctx.today, ctx.item.deadline)
        when = f"距完成时限还有{n}个工作日" if n >= 0 else "已过完成时限"
        return f"{ctx.progress_text()}，{when}"


_Builder = Callable[[str, str, _Fields], Rule]
#: Rule type name → (builder, the extra fields it accepts). Extend with :func:`register_rule_type`.
RULE_TYPES: dict[str, tuple[_Builder, set[str]]] = {
    "overdue": (Overdue.build, set()),
    "near_due": (NearDue.build, {"within_workdays", "targets", "below_schedule", "below_percent"}),
    "behind_schedule": (BehindSchedule.build, {"tolerance"}),
    "always": (Always.build, set()),
}


def register_rule_type(name: str, builder: _Builder, fields: set[str]) -> None:
    """Add a rule type (for deployments with their own rule); refuses to replace an existing one."""
    if name in RULE_TYPES:
        raise SchemeError(f"规则类型 {name} 已存在")
    RULE_TYPES[name] = (builder, fields)


@dataclass(frozen=True)
class WarningScheme:
    name: str
    title: str
    rules: tuple[Rule, ...]
    inactive_colour: str = "grey"
    inactive_label: str = "不预警"


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SchemeError(f"{where}.{key}: 须为非空文字，现为 {value!r}")
    return value


def _colour(raw: Mapping[str, Any], where: str) -> str:
    value = raw.get("colour")
    if value not in COLOURS:
        raise SchemeError(f"{where}.colour: 未知颜色 {value!r}；可用颜色：{', '.join(COLOURS)}")
    return str(value)


def build_rule(raw: Any, where: str) -> Rule:
    """One rule from its mapping; unknown types are refused with the list of valid ones."""
    if not isinstance(raw, Mapping):
        raise SchemeError(f"{where}: 规则须为键值映射，现为 {raw!r}")
    kind = raw.get("type")
    if kind not in RULE_TYPES:
        raise SchemeError(f"{where}.type: 未知规则类型 {kind!r}；可用类型：{', '.join(sorted(RULE_TYPES))}")
    builder, allowed = RULE_TYPES[kind]
    return builder(_colour(raw, where), _text(raw, "label", where), _Fields(raw, where, allowed))


def scheme_from_dict(name: str, raw: Any) -> WarningScheme:
    """Validate one scheme's mapping into a :class:`WarningScheme`."""
    if not isinstance(raw, Mapping):
        raise SchemeError(f"{name}: 方案须为键值映射")
    rules_raw = raw.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise SchemeError(f"{name}.rules: 须为非空列表")
    rules = tuple(build_rule(r, f"{name}.rules[{i}]") for i, r in enumerate(rules_raw))
    if rules[-1].type != "always":
        raise SchemeError(f"{name}.rules[{len(rules) - 1}]: 最后一条规则须为 always（正常状态的颜色）")
    inactive = raw.get("inactive", {"colour": "grey", "label": "不预警"})
    return WarningScheme(
        name,
        _text(raw, "title", name),
        rules,
        _colour(inactive, f"{name}.inactive"),
        _text(inactive, "label", f"{name}.inactive"),
    )


def load_schemes(path: str | Path | None = None) -> dict[str, WarningScheme]:
    """All schemes of a YAML file (the packaged one, read once, by default), validated."""
    if path is None:
        return dict(_packaged_schemes())
    return schemes_from_yaml(Path(path).read_text("utf-8"))


@functools.cache
def _packaged_schemes() -> Mapping[str, WarningScheme]:
    return schemes_from_yaml(
        resources.files("yigai.data").joinpath("warning_schemes.yaml").read_text("utf-8")
    )


def schemes_from_yaml(text: str) -> dict[str, WarningScheme]:
    """All schemes of a YAML text (top-level key ``schemes``), validated."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SchemeError(f"预警方案不是有效的 YAML：{exc}") from exc
    if not isinstance(raw, Mapping) or not isinstance(raw.get("schemes"), Mapping):
        raise SchemeError("schemes: 文件须有顶层键 schemes，其下为各预警方案")
    return {str(name): scheme_from_dict(str(name), body) for name, body in raw["schemes"].items()}


def get_scheme(name: str = "default", schemes: Mapping[str, WarningScheme] | None = None) -> WarningScheme:
    """A scheme by name; an unknown name is refused with the list of known ones."""
    known = schemes if schemes is not None else load_schemes()
    if name not in known:
        raise SchemeError(f"未知预警方案 {name!r}；可用方案：{', '.join(sorted(known))}")
    return known[name]


_INACTIVE_REASON = {Status.CLOSED: "已销号，不再预警", Status.WITHDRAWN: "已撤销，不再预警"}


def evaluate(
    item: LedgerSnapshot, *, today: date, calendar: WorkCalendar, scheme: WarningScheme
) -> ItemWarning:
    """The light for ``item`` on ``today``: the first rule of ``scheme`` that fires."""
    if not item.is_open:
        return ItemWarning(
            scheme.inactive_colour, scheme.inactive_label, _INACTIVE_REASON[item.status], "inactive"
        )
    ctx = Context(item, today, calendar)
    approximate = bool(calendar.fallback_years(min(today, item.deadline), max(today, item.deadline)))
    for rule in scheme.rules:
        reason = rule.check(ctx)
        if reason is not None:
            return ItemWarning(rule.colour, rule.label, reason, rule.type, approximate)
    raise AssertionError("unreachable: scheme_from_dict guarantees a final 'always' rule")
