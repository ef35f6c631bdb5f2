"""Compute indicator values over an org-unit tree and periods, from plain rows.

Three rules, in this order, for every data element an indicator reads:

1. **Time.** Values inside the requested period are rolled up by the element's aggregation: ``sum`` for
   flows, ``last`` (the latest period inside) for stocks such as beds and population, ``average``.
   If an org unit reported the same element at several period types inside the period (a year figure and
   monthly figures), the coarsest wins, so nothing is counted twice.
2. **Tree.** Each org unit's value is the sum over itself and all its descendants (``org_aggregation:
   none`` elements use the unit's own value only). Indicators are then **ratio of sums**: numerator and
   denominator are summed first and divided once — never an average of the children's ratios.
3. **No data.** A missing element or a zero denominator gives ``None``, never a crash or a fake zero.

>>> from yigai.core.indicators.catalogue import default_catalogue
>>> rows = [DataValue("A", "BEDS", "2023", 60), DataValue("A", "POP_RESIDENT", "2023", 10_000),
...         DataValue("B", "BEDS", "2023", 10), DataValue("B", "POP_RESIDENT", "2023", 40_000)]
>>> parents = {"P": None, "A": "P", "B": "P"}
>>> [(r.org_unit, r.value) for r in compute(default_catalogue(), rows, parents, ["2023"], indicators=["BEDS_PER_1000"])]
[('A', 6.0), ('B', 0.25), ('P', 1.4)]

The province is (60+10)/(10 000+40 000)×1000 = 1.4, not the mean of 6.0 and 0.25.
:func:`compute_sql` emits one DuckDB statement with the same semantics for the bulk path.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from yigai.core.indicators.catalogue import Catalogue, DataElement, Indicator
from yigai.core.indicators.completeness import (
    COMPLETENESS_COLUMNS,
    COMPLETENESS_JOINS,
    Completeness,
    Reports,
    completeness_ctes,
    completeness_sql,
    indicator_elements,
)
from yigai.core.indicators.expressions import ElementRef, element_refs, evaluate, to_sql
from yigai.core.indicators.periods import Period, parse_period


class ComputeError(ValueError):
    """Input that cannot be computed (unknown org unit, duplicate value, a loop in the tree)."""


@dataclass(frozen=True)
class DataValue:
    """One reported number: org unit code (adcode or facility code), data element, period, option."""

    org_unit: str
    data_element: str
    period: str
    value: float
    disaggregation: str | None = None


@dataclass(frozen=True)
class IndicatorValue:
    """One computed cell; ``value`` is None when there is no data (or the denominator is 0).

    ``expected`` is how many reporters (the leaves of the tree under the org unit) should stand behind the
    value and ``reported`` how many do (see :mod:`yigai.core.indicators.completeness`): a province value
    with ``reported=1, expected=167`` is one county's number, not the province's.
    """

    indicator: str
    org_unit: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    reported: int
    expected: int

    @property
    def completeness(self) -> float:
        """Share of the expected reporters that reported, 0–1 (1 when nothing is expected)."""
        return self.reported / self.expected if self.expected else 1.0

    def is_final(self, threshold: float = 1.0) -> bool:
        """A value to govern by: present and reported by at least ``threshold`` of its reporters.

        >>> IndicatorValue("X", "P", "2025", 3.3, 2300, 690_000, reported=1, expected=167).is_final()
        False
        >>> IndicatorValue("X", "P", "2024", 3.6, 1, 1, reported=160, expected=167).is_final(0.95)
        True
        """
        return self.value is not None and self.completeness >= threshold - 1e-12


_ElementKey = tuple[str, str | None]  # (data element, option or None for the total)


def ancestors_map(parents: Mapping[str, str | None]) -> dict[str, tuple[str, ...]]:
    """Each org unit with itself and its ancestors, nearest first; refuses loops and dangling parents.

    >>> ancestors_map({"P": None, "C": "P", "X": "C"})["X"]
    ('X', 'C', 'P')
    """
    out: dict[str, tuple[str, ...]] = {}
    for org in parents:
        chain = [org]
        parent = parents[org]
        while parent is not None:
            if parent in chain:
                raise ComputeError(
                    f"机构树存在循环（loop in the org-unit tree）: {' → '.join([*chain, parent])}"
                )
            if parent not in parents:
                raise ComputeError(
                    f"上级机构 {parent!r} 不在机构树中（parent of {chain[-1]!r} is not in the tree）"
                )
            chain.append(parent)
            parent = parents[parent]
        out[org] = tuple(chain)
    return out


def needed_indicators(catalogue: Catalogue, codes: Iterable[str] | None) -> list[Indicator]:
    """The requested indicators plus those they refer to, in dependency order."""
    if codes is None:
        wanted = set(catalogue.indicators)
    else:
        wanted = set()
        for code in codes:
            catalogue.indicator(code)
            wanted |= {code, *catalogue.dependencies(code)}
    return [catalogue.indicator(c) for c in catalogue.order if c in wanted]


def _elements_of(indicators: Sequence[Indicator]) -> set[_ElementKey]:
    keys: set[_ElementKey] = set()
    for ind in indicators:
        keys |= element_refs(ind.numerator_expr) | element_refs(ind.denominator_expr)
    return keys


def _roll_time(element: DataElement, points: list[tuple[Period, float]]) -> float:
    coarsest = min(p.rank for p, _ in points)
    kept = sorted((p, v) for p, v in points if p.rank == coarsest)
    if element.aggregation == "sum":
        return sum(v for _, v in kept)
    if element.aggregation == "average":
        return sum(v for _, v in kept) / len(kept)
    return kept[-1][1]


def element_values(
    catalogue: Catalogue,
    values: Iterable[DataValue],
    parents: Mapping[str, str | None],
    periods: Sequence[Period],
    elements: set[str],
) -> dict[tuple[str, str, _ElementKey], float]:
    """``(org unit, period, (element, option)) → value`` after time roll-up and tree aggregation."""
    return _element_table(catalogue, values, ancestors_map(parents), periods, elements)[0]


def _element_table(
    catalogue: Catalogue,
    values: Iterable[DataValue],
    chains: Mapping[str, tuple[str, ...]],
    periods: Sequence[Period],
    elements: set[str],
) -> tuple[dict[tuple[str, str, _ElementKey], float], Reports]:
    """The element table and who reported what: ``(period, element) → org units with a value inside``."""
    buckets: dict[tuple[str, str, str | None, Period], list[tuple[Period, float]]] = defaultdict(list)
    seen: set[tuple[str, str, str | None, str]] = set()
    cache: dict[str, Period] = {}
    inside: dict[Period, list[Period]] = {}  # the target periods containing a value's period, once each
    for row in values:
        if row.data_element not in elements:
            continue
        if row.org_unit not in chains:
            raise ComputeError(f"未知机构 {row.org_unit!r}（org unit not in the tree）")
        period = cache.get(row.period) or cache.setdefault(row.period, parse_period(row.period))
        key = (row.org_unit, row.data_element, row.disaggregation, str(period))
        if key in seen:
            raise ComputeError(f"重复的数据值（duplicate value）: {key}")
        seen.add(key)
        targets = inside.get(period)
        if targets is None:
            targets = inside[period] = [t for t in periods if t.contains(period)]
        for target in targets:
            buckets[(row.org_unit, row.data_element, row.disaggregation, target)].append(
                (period, float(row.value))
            )
    out: dict[tuple[str, str, _ElementKey], float] = defaultdict(float)
    reports: Reports = defaultdict(set)
    for (org, code, option, target), points in buckets.items():
        reports[(str(target), code)].add(org)
        element = catalogue.element(code)
        value = _roll_time(element, points)
        owners = chains[org] if element.org_aggregation == "sum" else (org,)
        for owner in owners:
            out[(owner, str(target), (code, None))] += value
            if option is not None:
                out[(owner, str(target), (code, option))] += value
    return dict(out), reports


def compute(
    catalogue: Catalogue,
    values: Iterable[DataValue],
    parents: Mapping[str, str | None],
    periods: Sequence[str | Period],
    *,
    indicators: Iterable[str] | None = None,
    org_units: Iterable[str] | None = None,
) -> list[IndicatorValue]:
    """Every requested indicator × org unit × period, sorted by indicator, org unit, period.

    ``parents`` maps every org unit to its parent (None at the root). ``org_units`` limits the output
    (default: every unit in the tree); aggregation always uses the whole tree below each unit.
    """
    requested = None if indicators is None else list(indicators)
    targets = sorted({parse_period(p) for p in periods})
    chosen = needed_indicators(catalogue, requested)
    elements = {code for code, _ in _elements_of(chosen)}
    chains = ancestors_map(parents)
    table, reports = _element_table(catalogue, values, chains, targets, elements)
    counts = Completeness(catalogue, chains, reports)
    wanted = set(requested) if requested is not None else {i.code for i in chosen}
    orgs = sorted(org_units) if org_units is not None else sorted(parents)
    out: list[IndicatorValue] = []
    for org in orgs:
        if org not in parents:
            raise ComputeError(f"未知机构 {org!r}（org unit not in the tree）")
        for target in targets:
            period = str(target)
            done: dict[str, float | None] = {}

            def element(code: str, option: str | None, org: str = org, period: str = period) -> float | None:
                return table.get((org, period, (code, option)))

            for ind in chosen:
                num = evaluate(ind.numerator_expr, element, done.__getitem__)
                den = evaluate(ind.denominator_expr, element, done.__getitem__)
                value = None if num is None or den is None or den == 0 else num * ind.factor / den
                done[ind.code] = value
                if ind.code in wanted:
                    reported, expected = counts.of(ind, org, period, element)
                    out.append(IndicatorValue(ind.code, org, period, value, num, den, reported, expected))
    out.sort(key=lambda r: (r.indicator, r.org_unit, parse_period(r.period)))
    return out


# --- the bulk path: one DuckDB statement -----------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    if not all(part.isidentifier() for part in name.split(".")):
        raise ValueError(f"not a plain SQL table name: {name!r}")
    return name


def _column(ref: ElementRef) -> str:
    return f'"e_{ref.code}"' if ref.option is None else f'"e_{ref.code}.{ref.option}"'


def _value_sql(ind: Indicator, catalogue: Catalogue) -> tuple[str, str, str]:
    """(numerator, denominator, value) SQL for one indicator, with I{…} references inlined."""

    def indicator(code: str) -> str:
        return _value_sql(catalogue.indicator(code), catalogue)[2]

    num = to_sql(ind.numerator_expr, _column, indicator)
    den = to_sql(ind.denominator_expr, _column, indicator)
    return num, den, f"({num} * {ind.factor}.0 / NULLIF({den}, 0))"


_RANK_SQL = "CASE WHEN length(source) = 4 THEN 0 WHEN substr(source, 5, 1) = 'Q' THEN 1 ELSE 2 END"
_CONTAINING_SQL: dict[str, str] = {
    "year": "left(source, 4)",
    "quarter": (
        "CASE WHEN length(source) = 4 THEN NULL WHEN substr(source, 5, 1) = 'Q' THEN source "
        "ELSE left(source, 4) || 'Q' || CAST((CAST(substr(source, 5, 2) AS INTEGER) + 2) // 3 AS VARCHAR) END"
    ),
    "month": "CASE WHEN length(source) = 6 AND substr(source, 5, 1) <> 'Q' THEN source END",
}


def _in_list(items: Iterable[str]) -> str:
    return ", ".join(_literal(i) for i in items)


def _target_sql(targets: Sequence[Period]) -> tuple[str, str]:
    """(SELECT item giving each value row its requested period(s), pre-filter on the raw period column).

    Canonical period strings need no parsing: the year containing ``202303`` is ``left(…, 4)``, and so on.
    With one period type requested each row has one target; with several the row is repeated by
    ``unnest``. The range filter (years from the first to the last target) lets the scan skip early.
    """
    kinds = [k for k in ("year", "quarter", "month") if any(t.type == k for t in targets)]
    exprs = [_CONTAINING_SQL[k] for k in kinds]
    target = exprs[0] if len(exprs) == 1 else f"unnest([{', '.join(exprs)}])"
    first, last = min(t.year for t in targets), max(t.year for t in targets)
    return f"{target} AS period", f"source >= '{first}' AND source < '{last + 1}'"


def compute_sql(
    indicators: Iterable[str | Indicator] | None,
    periods: Sequence[str | Period],
    *,
    catalogue: Catalogue,
    values_table: str = "data_values",
    org_units_table: str = "org_units",
) -> str:
    """One DuckDB statement equivalent to :func:`compute` (same rows, same ``None``\\ s).

    Reads ``values_table(org_unit, data_element, disaggregation, period, value)`` with canonical period
    strings (``2023``, ``2023Q1``, ``202301``) and ``org_units_table(code, parent)``; returns columns
    ``indicator, org_unit, period, value, numerator, denominator, reported, expected``.

    Built for 10⁸ rows (``bench/indicators.py``): the only per-row work is one scan with cheap string
    functions and one hash aggregation; everything after works on one row per org unit, element and
    period. The element columns are made by DuckDB's ``PIVOT`` (a list-based operator, far cheaper than
    one ``FILTER`` aggregate per column) and summed up the tree once per org unit and period.

    >>> sql = compute_sql(["BEDS_PER_1000"], ["2023"], catalogue=__import__("yigai.core.indicators.catalogue", fromlist=["x"]).default_catalogue())
    >>> "WITH RECURSIVE" in sql and '"e_BEDS"' in sql
    True
    """
    codes = None if indicators is None else [i.code if isinstance(i, Indicator) else i for i in indicators]
    chosen = needed_indicators(catalogue, codes)
    wanted = set(codes) if codes is not None else {i.code for i in chosen}
    # Constant-only indicators read no element; a placeholder column keeps the statement's shape.
    refs = sorted(_elements_of(chosen), key=lambda r: (r[0], r[1] or "")) or [("", None)]
    codes_used = sorted({code for code, _ in refs})
    targets = sorted({parse_period(p) for p in periods})
    groups = sorted(
        {summed for ind in chosen if ind.code in wanted if (summed := indicator_elements(catalogue, ind)[0])},
        key=sorted,
    )
    selects = []
    for ind in chosen:
        if ind.code not in wanted:
            continue
        num, den, value = _value_sql(ind, catalogue)
        group, own = completeness_sql(catalogue, ind, groups, lambda r: _column(ElementRef(*r)))
        selects.append(
            f"SELECT {_literal(ind.code)} AS indicator, org_unit, period, {value} AS value, "
            f"{num} AS numerator, {den} AS denominator, {group} AS g, {own} AS own, t_start, t_rank FROM base"
        )
    empty = "SELECT NULL AS indicator, NULL AS org_unit, NULL AS period, NULL AS value, NULL AS numerator, NULL AS denominator, NULL AS g, NULL AS own, NULL AS t_start, NULL AS t_rank WHERE false"
    if not targets:
        return (
            "SELECT indicator, org_unit, period, value, numerator, denominator, own AS reported, own AS expected "
            f"FROM ({empty})"
        )
    target_rows = ", ".join(f"({_literal(str(p))}, {p.start_month}, {p.rank})" for p in targets)
    columns = [_column(ElementRef(code, option)) for code, option in refs]
    keys = [code if option is None else f"{code}.{option}" for code, option in refs]
    options = [k for k in keys if "." in k]
    element_rows = ", ".join(
        f"({_literal(c)}, {_literal(catalogue.element(c).aggregation if c else 'sum')})" for c in codes_used
    )
    target_item, prefilter = _target_sql(targets)
    # A filter on 10⁸ rows costs as much as a join; worth it only when most elements are not needed.
    if len(codes_used) * 2 < len(catalogue.data_elements):
        prefilter += f" AND data_element IN ({_in_list(codes_used)})"
    own_only = {c for c in codes_used if c and catalogue.element(c).org_aggregation == "none"}
    option_rows = (
        f"UNION ALL SELECT org_unit, period, data_element || '.' || disaggregation, value FROM timed "
        f"WHERE data_element || '.' || disaggregation IN ({_in_list(options)})"
        if options
        else ""
    )
    tree_sums = ",\n    ".join(
        f"sum({col}) FILTER (WHERE c.ancestor = c.descendant) AS {col}"
        if ref[0] in own_only
        else f"sum({col}) AS {col}"
        for ref, col in zip(refs, columns, strict=True)
    )
    pivot_names = ", ".join(f"{_literal(k)} AS {col}" for k, col in zip(keys, columns, strict=True))
    return f"""WITH RECURSIVE
targets(period, t_start, t_rank) AS (VALUES {target_rows}),
elements(data_element, aggregation) AS (VALUES {element_rows}),
orgs AS (SELECT CAST(code AS VARCHAR) AS org_unit, CAST(parent AS VARCHAR) AS parent FROM {_identifier(org_units_table)}),
closure(ancestor, descendant) AS MATERIALIZED (
  SELECT org_unit, org_unit FROM orgs
  UNION ALL
  SELECT o.parent, c.descendant FROM closure c JOIN orgs o ON o.org_unit = c.ancestor WHERE o.parent IS NOT NULL
),
ranked AS (  -- rule 1, per period type: sum, mean and latest (canonical strings sort in time within a type)
  SELECT org_unit, data_element, disaggregation, period, type_rank,
    sum(value) AS total, avg(value) AS mean, arg_max(value, source) AS latest
  FROM (
    SELECT org_unit, data_element, disaggregation, value, source, {_RANK_SQL} AS type_rank, {target_item}
    FROM (
      SELECT CAST(v.org_unit AS VARCHAR) AS org_unit, CAST(v.data_element AS VARCHAR) AS data_element,
        CAST(v.disaggregation AS VARCHAR) AS disaggregation, CAST(v.value AS DOUBLE) AS value,
        CAST(v.period AS VARCHAR) AS source
      FROM {_identifier(values_table)} v
    )
    WHERE {prefilter}
  )
  GROUP BY org_unit, data_element, disaggregation, period, type_rank
),
timed AS MATERIALIZED (  -- the element's aggregation over time; the coarsest period type reported wins
  SELECT r.org_unit, r.data_element, r.disaggregation, r.period,
    arg_min(CASE e.aggregation WHEN 'sum' THEN r.total WHEN 'average' THEN r.mean ELSE r.latest END, r.type_rank) AS value
  FROM ranked r JOIN elements e ON e.data_element = r.data_element
  WHERE r.period IN ({_in_list(str(t) for t in targets)})
  GROUP BY r.org_unit, r.data_element, r.disaggregation, r.period
),
own AS (  -- one row per org unit and period, one column per element (total) or element.option
  PIVOT (
    SELECT org_unit, period, data_element AS col, value FROM timed
    {option_rows}
  ) ON col IN ({pivot_names}) USING sum(value) GROUP BY org_unit, period
),
rolled AS (  -- rule 2: ratio of sums needs sums — each unit plus its descendants (own value only for 'none')
  SELECT c.ancestor AS org_unit, w.period,
    {tree_sums}
  FROM own w JOIN closure c ON c.descendant = w.org_unit
  GROUP BY c.ancestor, w.period
),
base AS (
  SELECT g.org_unit, g.period, g.t_start, g.t_rank, w.* EXCLUDE (org_unit, period)
  FROM (SELECT o.org_unit, t.period, t.t_start, t.t_rank FROM orgs o CROSS JOIN targets t) g
  LEFT JOIN rolled w ON w.org_unit = g.org_unit AND w.period = g.period
),
{completeness_ctes(groups, _literal)}
SELECT u.indicator, u.org_unit, u.period, u.value, u.numerator, u.denominator, {COMPLETENESS_COLUMNS} FROM (
{chr(10).join(["UNION ALL " + s if i else s for i, s in enumerate(selects)]) or empty}
) u {COMPLETENESS_JOINS}
ORDER BY u.indicator, u.org_unit, u.t_start, u.t_rank"""


__all__ = [
    "ComputeError",
    "DataValue",
    "IndicatorValue",
    "ancestors_map",
    "compute",
    "compute_sql",
    "element_values",
    "needed_indicators",
]
