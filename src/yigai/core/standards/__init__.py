"""Resource-layout standards (资源配置标准): rules as data, checked against a facility registry.

Rules come from ``src/yigai/data/standards.yaml`` ("每100万至200万人口设置1至2个市办三级综合医院",
"每个县（市、区）至少建设1所康复医疗中心", "每千人口床位数7.5张"), validated into typed rules; a
check takes facilities, populations and resources per org unit and lists every gap.

>>> rules = load_rules()
>>> rule = next(r for r in rules if r.code == "CITY_TERTIARY_GENERAL")
>>> required_range(rule, 5_000_000)
(2, 10)
>>> f = [Facility("f1", "131000", "general_hospital", {"run_by": "city", "grade": 3})]
>>> [(g.org_unit, g.status, g.actual) for g in check([rule], facilities=f,
...     org_units=[OrgUnitInfo("131000", "廊坊市", "city", None)], population={"131000": 5_500_000})]
[('131000', 'below', 1)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

KINDS = ("per_population", "each_unit", "density")
LEVELS = ("province", "city", "county")


class StandardsError(ValueError):
    """A malformed rule file; the message names the rule and the field."""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    levels: tuple[str, ...]
    kind: str
    source: str
    match: tuple[Mapping[str, Any], ...] = ()
    min_count: int = 0
    max_count: int | None = None
    per_min: int | None = None
    per_max: int | None = None
    resource: str | None = None
    per: int | None = None
    min_value: float | None = None


@dataclass(frozen=True)
class Facility:
    id: str
    org_unit: str  # adcode of the place it serves (a county, a city …)
    type: str
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrgUnitInfo:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class Gap:
    """One rule at one org unit: met, below, above or no_data, with the shortfall stated."""

    rule: str
    rule_name: str
    org_unit: str
    org_unit_name: str
    status: str
    actual: float | None
    required_min: float | None
    required_max: float | None
    message: str


def _rule(raw: Mapping[str, Any]) -> Rule:
    code = str(raw.get("code") or "")
    where = f"规则 {code or '?'}"
    if not code:
        raise StandardsError(f"{where}：缺少 code")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise StandardsError(f"{where}：kind 为 {kind!r}，可用：{', '.join(KINDS)}")
    levels = raw.get("level")
    levels_t = tuple(levels) if isinstance(levels, list) else (levels,)
    if not levels_t or any(lv not in LEVELS for lv in levels_t):
        raise StandardsError(f"{where}：level 为 {levels!r}，可用：{', '.join(LEVELS)}")
    match = (raw.get("match") or {}, *(raw.get("also_match") or []))
    if kind != "density" and not match[0].get("type"):
        raise StandardsError(f"{where}：match 需要 type")
    if kind == "per_population" and not (raw.get("per_min") and raw.get("per_max")):
        raise StandardsError(f"{where}：per_population 需要 per_min 和 per_max")
    if kind == "density" and not (
        raw.get("resource") and raw.get("per") and raw.get("min_value") is not None
    ):
        raise StandardsError(f"{where}：density 需要 resource、per、min_value")
    return Rule(
        code=code, name=str(raw.get("name") or code), levels=levels_t, kind=str(kind),
        source=str(raw.get("source") or ""), match=tuple(match) if kind != "density" else (),
        min_count=int(raw.get("min_count") or 0), max_count=raw.get("max_count"),
        per_min=raw.get("per_min"), per_max=raw.get("per_max"), resource=raw.get("resource"),
        per=raw.get("per"), min_value=raw.get("min_value"),
    )  # fmt: skip


def load_rules(text: str | None = None, *, path: Path | None = None) -> list[Rule]:
    """Load and validate rules (the shipped file unless ``text``/``path`` is given)."""
    if text is None:
        text = (
            path.read_text("utf-8")
            if path
            else resources.files("yigai.data").joinpath("standards.yaml").read_text("utf-8")
        )
    data = yaml.safe_load(text) or {}
    raw_rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(raw_rules, list):
        raise StandardsError("规则文件需要 rules 列表")
    rules = [_rule(r) for r in raw_rules]
    codes = [r.code for r in rules]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise StandardsError(f"规则代码重复：{', '.join(dupes)}")
    return rules


def required_range(rule: Rule, population: float) -> tuple[int, int | None]:
    """How many facilities a population calls for under a per_population rule.

    "1 to 2 per 1–2 million": at least one per ``per_min`` residents (rounded down, never below
    the rule's minimum count), at most two per ``per_max`` residents (rounded up).
    """
    assert rule.per_min and rule.per_max
    low = max(rule.min_count, math.floor(population / rule.per_min * rule.min_count))
    high = math.ceil(population / rule.per_max * rule.max_count) if rule.max_count else None
    return low, (max(high, low) if high is not None else None)


def _matches(rule: Rule, facility: Facility) -> bool:
    attrs = {"type": facility.type, **facility.attrs}
    return any(all(attrs.get(k) == v for k, v in m.items()) for m in rule.match)


def _descendants(org_units: Iterable[OrgUnitInfo]) -> dict[str, set[str]]:
    parent = {o.code: o.parent for o in org_units}
    below: dict[str, set[str]] = {code: {code} for code in parent}
    for code in parent:
        up = parent[code]
        seen = set()
        while up is not None and up not in seen:
            seen.add(up)
            below.setdefault(up, {up}).add(code)
            up = parent.get(up)
    return below


def check(
    rules: Iterable[Rule], *, facilities: Iterable[Facility], org_units: Iterable[OrgUnitInfo],
    population: Mapping[str, float], resources_: Mapping[tuple[str, str], float] | None = None,
) -> list[Gap]:  # fmt: skip
    """Check every rule at every org unit of its levels; facilities count for their place and above."""
    units = list(org_units)
    below = _descendants(units)
    facs = list(facilities)
    out: list[Gap] = []
    for rule in rules:
        for unit in (u for u in units if u.level in rule.levels):
            out.append(_check_one(rule, unit, facs, below[unit.code], population, resources_ or {}))
    return out


def _check_one(
    rule: Rule, unit: OrgUnitInfo, facs: list[Facility], area: set[str],
    population: Mapping[str, float], res: Mapping[tuple[str, str], float],
) -> Gap:  # fmt: skip
    def gap(status: str, actual: float | None, lo: float | None, hi: float | None, msg: str) -> Gap:
        return Gap(rule.code, rule.name, unit.code, unit.name, status, actual, lo, hi, msg)

    if rule.kind == "density":
        assert rule.resource and rule.per and rule.min_value is not None
        pop = sum(population.get(c, 0) for c in area if c in population)
        amount = sum(v for (c, r), v in res.items() if r == rule.resource and c in area)
        if not pop or not amount:
            return gap("no_data", None, rule.min_value, None, f"{unit.name}缺少人口或{rule.name}数据")
        value = round(amount / pop * rule.per, 2)
        if value >= rule.min_value:
            return gap(
                "met", value, rule.min_value, None, f"{unit.name}{rule.name}{value}，达到{rule.min_value}"
            )
        return gap(
            "below", value, rule.min_value, None, f"{unit.name}{rule.name}{value}，低于标准{rule.min_value}"
        )
    count = sum(1 for f in facs if f.org_unit in area and _matches(rule, f))
    if rule.kind == "each_unit":
        if count >= rule.min_count:
            return gap("met", count, rule.min_count, None, f"{unit.name}有{rule.name}{count}个")
        return gap(
            "below",
            count,
            rule.min_count,
            None,
            f"{unit.name}缺{rule.name}{rule.min_count - count}个（现有{count}个）",
        )
    people = population.get(unit.code)
    if not people:
        return gap("no_data", count, None, None, f"{unit.name}缺少常住人口数据，无法按人口核定{rule.name}")
    low, high = required_range(rule, people)
    wan = f"{people / 10000:.0f}万人口"
    if count < low:
        return gap(
            "below",
            count,
            low,
            high,
            f"{unit.name}（{wan}）应设{rule.name}{low}-{high}个，现有{count}个，缺{low - count}个",
        )
    if high is not None and count > high:
        return gap("above", count, low, high, f"{unit.name}（{wan}）{rule.name}{count}个，超过上限{high}个")
    return gap("met", count, low, high, f"{unit.name}（{wan}）{rule.name}{count}个，在{low}-{high}个之间")
