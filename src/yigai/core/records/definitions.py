"""Record indicators defined once, as data: which data elements are computed from which records.

``yigai/data/records_indicators.yaml`` (schema ``yigai.record_indicators/1``) lists **measures** — each
one data element of the indicator catalogue, computed from one record dataset as a count, a distinct-person
count, a sum, a sum of date differences or a sum of looked-up weights, over record filters, grouped by an
org-unit column (facility county or residence county) and month or year — and the **indicator set**: the
catalogue indicators whose numerator and denominator elements are all measures. The ratio itself (factor,
unit, direction) is defined once, in the catalogue; an engine (:mod:`yigai.core.records.engines`) only
computes the elements, and province and city values are sums of the counties' numerators and denominators
(the indicator engine's ratio of sums).

>>> d = shipped_definitions()
>>> m = d.measure("REC_DRG_WEIGHT_SUM")
>>> m.dataset, m.by, m.period, m.kind, m.column
('services', 'county', 'month', 'weight', 'drg')
>>> len(d.indicators), d.elements_of("REC_CMI")
(13, ('REC_DRG_WEIGHT_SUM', 'REC_DRG_CASES'))
>>> load_definitions_text('''
... schema: yigai.record_indicators/1
... measures: [{element: REC_DISCHARGES, dataset: services, by: county, date: service_date,
...             value: {count: records}, where: {visit_type: {equals: 出院}}}]
... indicators: []''')
Traceback (most recent call last):
...
yigai.core.records.definitions.DefinitionError: records_indicators.yaml: measures[0] (REC_DISCHARGES): where.visit_type: '出院' is not a value of visit_type; valid: 门诊, 急诊, 住院, 日间手术
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml

from yigai.core.indicators.catalogue import Catalogue, default_catalogue
from yigai.core.indicators.expressions import element_refs
from yigai.core.records.spec import PID, Condition, DatasetSpec, shipped_specs
from yigai.core.records.spec import _fields as spec_fields

SCHEMA = "yigai.record_indicators/1"
FILE = "records_indicators.yaml"
Kind = Literal["count", "persons", "sum", "days", "weight"]
KINDS: tuple[Kind, ...] = ("count", "persons", "sum", "days", "weight")
PeriodKind = Literal["month", "year"]
CONDITIONS = ("equals", "in", "not_empty", "empty", "same_as", "in_table")
TABLES = ("drg_weights",)
FLAG_WORDS = {"是": True, "否": False}


class DefinitionError(ValueError):
    """A record-indicator definition that cannot be used; names the entry and the valid choices."""


@dataclass(frozen=True)
class RecordMeasure:
    """One data element computed from records, per ``by`` org unit and period of ``date``."""

    element: str
    dataset: str
    by: str
    date: str
    period: PeriodKind
    kind: Kind
    column: str = ""  # sum: the amount; weight: the looked-up code; days: the start date
    end: str = ""  # days: the end date
    where: tuple[Condition, ...] = ()

    @property
    def table(self) -> str:
        """The reference table a weight measure looks up (empty otherwise)."""
        return "drg_weights" if self.kind == "weight" else ""


@dataclass(frozen=True)
class Definitions:
    measures: tuple[RecordMeasure, ...]
    indicators: tuple[str, ...]
    catalogue: Catalogue

    def measure(self, element: str) -> RecordMeasure:
        return next(m for m in self.measures if m.element == element)

    def elements_of(self, indicator: str) -> tuple[str, ...]:
        ind = self.catalogue.indicator(indicator)
        refs = element_refs(ind.numerator_expr) | element_refs(ind.denominator_expr)
        order = {m.element: i for i, m in enumerate(self.measures)}
        return tuple(sorted((c for c, _ in refs if c in order), key=order.__getitem__))

    def foreign_elements(self, indicator: str) -> tuple[str, ...]:
        """Elements an indicator reads that records do not give (population: reported aggregates)."""
        ind = self.catalogue.indicator(indicator)
        refs = element_refs(ind.numerator_expr) | element_refs(ind.denominator_expr)
        mine = {m.element for m in self.measures}
        return tuple(sorted(c for c, _ in refs if c not in mine))

    def for_indicators(self, codes: tuple[str, ...] | list[str]) -> tuple[RecordMeasure, ...]:
        wanted = {e for code in codes for e in self.elements_of(code)}
        return tuple(m for m in self.measures if m.element in wanted)


def _fail(where: str, message: str) -> DefinitionError:
    return DefinitionError(f"{FILE}: {where}: {message}")


def _fields(entry: Any, allowed: tuple[str, ...], where: str) -> Mapping[str, Any]:
    return spec_fields(entry, allowed, where, _fail)


def _one_of(value: Any, valid: tuple[str, ...] | list[str], what: str, where: str) -> str:
    if value not in valid:
        raise _fail(where, f"unknown {what} {value!r}; valid: {', '.join(valid)}")
    return str(value)


def _condition(column: str, kind: str, arg: Any, spec: DatasetSpec, where: str) -> Condition:
    col = spec.column(column)
    if kind in ("not_empty", "empty"):
        if arg is not True:
            raise _fail(where, f"where.{column}.{kind}: write '{kind}: true'")
        return Condition(column, kind)
    if kind == "same_as":
        _one_of(arg, [c.key for c in spec.kept], "column", f"{where} where.{column}.same_as")
        return Condition(column, kind, (str(arg),))
    if kind == "in_table":
        return Condition(column, kind, (_one_of(arg, TABLES, "table", where),))
    values = (
        [str(v) for v in (arg if kind == "in" else [arg])]
        if kind == "in" or not isinstance(arg, list)
        else []
    )
    if kind == "in" and not isinstance(arg, list):
        raise _fail(where, f"where.{column}.in: write a list, e.g. in: [门诊, 急诊]")
    valid = list(FLAG_WORDS) if col.role == "flag" else list(col.values)
    for v in values:
        if valid and v not in valid:
            raise _fail(where, f"where.{column}: {v!r} is not a value of {column}; valid: {', '.join(valid)}")
    return Condition(column, kind, tuple(values))


def _measure(entry: Any, specs: Mapping[str, DatasetSpec], catalogue: Catalogue, where: str) -> RecordMeasure:
    e = _fields(entry, ("element", "dataset", "by", "date", "period", "value", "where"), where)
    element = str(e.get("element", ""))
    where = f"{where} ({element})"
    if element not in catalogue.data_elements:
        raise _fail(where, "element must be a data element of the indicator catalogue")
    dataset = _one_of(e.get("dataset"), sorted(specs), "dataset", where)
    spec = specs[dataset]
    kept = {c.key: c for c in spec.kept}

    def of_role(*roles: str) -> list[str]:
        return sorted(k for k, c in kept.items() if c.role in roles)

    by = _one_of(e.get("by"), of_role("org_unit"), "by column", where)
    date = _one_of(e.get("date"), of_role("date"), "date column", where)
    period = _one_of(e.get("period", "month"), ("month", "year"), "period", where)
    if catalogue.element(element).period_type != period:
        raise _fail(where, f"period {period} differs from the catalogue's period_type")
    value = _fields(e.get("value"), KINDS, f"{where} value")
    if len(value) != 1:
        raise _fail(where, f"value: one of {', '.join(KINDS)}")
    kind, arg = next(iter(value.items()))
    column = end = ""
    if kind == "count" and arg != "records":
        raise _fail(where, "value: write {count: records}")
    if kind == "persons" and arg is not True:
        raise _fail(where, "value: write {persons: true}")
    if kind == "sum":
        column = _one_of(arg, of_role("number"), "sum column", where)
    if kind == "weight":
        column = _one_of(
            arg, [k for k, c in kept.items() if c.lookup == "drg_weights"], "weight column", where
        )
    if kind == "days":
        if not isinstance(arg, list) or len(arg) != 2:
            raise _fail(where, "value: write {days: [start date column, end date column]}")
        column, end = (_one_of(a, of_role("date"), "date column", where) for a in arg)
    conditions: list[Condition] = []
    for col, test in (e.get("where") or {}).items():
        _one_of(col, sorted(kept), "where column", where)
        for ckind, carg in _fields(test, CONDITIONS, f"{where} where.{col}").items():
            conditions.append(_condition(str(col), ckind, carg, spec, where))
    return RecordMeasure(element, dataset, by, date, period, kind, column, end, tuple(conditions))  # type: ignore[arg-type]  # checked by _one_of


def load_definitions_text(
    text: str, *, specs: Mapping[str, DatasetSpec] | None = None, catalogue: Catalogue | None = None
) -> Definitions:
    """Validate the YAML into :class:`Definitions`; raises :class:`DefinitionError` naming the entry."""
    specs = shipped_specs() if specs is None else specs
    catalogue = default_catalogue() if catalogue is None else catalogue
    doc = _fields(yaml.safe_load(text), ("schema", "measures", "indicators"), "top level")
    if doc.get("schema") != SCHEMA:
        raise _fail("schema", f"must be {SCHEMA}")
    measures = tuple(
        _measure(m, specs, catalogue, f"measures[{i}]") for i, m in enumerate(doc.get("measures") or ())
    )
    elements = [m.element for m in measures]
    if len(set(elements)) != len(elements):
        raise _fail("measures", "each element once")
    indicators = tuple(str(c) for c in doc.get("indicators") or ())
    out = Definitions(measures, indicators, catalogue)
    for code in indicators:
        if code not in catalogue.indicators:
            raise _fail("indicators", f"{code!r} is not an indicator of the catalogue")
        if not out.elements_of(code):
            raise _fail("indicators", f"{code}: none of its data elements is a measure")
    return out


@cache
def shipped_definitions() -> Definitions:
    """The shipped record indicator set."""
    return load_definitions_text(files("yigai.data").joinpath(FILE).read_text(encoding="utf-8"))


__all__ = [
    "PID",
    "DefinitionError",
    "Definitions",
    "RecordMeasure",
    "load_definitions_text",
    "shipped_definitions",
]
