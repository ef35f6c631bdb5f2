"""Cross-level alignment: does a city plan carry the provincial plan's targets, at least as strongly?

A city plan that implements a provincial plan should restate each provincial target for its own area.
Targets are compared per indicator (already linked to catalogue codes):

* ``weaker`` — the city target asks less than a provincial target that applies to **every city**
  ("每个设区市至少4家互联网医院"); a provincial total ("全省7.5张") binds the province, not each city,
  so a lower city figure there is reported as ``below_province`` for information only;
* ``year_mismatch`` — same indicator, no city target for the provincial year (later years are worse);
* ``unit_mismatch`` — units (or "每千人口" bases) differ, so the numbers cannot be compared;
* ``missing`` — a provincial target with no city target for the indicator at all.

>>> prov = [PlanTarget("P1", "INTERNET_HOSPITALS", "每个设区市", ">=", 4, 2023, "家")]
>>> city = [PlanTarget("C1", "INTERNET_HOSPITALS", "全市", ">=", 2, 2023, "家")]
>>> [(i.kind, i.city_target) for i in check_alignment(prov, city)]
[('weaker', 'C1')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from yigai.core.indicators.catalogue import Direction

IssueKind = Literal["weaker", "below_province", "year_mismatch", "unit_mismatch", "missing"]
Severity = Literal["error", "warning", "info"]
_EACH_CITY = re.compile(r"(每个|各|所有)(设区的?)?市|各地市|市级|每市|各设区市")
_UNIT_SYNONYMS = {"所": "家", "个": "家", "名": "人", "位": "人", "/10万": "1/10万", "每10万": "1/10万"}


@dataclass(frozen=True)
class PlanTarget:
    """A plan target linked to an indicator: who it binds (scope text), comparator, value, year, unit."""

    id: str
    indicator: str
    scope: str | None
    comparator: str
    value: float | None
    year: int | None
    unit: str | None
    value_max: float | None = None
    per: str | None = None


@dataclass(frozen=True)
class AlignmentIssue:
    kind: IssueKind
    severity: Severity
    indicator: str
    provincial_target: str
    city_target: str | None
    message: str


def applies_to_every_city(scope: str | None) -> bool:
    """True for scopes that bind each city separately ("每个设区市", "各市"), not the provincial total.

    >>> applies_to_every_city("每个设区市"), applies_to_every_city("全省"), applies_to_every_city(None)
    (True, False, False)
    """
    return bool(scope and _EACH_CITY.search(scope))


def _unit(target: PlanTarget) -> tuple[str, str]:
    unit = (target.unit or "").strip()
    per = (target.per or "").replace("每", "").strip()
    return _UNIT_SYNONYMS.get(unit, unit), per


def _sign(target: PlanTarget, direction: Direction | None) -> int:
    if target.comparator in (">=", ">", "increase_by"):
        return 1
    if target.comparator in ("<=", "<", "decrease_by"):
        return -1
    return {"higher": 1, "lower": -1}.get(direction or "monitor", 0)


def _bound(target: PlanTarget, sign: int) -> float | None:
    """The figure that must be met: the lower end of a range when higher is better, else the upper."""
    if target.comparator == "range" and sign < 0 and target.value_max is not None:
        return target.value_max
    return target.value


def is_weaker(city: PlanTarget, province: PlanTarget, direction: Direction | None = None) -> bool:
    """True if meeting the city target would not guarantee meeting the provincial one.

    >>> p = PlanTarget("P", "X", None, "<=", 237, 2027, "1/10万")
    >>> is_weaker(PlanTarget("C", "X", None, "<=", 240, 2027, "1/10万"), p)
    True
    """
    sign = _sign(province, direction)
    mine, theirs = _bound(city, sign), _bound(province, sign)
    if sign == 0 or mine is None or theirs is None:
        return False
    if (city.comparator == ">" and province.comparator == ">=") or (
        city.comparator == "<" and province.comparator == "<="
    ):
        return sign * (mine - theirs) < 0 and mine != theirs
    return sign * (mine - theirs) < 0


def _compare(prov: PlanTarget, city: PlanTarget, direction: Direction | None) -> list[AlignmentIssue]:
    def issue(kind: IssueKind, severity: Severity, message: str) -> AlignmentIssue:
        return AlignmentIssue(kind, severity, prov.indicator, prov.id, city.id, message)

    if _unit(prov) != _unit(city):
        return [
            issue(
                "unit_mismatch",
                "error",
                f"单位不一致：省 {prov.unit or ''}{prov.per or ''}，市 {city.unit or ''}{city.per or ''}",
            )
        ]
    if not is_weaker(city, prov, direction):
        return []
    text = f"市目标 {city.comparator}{city.value} 低于省目标 {prov.comparator}{prov.value}"
    if applies_to_every_city(prov.scope):
        return [issue("weaker", "error", text + f"（省目标适用于{prov.scope}）")]
    return [issue("below_province", "info", text + "（省目标为全省总体值，市可低于此值）")]


def check_alignment(
    provincial: Sequence[PlanTarget],
    city: Sequence[PlanTarget],
    *,
    directions: dict[str, Direction] | None = None,
) -> list[AlignmentIssue]:
    """Every issue between a provincial plan's targets and one city's targets, provincial order."""
    issues: list[AlignmentIssue] = []
    directions = directions or {}
    for prov in provincial:
        mine = [c for c in city if c.indicator == prov.indicator]
        if not mine:
            severity: Severity = "error" if applies_to_every_city(prov.scope) else "warning"
            issues.append(AlignmentIssue("missing", severity, prov.indicator, prov.id, None,
                                         f"市级方案未设定该指标目标（省目标 {prov.comparator}{prov.value}，{prov.year}年）"))  # fmt: skip
            continue
        same_year = [c for c in mine if c.year == prov.year]
        if not same_year:
            nearest = min(mine, key=lambda c: (abs((c.year or 0) - (prov.year or 0)), c.id))
            later = (nearest.year or 0) > (prov.year or 0)
            issues.append(AlignmentIssue("year_mismatch", "error" if later else "warning", prov.indicator, prov.id, nearest.id,
                                         f"年份不一致：省 {prov.year}年，市 {nearest.year}年" + ("（市级更晚）" if later else "")))  # fmt: skip
            same_year = [nearest]
        for c in same_year:
            issues.extend(_compare(prov, c, directions.get(prov.indicator)))
    return issues
