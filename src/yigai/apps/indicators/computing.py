"""Indicator values for org units × periods from stored data values, by the core engine.

Small requests go through :func:`yigai.core.indicators.compute` in Python; large ones export the needed
rows to an in-memory DuckDB table (Arrow) and run :func:`yigai.core.indicators.compute_sql` — DuckDB
never reads the application database directly. Both give the same rows; "no data" stays ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from yigai.apps.indicators.models import DataValue
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators import (
    Catalogue,
    IndicatorValue,
    Period,
    compute,
    compute_sql,
    default_catalogue,
)
from yigai.core.indicators import DataValue as CoreValue
from yigai.core.indicators.compute import needed_indicators

Engine = Literal["auto", "python", "duckdb"]
DUCKDB_FROM_ROWS = 50_000


def org_parents() -> dict[str, str | None]:
    return {code: parent for code, parent in OrgUnit.objects.values_list("code", "parent__code")}


def stored_values(*, elements: Iterable[str], periods: Sequence[Period]) -> list[CoreValue]:
    """Core rows for the elements, limited to the years the periods cover."""
    years = {p.year for p in periods}
    rows = DataValue.objects.filter(data_element__code__in=set(elements), year__in=years).values_list(
        "org_unit__code", "data_element__code", "period", "value", "disaggregation"
    )
    return [CoreValue(org, de, period, value, option or None) for org, de, period, value, option in rows]


def _elements(catalogue: Catalogue, indicators: list[str] | None) -> set[str]:
    from yigai.core.indicators.expressions import element_refs

    out: set[str] = set()
    for ind in needed_indicators(catalogue, indicators):
        out |= {c for c, _ in element_refs(ind.numerator_expr) | element_refs(ind.denominator_expr)}
    return out


def _duckdb(
    catalogue: Catalogue, rows: list[CoreValue], parents: dict[str, str | None], periods: Sequence[Period],
    indicators: list[str] | None,
) -> list[IndicatorValue]:  # fmt: skip
    import duckdb
    import pyarrow as pa

    values = pa.table({
        "org_unit": [r.org_unit for r in rows], "data_element": [r.data_element for r in rows],
        "disaggregation": pa.array([r.disaggregation for r in rows], pa.string()),
        "period": [r.period for r in rows], "value": pa.array([r.value for r in rows], pa.float64()),
    })  # fmt: skip
    orgs = pa.table({"code": list(parents), "parent": pa.array(list(parents.values()), pa.string())})
    con = duckdb.connect(":memory:")
    try:
        con.register("data_values", values)
        con.register("org_units", orgs)
        sql = compute_sql(indicators, list(periods), catalogue=catalogue)
        result = con.execute(sql).fetchall()
    finally:
        con.close()
    return [IndicatorValue(*r) for r in result]


def indicator_values(
    *, indicators: Iterable[str] | None = None, org_units: Iterable[str] | None = None,
    periods: Iterable[str | Period], engine: Engine = "auto", catalogue: Catalogue | None = None,
) -> list[IndicatorValue]:  # fmt: skip
    """Every indicator × org unit × period asked for (org units default to the whole tree)."""
    cat = catalogue or default_catalogue()
    codes = None if indicators is None else list(indicators)
    targets = sorted({Period.parse(str(p)) if not isinstance(p, Period) else p for p in periods})
    parents = org_parents()
    rows = stored_values(elements=_elements(cat, codes), periods=targets)
    use_duckdb = engine == "duckdb" or (engine == "auto" and len(rows) >= DUCKDB_FROM_ROWS)
    wanted = None if org_units is None else set(org_units)
    if use_duckdb:
        out = _duckdb(cat, rows, parents, targets, codes)
        return out if wanted is None else [r for r in out if r.org_unit in wanted]
    return compute(cat, rows, parents, targets, indicators=codes, org_units=wanted)


def yearly_series(
    *, indicator: str, org_units: Iterable[str], years: Iterable[int]
) -> dict[str, list[tuple[int, float | None]]]:
    """``org unit → [(year, value)]`` for one indicator, as :func:`yigai.core.indicators.assess` wants."""
    out: dict[str, list[tuple[int, float | None]]] = {}
    for r in indicator_values(indicators=[indicator], org_units=org_units, periods=[str(y) for y in years]):
        out.setdefault(r.org_unit, []).append((int(r.period), r.value))
    return out
