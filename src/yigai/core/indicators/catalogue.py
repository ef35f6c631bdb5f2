"""The indicator catalogue: data elements and indicators, loaded from YAML and validated into typed objects.

Rules are data (CONVENTIONS §6): the shipped catalogue lives in ``yigai/data/indicators.yaml`` (schema
``yigai.indicators/1``). Every field is checked once, here; an unknown field or an unknown kind is refused
with the list of valid ones, so an analyst editing the YAML knows what to write:

>>> load_catalogue_text('''
... schema: yigai.indicators/1
... data_elements:
...   - {code: BEDS, name: 床位数, value_type: integer, aggregation: stock}
... indicators: []''')
Traceback (most recent call last):
...
yigai.core.indicators.catalogue.CatalogueError: indicators.yaml: data_elements[0] (BEDS): unknown aggregation 'stock'; valid: average, last, sum

>>> cat = default_catalogue()
>>> bpt = cat.indicator("BEDS_PER_1000")
>>> bpt.name, bpt.factor, bpt.unit, bpt.direction
('每千人口医疗卫生机构床位数', 1000, '张', 'higher')
>>> cat.element("BEDS").aggregation, cat.element("DISCHARGES").aggregation
('last', 'sum')
>>> cat.indicator("FD_COVERAGE").bounds, bpt.bounds  # a percentage stays within 0–100, a rate is not negative
((0.0, 100.0), (0.0, None))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml

from yigai.core.indicators.expressions import (
    Expr,
    ExpressionError,
    dependency_order,
    element_refs,
    indicator_refs,
    is_code,
    parse,
)
from yigai.core.indicators.periods import PERIOD_TYPES, PeriodType

SCHEMA = "yigai.indicators/1"
ValueType = Literal["integer", "number", "percentage"]
Aggregation = Literal["sum", "last", "average"]
OrgAggregation = Literal["sum", "none"]
Direction = Literal["higher", "lower", "monitor"]

VALUE_TYPES: tuple[ValueType, ...] = ("integer", "number", "percentage")
AGGREGATIONS: tuple[Aggregation, ...] = ("sum", "last", "average")
ORG_AGGREGATIONS: tuple[OrgAggregation, ...] = ("sum", "none")
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower", "monitor")
FACTORS = (1, 100, 1000, 10000, 100000)

_T = TypeVar("_T")
Bounds = tuple[float | None, float | None]  # (lowest, highest) value an indicator can take; None = open


class CatalogueError(ValueError):
    """The catalogue is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Option:
    """One category option of a disaggregation (公立 / 民营 …)."""

    code: str
    name: str


@dataclass(frozen=True)
class DataElement:
    """A reported quantity.

    ``aggregation`` is over time: ``sum`` for flows (discharges, deaths), ``last`` for stocks (beds,
    population: the latest value inside the period), ``average`` for levels averaged over the period.
    ``org_aggregation`` is over the org-unit tree: ``sum`` adds descendants; ``none`` is for values that
    cannot be added (survey rates, grades): only the org unit's own value counts.
    """

    code: str
    name: str
    value_type: ValueType
    aggregation: Aggregation
    period_type: PeriodType = "year"
    org_aggregation: OrgAggregation = "sum"
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    disaggregation: str | None = None
    options: tuple[Option, ...] = ()
    definition: str | None = None
    source: str | None = None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Indicator:
    """``value = numerator × factor ÷ denominator`` (a count has denominator ``1`` and factor 1)."""

    code: str
    name: str
    numerator: str
    denominator: str
    factor: int
    unit: str
    decimals: int
    direction: Direction
    numerator_expr: Expr = field(compare=False, repr=False)
    denominator_expr: Expr = field(compare=False, repr=False)
    aliases: tuple[str, ...] = ()
    per: str | None = None
    definition: str | None = None
    numerator_text: str | None = None
    denominator_text: str | None = None
    source: str | None = None
    standard: str | None = None
    group: str | None = None
    national: bool = False
    bounds: Bounds = (None, None)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def format(self, value: float | None) -> str:
        """Round for display; no data shows as "—".

        >>> default_catalogue().indicator("BEDS_PER_1000").format(7.4567), default_catalogue().indicator("BEDS_PER_1000").format(None)
        ('7.46', '—')
        """
        return "—" if value is None else f"{value:.{self.decimals}f}"


@dataclass(frozen=True)
class Catalogue:
    data_elements: Mapping[str, DataElement]
    indicators: Mapping[str, Indicator]
    order: tuple[str, ...] = ()  # indicator codes, each after those it refers to

    def element(self, code: str) -> DataElement:
        try:
            return self.data_elements[code]
        except KeyError:
            raise KeyError(f"未知数据项 {code!r}（unknown data element）") from None

    def indicator(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise KeyError(f"未知指标 {code!r}（unknown indicator）") from None

    def dependencies(self, code: str) -> set[str]:
        """Indicator codes ``code`` refers to, directly or not."""
        seen: set[str] = set()
        todo = [code]
        while todo:
            ind = self.indicator(todo.pop())
            for ref in indicator_refs(ind.numerator_expr) | indicator_refs(ind.denominator_expr):
                if ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
        return seen


# --- validation helpers -------------------------------------------------------------------------


class _Entry:
    """One YAML mapping being read: knows where it is, refuses unknown fields."""

    def __init__(self, where: str, raw: Any, allowed: tuple[str, ...]) -> None:
        if not isinstance(raw, Mapping):
            raise CatalogueError(f"indicators.yaml: {where}: expected a mapping, got {raw!r}")
        self.raw = raw
        code = raw.get("code")
        self.where = f"{where} ({code})" if code else where
        unknown = sorted(set(map(str, raw)) - set(allowed))
        if unknown:
            raise self.error(f"unknown field {unknown[0]!r}; valid: {', '.join(sorted(allowed))}")

    def error(self, message: str) -> CatalogueError:
        return CatalogueError(f"indicators.yaml: {self.where}: {message}")

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.error(f"missing field {key!r}")
            return None
        if isinstance(value, int | float) and key in ("numerator", "denominator"):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key!r} must be a non-empty string, got {value!r}")
        return value.strip()

    def req(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        return value

    def choice(self, key: str, valid: tuple[_T, ...], default: _T | None = None) -> _T:
        value = self.raw.get(key, default)
        if value is None:
            raise self.error(f"missing field {key!r}; valid: {', '.join(map(str, valid))}")
        if value not in valid:
            raise self.error(f"unknown {key} {value!r}; valid: {', '.join(map(str, sorted(valid, key=str)))}")
        return value  # type: ignore[no-any-return]  # membership in `valid` checked just above

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(f"{key!r} must be a list of non-empty strings, got {value!r}")
        return tuple(v.strip() for v in value)

    def code(self) -> str:
        code = self.req("code")
        if not is_code(code):
            raise self.error(f"code {code!r} must be upper-case letters, digits and underscores")
        return code


_DE_FIELDS = (
    "code", "name", "aliases", "value_type", "aggregation", "period_type", "org_aggregation", "unit",
    "disaggregation", "definition", "source",
)  # fmt: skip
_IND_FIELDS = (
    "code", "name", "aliases", "numerator", "denominator", "factor", "unit", "decimals", "direction", "per",
    "definition", "numerator_text", "denominator_text", "source", "standard", "group", "national", "bounds",
)  # fmt: skip


def _options(entry: _Entry) -> tuple[str | None, tuple[Option, ...]]:
    raw = entry.raw.get("disaggregation")
    if raw is None:
        return None, ()
    sub = _Entry(f"{entry.where}.disaggregation", raw, ("name", "options"))
    options = []
    for i, item in enumerate(sub.raw.get("options") or []):
        opt = _Entry(f"{sub.where}.options[{i}]", item, ("code", "name"))
        options.append(Option(opt.code(), opt.req("name")))
    if not options:
        raise sub.error("a disaggregation needs at least one option")
    return sub.req("name"), tuple(options)


def _data_element(i: int, raw: Any) -> DataElement:
    e = _Entry(f"data_elements[{i}]", raw, _DE_FIELDS)
    name, options = _options(e)
    return DataElement(
        code=e.code(), name=e.req("name"), aliases=e.strings("aliases"),
        value_type=e.choice("value_type", VALUE_TYPES),
        aggregation=e.choice("aggregation", AGGREGATIONS),
        period_type=e.choice("period_type", PERIOD_TYPES, "year"),
        org_aggregation=e.choice("org_aggregation", ORG_AGGREGATIONS, "sum"),
        unit=e.text("unit", required=False), disaggregation=name, options=options,
        definition=e.text("definition", required=False), source=e.text("source", required=False),
    )  # fmt: skip


def _expression(e: _Entry, key: str) -> tuple[str, Expr]:
    text = e.req(key)
    try:
        return text, parse(text)
    except ExpressionError as exc:
        raise e.error(f"{key}: {exc}") from None


def _bounds(where: str, raw: Any) -> Bounds:
    """``[lowest, highest]`` with numbers or null, lowest below highest."""
    ok = isinstance(raw, list) and len(raw) == 2
    ok = ok and all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in raw)
    if not ok or (raw[0] is not None and raw[1] is not None and raw[0] >= raw[1]):
        raise CatalogueError(
            f"indicators.yaml: {where}: bounds must be [lowest, highest] (numbers or null), got {raw!r}"
        )
    return (None if raw[0] is None else float(raw[0]), None if raw[1] is None else float(raw[1]))


def _unit_bounds(spec: Mapping[str, Any]) -> dict[str, Bounds]:
    raw = spec.get("bounds") or {}
    if not isinstance(raw, Mapping):
        raise CatalogueError(
            f"indicators.yaml: bounds: expected a mapping of unit to [lowest, highest], got {raw!r}"
        )
    return {str(unit): _bounds(f"bounds.{unit}", value) for unit, value in raw.items()}


def _indicator(i: int, raw: Any, unit_bounds: Mapping[str, Bounds] | None = None) -> Indicator:
    e = _Entry(f"indicators[{i}]", raw, _IND_FIELDS)
    numerator, num_expr = _expression(e, "numerator")
    denominator, den_expr = _expression(e, "denominator")
    decimals = e.raw.get("decimals", 2)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        raise e.error(f"'decimals' must be an integer 0-6, got {decimals!r}")
    national = e.raw.get("national", False)
    if not isinstance(national, bool):
        raise e.error(f"'national' must be true or false, got {national!r}")
    return Indicator(
        code=e.code(), name=e.req("name"), aliases=e.strings("aliases"),
        numerator=numerator, denominator=denominator, numerator_expr=num_expr, denominator_expr=den_expr,
        factor=e.choice("factor", FACTORS, 1), unit=e.req("unit"), decimals=decimals,
        direction=e.choice("direction", DIRECTIONS), per=e.text("per", required=False),
        definition=e.text("definition", required=False), numerator_text=e.text("numerator_text", required=False),
        denominator_text=e.text("denominator_text", required=False), source=e.text("source", required=False),
        standard=e.text("standard", required=False), group=e.text("group", required=False), national=national,
        bounds=_bounds(e.where, e.raw["bounds"]) if "bounds" in e.raw else
        (unit_bounds or {}).get(e.req("unit"), (unit_bounds or {}).get("default", (None, None))),
    )  # fmt: skip


def _unique(items: list[_T], key: Callable[[_T], str], what: str) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for item in items:
        k = key(item)
        if k in out:
            raise CatalogueError(f"indicators.yaml: duplicate {what} code {k!r}")
        out[k] = item
    return out


def _check_references(elements: Mapping[str, DataElement], indicators: Mapping[str, Indicator]) -> None:
    for ind in indicators.values():
        for part, expr in (("numerator", ind.numerator_expr), ("denominator", ind.denominator_expr)):
            for code, option in sorted(element_refs(expr), key=str):
                where = f"indicators.yaml: indicator {ind.code} {part}"
                if code not in elements:
                    raise CatalogueError(f"{where}: unknown data element {code!r}")
                de = elements[code]
                if option is not None and de.option(option) is None:
                    valid = (
                        ", ".join(o.code for o in de.options) or "(none: the element is not disaggregated)"
                    )
                    raise CatalogueError(f"{where}: {code} has no option {option!r}; valid: {valid}")
            for ref in sorted(indicator_refs(expr)):
                if ref not in indicators:
                    raise CatalogueError(
                        f"indicators.yaml: indicator {ind.code} {part}: unknown indicator {ref!r}"
                    )


def build_catalogue(spec: Any) -> Catalogue:
    """Validate a parsed YAML document into a :class:`Catalogue`."""
    if not isinstance(spec, Mapping):
        raise CatalogueError("indicators.yaml: the document must be a mapping")
    top = _Entry("top level", spec, ("schema", "bounds", "data_elements", "indicators"))
    if spec.get("schema") != SCHEMA:
        raise top.error(f"schema must be {SCHEMA!r}, got {spec.get('schema')!r}")
    elements = _unique([_data_element(i, r) for i, r in enumerate(spec.get("data_elements") or [])],
                       lambda d: d.code, "data element")  # fmt: skip
    unit_bounds = _unit_bounds(spec)
    indicators = _unique([_indicator(i, r, unit_bounds) for i, r in enumerate(spec.get("indicators") or [])],
                         lambda d: d.code, "indicator")  # fmt: skip
    _check_references(elements, indicators)
    deps = {
        code: indicator_refs(i.numerator_expr) | indicator_refs(i.denominator_expr)
        for code, i in indicators.items()
    }
    order = dependency_order(deps)  # raises CycleError
    return Catalogue(elements, indicators, tuple(order))


def load_catalogue_text(text: str) -> Catalogue:
    try:
        spec = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # nosec B506 - a safe loader (libyaml's, ~10× faster)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"indicators.yaml: not valid YAML: {exc}") from None
    return build_catalogue(spec)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load a catalogue file, or the shipped one when ``path`` is None."""
    if path is None:
        return load_catalogue_text(
            files("yigai.data").joinpath("indicators.yaml").read_text(encoding="utf-8")
        )
    return load_catalogue_text(Path(path).read_text(encoding="utf-8"))


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once."""
    return load_catalogue()
