"""The rule types a scheme's components use, in one registry (CONVENTIONS.md §6): an unknown type is
refused with the list of valid ones. Each rule turns one unit's facts into points and the reasons behind
them — the items, reports, notices and values a 考核办 shows when asked "why this score".

Rules never recount the ledger: overdue workdays and 漏报 are those of ``evaluate_item`` (in the facts),
and a target's status is that of :func:`yigai.core.indicators.status.assess`, the method target
monitoring uses.

>>> rule = build_rule("missed_reports", {"per_report": 2, "cap": 5})
>>> unit = UnitFacts("u", "某县", "county", (ItemFact("L1", "甲", dt.date(2025, 6, 30), "open", None, missing=4),))
>>> rule.score(unit, weight=10, as_of=dt.date(2025, 12, 31)).points
5.0
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from yigai.core.assessment.facts import EVIDENCE_MARK_LABELS, EVIDENCE_MARKS, ItemFact, UnitFacts
from yigai.core.indicators.catalogue import default_catalogue
from yigai.core.indicators.status import STATUS_LABELS, Goal, assess

#: (path inside the rule's parameters, kind of reference, the name) — what a scheme checks exists.
Ref = tuple[tuple[str | int, ...], str, str]


class ParamError(ValueError):
    """A rule parameter is wrong; ``path`` is where, inside the component, so the scheme names the line."""

    def __init__(self, path: tuple[str | int, ...], reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Reason:
    """One line of an explanation: what (an item, a report count, a notice, a value), and its effect."""

    kind: str  # item | reports | notice | value | award | veto | note
    ref: str
    text: str
    points: float = 0.0


@dataclass(frozen=True)
class Outcome:
    points: float
    reasons: tuple[Reason, ...]
    veto: bool = False


def _number(
    params: Mapping[str, Any], name: str, default: float | None = None, *, minimum: float = 0
) -> float:
    value = params.get(name, default)
    if value is None:
        raise ParamError((name,), f"缺少参数 {name}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParamError((name,), f"参数 {name} 应为数字，现为 {value!r}")
    if value < minimum:
        raise ParamError((name,), f"参数 {name} 不得小于 {minimum}，现为 {value}")
    return float(value)


def _codes(params: Mapping[str, Any], name: str = "items") -> tuple[str, ...]:
    value = params.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParamError((name,), f"参数 {name} 应为编号列表")
    return tuple(value)


class Rule:
    """A rule type. Subclasses set ``kind``, ``label``, ``weighted`` and implement ``build``/``score``."""

    kind: ClassVar[str]
    label: ClassVar[str]
    weighted: ClassVar[bool] = True  # False: bonus and veto carry no weight of the 100
    needs_place: ClassVar[bool] = False  # True: reads a place's indicator values (no department has any)

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        raise NotImplementedError

    def refs(self) -> Iterable[Ref]:
        return ()


@dataclass(frozen=True)
class ItemRule(Rule):
    """A rule over the unit's ledger items (``items``: only these codes; empty = all the unit's)."""

    items: tuple[str, ...] = ()

    def selected(self, unit: UnitFacts) -> tuple[ItemFact, ...]:
        return tuple(i for i in unit.items if not self.items or i.code in self.items)

    def refs(self) -> Iterable[Ref]:
        return [(("items", n), "item", c) for n, c in enumerate(self.items)]


def _capped(weight: float, cap: float | None, lost: float) -> float:
    """What is left of ``weight`` after ``lost`` points, the deduction capped at ``cap`` (default: weight)."""
    return round(weight - min(lost, weight if cap is None else min(cap, weight)), 2)


@dataclass(frozen=True)
class OnTimeClosure(ItemRule):
    """Share of the items due by the stage day (or closed by it) that were 销号 by their deadline."""

    kind: ClassVar[str] = "on_time_closure"
    label: ClassVar[str] = "按期销号"

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> OnTimeClosure:
        return cls(_codes(params))

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        due = [i for i in self.selected(unit) if i.deadline <= as_of or i.closed_on is not None]
        if not due:
            return Outcome(weight, (Reason("note", "", "截至评估日无到期事项，按满分计", weight),))
        share = weight / len(due)
        reasons = []
        for i in due:
            ok = i.closed_on is not None and i.closed_on <= i.deadline
            when = f"{i.closed_on.isoformat()}销号" if i.closed_on else "未销号"
            text = f"{i.title}：时限 {i.deadline.isoformat()}，{when}，{'按期' if ok else '未按期'}"
            reasons.append(Reason("item", i.code, text, round(share, 2) if ok else 0.0))
        met = sum(1 for i in due if i.closed_on is not None and i.closed_on <= i.deadline)
        return Outcome(round(weight * met / len(due), 2), tuple(reasons))


#: An offence a deduction rule counts: (reason kind, reference, text, how many times).
Offence = tuple[str, str, str, int]


@dataclass(frozen=True)
class Deduction(ItemRule):
    """``per`` points off per offence (the parameter is named ``per_name`` in the scheme), the deduction
    capped at ``cap`` (default: the whole weight); without an offence the reason says ``clean``."""

    per_name: ClassVar[str]
    per_default: ClassVar[float]
    clean: ClassVar[str]
    per: float = 1.0
    cap: float | None = None

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> Deduction:
        cap = _number(params, "cap") if "cap" in params else None
        return cls(_codes(params), _number(params, cls.per_name, cls.per_default), cap)

    def offences(self, unit: UnitFacts, as_of: dt.date) -> list[Offence]:
        raise NotImplementedError

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        found = self.offences(unit, as_of)
        reasons = tuple(Reason(kind, ref, text, -n * self.per) for kind, ref, text, n in found)
        lost = sum(n for *_, n in found) * self.per
        return Outcome(_capped(weight, self.cap, lost), reasons or (Reason("note", "", self.clean),))


@dataclass(frozen=True)
class Counted:
    """What a per-item deduction counts on each item (``count``), how the reason reads (``says``), and the
    reason's kind."""

    reason: str
    count: Callable[[ItemFact], int]
    says: Callable[[ItemFact], str]


@dataclass(frozen=True)
class ItemCountDeduction(Deduction):
    """``per`` points off per unit ``counted`` on each selected item — one body for every such rule; the
    rules differ only in their data (``counted`` and the parameter's name, default and clean text)."""

    counted: ClassVar[Counted]

    def offences(self, unit: UnitFacts, as_of: dt.date) -> list[Offence]:
        c = self.counted
        return [
            (c.reason, i.code, f"{i.title}：{c.says(i)}", c.count(i))
            for i in self.selected(unit)
            if c.count(i) > 0
        ]


@dataclass(frozen=True)
class OverdueWorkdays(ItemCountDeduction):
    """``per_day`` points off per overdue workday of an open item on the stage day, at most ``cap``."""

    kind: ClassVar[str] = "overdue_workdays"
    label: ClassVar[str] = "逾期扣分"
    per_name, per_default, clean = "per_day", 0.5, "无逾期事项"
    counted = Counted("item", lambda i: i.overdue_workdays, lambda i: f"逾期 {i.overdue_workdays} 个工作日")


@dataclass(frozen=True)
class MissedReports(ItemCountDeduction):
    """``per_report`` points off per 漏报 (an expected report never sent by its due day), at most ``cap``."""

    kind: ClassVar[str] = "missed_reports"
    label: ClassVar[str] = "漏报扣分"
    per_name, per_default, clean = "per_report", 1.0, "无漏报"
    counted = Counted("reports", lambda i: i.missing,
                      lambda i: f"应报 {i.on_time + i.late + i.missing} 次，按时 {i.on_time}，迟报 {i.late}，漏报 {i.missing}")  # fmt: skip


@dataclass(frozen=True)
class EvidenceQuality(ItemRule):
    """The reviewer's mark of each item's evidence (充分 1, 基本充分 0.6, 不足 0), averaged over the marked
    items; ``unmarked`` is the share an item without a mark earns (default: it is left out)."""

    kind: ClassVar[str] = "evidence_quality"
    label: ClassVar[str] = "佐证质量"
    unmarked: float | None = None

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> EvidenceQuality:
        unmarked = _number(params, "unmarked") if "unmarked" in params else None
        if unmarked is not None and unmarked > 1:
            raise ParamError(("unmarked",), "参数 unmarked 为 0 到 1 之间的得分比例")
        return cls(_codes(params), unmarked)

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        shares, reasons = [], []
        for i in self.selected(unit):
            if i.evidence_mark is None and self.unmarked is None:
                continue
            share = EVIDENCE_MARKS[i.evidence_mark] if i.evidence_mark else (self.unmarked or 0.0)
            label = EVIDENCE_MARK_LABELS[i.evidence_mark] if i.evidence_mark else "未评定"
            shares.append(share)
            reasons.append(Reason("item", i.code, f"{i.title}：{label}", share))
        if not shares:
            return Outcome(weight, (Reason("note", "", "审核员尚未评定佐证，按满分计", weight),))
        n = len(shares)
        reasons = [Reason(r.kind, r.ref, r.text, round(r.points * weight / n, 2)) for r in reasons]
        return Outcome(round(weight * sum(shares) / n, 2), tuple(reasons))


@dataclass(frozen=True)
class SupervisionUnanswered(Deduction):
    """``per_notice`` points off per 督办单 whose reply day passed by the stage day without an answer by
    then (answered late counts too), at most ``cap``."""

    kind: ClassVar[str] = "supervision_unanswered"
    label: ClassVar[str] = "督办未按时回复"
    per_name: ClassVar[str] = "per_notice"
    per_default: ClassVar[float] = 2.0
    clean: ClassVar[str] = "督办单均按时回复"

    def offences(self, unit: UnitFacts, as_of: dt.date) -> list[Offence]:
        codes = {i.code for i in self.selected(unit)}
        found: list[Offence] = []
        for n in unit.notices:
            if n.item_code not in codes or n.reply_by >= as_of:
                continue
            answered = n.answered_on if n.answered_on is not None and n.answered_on <= as_of else None
            if answered is not None and answered <= n.reply_by:
                continue
            when = f"{answered.isoformat()}才回复" if answered else "未回复"
            text = f"督办单 {n.id}（事项 {n.item_code}）：{n.issued_on.isoformat()}下发，限 {n.reply_by.isoformat()} 回复，{when}"
            found.append(("notice", n.id, text, 1))
        return found


@dataclass(frozen=True)
class TargetSpec:
    indicator: str
    goal: Goal


@dataclass(frozen=True)
class TargetAchievement(Rule):
    """Each target: full marks when achieved, else the share of the way from the base value to the target
    (0 on deterioration or without data), by the status method target monitoring uses; the weight is split
    evenly among the targets. Only values of years up to the stage day's year (and the target's) count."""

    kind: ClassVar[str] = "target_achievement"
    label: ClassVar[str] = "目标值达成"
    needs_place: ClassVar[bool] = True
    targets: tuple[TargetSpec, ...] = field(default=())

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> TargetAchievement:
        rows = params.get("targets")
        if not isinstance(rows, list) or not rows:
            raise ParamError(("targets",), "参数 targets 应为非空列表（indicator, comparator, value, year）")
        return cls(tuple(_target(row, n) for n, row in enumerate(rows)))

    def refs(self) -> Iterable[Ref]:
        return [(("targets", n, "indicator"), "indicator", t.indicator) for n, t in enumerate(self.targets)]

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        each, reasons, total = weight / len(self.targets), [], 0.0
        for t in self.targets:
            last = min(t.goal.year, as_of.year)
            points = [(y, v) for y, v in unit.points(t.indicator) if y <= last]
            share, text = achievement(points, t)
            total += each * share
            reasons.append(Reason("value", t.indicator, text, round(each * share, 2)))
        return Outcome(round(total, 2), tuple(reasons))


COMPARATORS = (">=", "<=", ">", "<", "=", "range", "increase_by", "decrease_by")


def _target(row: Any, n: int) -> TargetSpec:
    where: tuple[str | int, ...] = ("targets", n)
    if not isinstance(row, dict):
        raise ParamError(where, "每个目标应为映射（indicator, comparator, value, year）")
    for key in ("indicator", "comparator", "value", "year"):
        if key not in row:
            raise ParamError(where, f"目标缺少 {key}")
    if row["comparator"] not in COMPARATORS:
        raise ParamError(
            (*where, "comparator"), f"比较符 {row['comparator']!r} 无效；可用：{', '.join(COMPARATORS)}"
        )
    try:
        goal = Goal(comparator=row["comparator"], value=float(row["value"]), year=int(row["year"]),
                    value_max=None if row.get("value_max") is None else float(row["value_max"]),
                    baseline_year=None if row.get("baseline_year") is None else int(row["baseline_year"]))  # fmt: skip
    except (TypeError, ValueError):
        raise ParamError(where, "目标的 value、year 应为数字") from None
    return TargetSpec(str(row["indicator"]), goal)


def indicator_title(code: str) -> str:
    """``名称（代码）`` for an indicator of the shipped catalogue, else the code alone (a local indicator).

    >>> indicator_title("BEDS_PER_1000"), indicator_title("LOCAL_X")
    ('每千人口医疗卫生机构床位数（BEDS_PER_1000）', 'LOCAL_X')
    """
    found = default_catalogue().indicators.get(code)
    return f"{found.name}（{code}）" if found else code


def achievement(points: list[tuple[int, float]], target: TargetSpec) -> tuple[float, str]:
    """The share of a target's marks earned, and why.

    >>> t = TargetSpec("GPS_PER_10000", Goal(">=", 4.0, 2025))
    >>> achievement([(2022, 2.0), (2025, 4.2)], t)[0], achievement([(2022, 2.0), (2025, 3.5)], t)[0]
    (1.0, 0.75)
    >>> achievement([(2022, 2.0), (2025, 1.5)], t)[0], achievement([], t)[0]
    (0.0, 0.0)
    >>> down = TargetSpec("INFANT_MORTALITY", Goal("<=", 4.0, 2025))
    >>> achievement([(2022, 6.0), (2025, 5.0)], down)[0]
    0.5
    """
    a = assess(points, target.goal)
    goal = target.goal
    head = f"{indicator_title(target.indicator)}：目标 {goal.comparator} {goal.value:g}（{goal.year}年）"
    if a.status == "no_data" or a.base_value is None or a.latest_value is None or a.target_value is None:
        return 0.0, f"{head}，{STATUS_LABELS[a.status]}（{a.reason or '数据不足'}），不得分"
    seen = f"{a.base_year}年 {a.base_value:.4g} → {a.latest_year}年 {a.latest_value:.4g}"
    if a.status == "achieved":
        return 1.0, f"{head}，{seen}，{STATUS_LABELS['achieved']}，满分"
    span = a.target_value - a.base_value
    share = 0.0 if span == 0 else max(0.0, min(1.0, (a.latest_value - a.base_value) / span))
    if a.status == "deterioration":
        share = 0.0
    return round(share, 4), f"{head}，{seen}，{STATUS_LABELS[a.status]}，完成进度 {share:.0%}"


@dataclass(frozen=True)
class Award:
    unit: str
    points: float
    reason: str


@dataclass(frozen=True)
class Bonus(Rule):
    """加分: points to named units (国家级试点 …), at most ``cap`` per unit; no weight of the 100."""

    kind: ClassVar[str] = "bonus"
    label: ClassVar[str] = "加分项"
    weighted: ClassVar[bool] = False
    awards: tuple[Award, ...] = ()
    cap: float | None = None

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> Bonus:
        rows = params.get("awards")
        if not isinstance(rows, list):
            raise ParamError(("awards",), "参数 awards 应为列表（unit, points, reason）")
        awards = []
        for n, row in enumerate(rows):
            if not isinstance(row, dict) or "unit" not in row:
                raise ParamError(("awards", n), "加分项应写明 unit、points、reason")
            awards.append(Award(str(row["unit"]), _number(row, "points"), str(row.get("reason", ""))))
        cap = _number(params, "cap") if "cap" in params else None
        return cls(tuple(awards), cap)

    def refs(self) -> Iterable[Ref]:
        return [(("awards", n, "unit"), "unit", a.unit) for n, a in enumerate(self.awards)]

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        mine = [a for a in self.awards if a.unit in (unit.name, unit.key)]
        total = sum(a.points for a in mine)
        if self.cap is not None:
            total = min(total, self.cap)
        return Outcome(round(total, 2), tuple(Reason("award", a.unit, a.reason, a.points) for a in mine))


@dataclass(frozen=True)
class Veto(Rule):
    """一票否决: a named unit's total is 0 whatever it scored elsewhere."""

    kind: ClassVar[str] = "veto"
    label: ClassVar[str] = "一票否决"
    weighted: ClassVar[bool] = False
    vetoes: tuple[Award, ...] = ()

    @classmethod
    def build(cls, params: Mapping[str, Any]) -> Veto:
        rows = params.get("vetoes")
        if not isinstance(rows, list):
            raise ParamError(("vetoes",), "参数 vetoes 应为列表（unit, reason）")
        found = []
        for n, row in enumerate(rows):
            if not isinstance(row, dict) or "unit" not in row or not row.get("reason"):
                raise ParamError(("vetoes", n), "否决项应写明 unit 和 reason")
            found.append(Award(str(row["unit"]), 0.0, str(row["reason"])))
        return cls(tuple(found))

    def refs(self) -> Iterable[Ref]:
        return [(("vetoes", n, "unit"), "unit", a.unit) for n, a in enumerate(self.vetoes)]

    def score(self, unit: UnitFacts, *, weight: float, as_of: dt.date) -> Outcome:
        mine = [a for a in self.vetoes if a.unit in (unit.name, unit.key)]
        return Outcome(0.0, tuple(Reason("veto", a.unit, a.reason) for a in mine), veto=bool(mine))


RULES: dict[str, Callable[[Mapping[str, Any]], Rule]] = {
    c.kind: c.build
    for c in (OnTimeClosure, OverdueWorkdays, MissedReports, EvidenceQuality, SupervisionUnanswered,
              TargetAchievement, Bonus, Veto)
}  # fmt: skip
RULE_LABELS = {c.kind: c.label for c in (OnTimeClosure, OverdueWorkdays, MissedReports, EvidenceQuality,
               SupervisionUnanswered, TargetAchievement, Bonus, Veto)}  # fmt: skip


class UnknownRule(ValueError):
    pass


def build_rule(kind: str, params: Mapping[str, Any]) -> Rule:
    """The rule of type ``kind``; an unknown type names the valid ones.

    >>> build_rule("perfect_score", {})
    Traceback (most recent call last):
    ...
    yigai.core.assessment.rules.UnknownRule: 未知规则类型 'perfect_score'；可用：on_time_closure, overdue_workdays, missed_reports, evidence_quality, supervision_unanswered, target_achievement, bonus, veto
    """
    factory = RULES.get(kind)
    if factory is None:
        raise UnknownRule(f"未知规则类型 {kind!r}；可用：{', '.join(RULES)}")
    return factory(params)
