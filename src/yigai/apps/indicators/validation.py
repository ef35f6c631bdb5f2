"""Resolve and check raw rows: org unit, data element, period, value, option, locks and rules.

Every problem is collected (file, row, column, reason), so one pass tells the analyst everything to fix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yigai.apps.indicators.files import Cell, Problem, RawRow, text
from yigai.apps.indicators.locks import locked
from yigai.apps.indicators.models import DataElement, DataValue
from yigai.apps.indicators.rules import RULES
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators import Period, PeriodError


@dataclass(frozen=True)
class CleanValue:
    where: str
    row: int
    org_unit: OrgUnit
    element: DataElement
    period: Period
    disaggregation: str  # "" = total
    value: float
    value_column: str

    @property
    def key(self) -> tuple[int, int, str, str]:
        return (self.element.pk, self.org_unit.pk, str(self.period), self.disaggregation)


class Resolver:
    """Looks up org units (adcode or unique name) and data elements (code, name or alias)."""

    def __init__(self) -> None:
        self.orgs = {o.code: o for o in OrgUnit.objects.all()}
        self.org_names: dict[str, list[OrgUnit]] = {}
        for o in self.orgs.values():
            self.org_names.setdefault(o.name, []).append(o)
        self.elements: dict[str, DataElement] = {}
        for de in DataElement.objects.all():
            for name in (de.code.lower(), de.name, *de.aliases):
                self.elements.setdefault(name, de)

    def org(self, raw: Any) -> tuple[OrgUnit | None, str | None]:
        value = text(raw)
        if not value:
            return None, _("为空")
        if value in self.orgs:
            return self.orgs[value], None
        matches = self.org_names.get(value, [])
        if len(matches) == 1:
            return matches[0], None
        if matches:
            codes = "、".join(m.code for m in matches)
            return None, _("名称“%(name)s”对应多个行政区划（%(codes)s），请填写代码") % {
                "name": value,
                "codes": codes,
            }
        return None, _("未知的行政区划：%(value)s") % {"value": value}

    def element(self, raw: Any) -> tuple[DataElement | None, str | None]:
        value = text(raw)
        if not value:
            return None, _("为空（请在表头上方写“数据项：名称”，或用 --data-element 指定）")
        found = self.elements.get(value.lower()) or self.elements.get(value)
        return (found, None) if found else (None, _("未知的数据项：%(value)s") % {"value": value})


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(text(raw).replace(",", "").replace("，", ""))
    except ValueError:
        return None


def check_value(element: DataElement, value: float) -> str | None:
    """The reason a value is not acceptable for ``element``, or None."""
    if not math.isfinite(value):
        return _("不是有限数值")
    if element.value_type == "integer" and not float(value).is_integer():
        return _("应为整数：%(value)s") % {"value": value}
    if element.value_type in ("integer", "percentage") and value < 0:
        return _("不能为负数：%(value)s") % {"value": value}
    if element.value_type == "percentage" and value > 100:
        return _("百分比应在0-100之间：%(value)s") % {"value": value}
    if element.min_value is not None and value < element.min_value:
        return _("低于最小值 %(min)s：%(value)s") % {"min": element.min_value, "value": value}
    if element.max_value is not None and value > element.max_value:
        return _("高于最大值 %(max)s：%(value)s") % {"max": element.max_value, "value": value}
    return None


def _option(element: DataElement, cell: Cell | None) -> tuple[str, str | None]:
    raw = text(cell.value) if cell else ""
    if not raw or raw in ("合计", "总计", "total"):
        return "", None
    for opt in element.options:
        if raw in (opt["code"], opt["name"]):
            return opt["code"], None
    if not element.options:
        return "", _("数据项“%(name)s”没有分类，不能填写“%(value)s”") % {"name": element.name, "value": raw}
    valid = "、".join(o["name"] for o in element.options)
    return "", _("未知的分类“%(value)s”（可选：%(valid)s）") % {"value": raw, "valid": valid}


def _clean(row: RawRow, resolver: Resolver) -> tuple[CleanValue | None, list[Problem]]:
    problems = []

    def bad(cell: Cell, reason: str) -> None:
        problems.append(Problem(row.where, row.row, cell.column, reason))

    org, why = resolver.org(row.org_unit.value)
    if why:
        bad(row.org_unit, why)
    element, why = resolver.element(row.data_element.value)
    if why:
        bad(row.data_element, why)
    period = None
    try:
        period = Period.parse(text(row.period.value))
    except PeriodError as exc:
        bad(row.period, str(exc))
    value = _number(row.value.value)
    if value is None:
        bad(row.value, _("不是数值：%(value)s") % {"value": text(row.value.value) or _("（空）")})
    elif element is not None and (why := check_value(element, value)):
        bad(row.value, why)
    option = ""
    if element is not None:
        option, why = _option(element, row.disaggregation)
        if why and row.disaggregation is not None:
            bad(row.disaggregation, why)
    if problems or org is None or element is None or period is None or value is None:
        return None, problems
    return CleanValue(row.where, row.row, org, element, period, option, value, row.value.column), []


def _duplicates(values: list[CleanValue]) -> list[Problem]:
    seen: dict[tuple[int, int, str, str], CleanValue] = {}
    problems = []
    totals = {(v.element.pk, v.org_unit.pk, str(v.period)) for v in values if not v.disaggregation}
    for v in values:
        if v.key in seen:
            first = seen[v.key]
            problems.append(
                Problem(v.where, v.row, v.value_column, _("与第%(row)s行重复") % {"row": first.row})
            )
        seen.setdefault(v.key, v)
        if v.disaggregation and (v.element.pk, v.org_unit.pk, str(v.period)) in totals:
            reason = _("同一期间已填合计，分类值与合计不能同时填写（会重复计算）")
            problems.append(Problem(v.where, v.row, v.value_column, reason))
    return problems


def _locks(values: list[CleanValue]) -> list[Problem]:
    closed = locked({(v.org_unit, str(v.period)) for v in values})
    reason = _("%(org)s %(period)s 的数据已审核锁定，不能修改（请先由审核单位退回）")
    return [
        Problem(v.where, v.row, v.value_column, reason % {"org": v.org_unit.name, "period": v.period})
        for v in values
        if (v.org_unit.pk, str(v.period)) in closed
    ]


def _rules(values: list[CleanValue]) -> list[Problem]:
    codes = {c for r in RULES for c in (r.left, r.right)}
    mine = [v for v in values if v.element.code in codes]
    if not mine:
        return []
    known: dict[tuple[str, int, str, str], float] = {}
    stored = DataValue.objects.filter(
        data_element__code__in=codes, org_unit__in={v.org_unit.pk for v in mine},
        period__in={str(v.period) for v in mine},
    ).values_list("data_element__code", "org_unit_id", "period", "disaggregation", "value")  # fmt: skip
    for code, org, period, option, value in stored:
        known[(code, org, period, option)] = value
    for v in mine:
        known[(v.element.code, v.org_unit.pk, str(v.period), v.disaggregation)] = v.value
    problems = []
    for v in mine:
        for rule in (r for r in RULES if r.left == v.element.code):
            right = known.get((rule.right, v.org_unit.pk, str(v.period), v.disaggregation))
            if right is not None and v.value > right * rule.factor + 1e-9:
                reason = _("%(rule)s（%(left)s > %(right)s）") % {
                    "rule": rule.note,
                    "left": v.value,
                    "right": right,
                }
                problems.append(Problem(v.where, v.row, v.value_column, reason))
    return problems


def validate(
    rows: Iterable[RawRow], resolver: Resolver | None = None, *, within: str | None = None
) -> tuple[list[CleanValue], list[Problem]]:
    """Clean values and every problem found; callers store nothing when problems is non-empty.

    ``within``: an org-unit path; rows for org units outside it are refused (the importer's jurisdiction).
    """
    resolver = resolver or Resolver()
    values: list[CleanValue] = []
    problems: list[Problem] = []
    for row in rows:
        value, found = _clean(row, resolver)
        problems += found
        if value is not None and within is not None and not value.org_unit.path.startswith(within):
            reason = _("无权填报 %(org)s 的数据") % {"org": value.org_unit.name}
            problems.append(Problem(row.where, row.row, row.org_unit.column, reason))
        elif value is not None:
            values.append(value)
    problems += _duplicates(values) + _locks(values) + _rules(values)
    problems.sort(key=lambda p: (p.where, p.row or 0))
    return values, problems
