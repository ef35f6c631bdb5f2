"""Indicator values for org units × periods from stored data values, by the core engine.

Small requests go through :func:`yigai.core.indicators.compute` in Python; large ones export the needed
rows to an in-memory DuckDB table (Arrow) and run :func:`yigai.core.indicators.compute_sql` — DuckDB
never reads the application database directly. Both give the same rows; "no data" stays ``None``.

Every value carries its completeness (``reported`` of ``expected`` reporters, counted on the org-unit tree
valid at the end of its period). :func:`is_final` says whether a value may be governed by — target status,
projections, the map colour, scorecards and the briefing read final values only; a partial one is shown, if
at all, as 部分上报 n/m (:func:`partial_text`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from yigai.apps.indicators.models import DataValue
from yigai.apps.orgunits.models import OrgUnit, OrgUnitLink
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


Tree = dict[str, str | None]


def completeness_threshold() -> float:
    """The share of reporters a parent's value needs to be final (setting ``INDICATOR_COMPLETENESS_THRESHOLD``,
    environment ``YIGAI_COMPLETENESS_THRESHOLD``; default 1 = every reporter, as for official figures)."""
    raw = getattr(settings, "INDICATOR_COMPLETENESS_THRESHOLD", 1.0)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = math.nan
    if not 0 < value <= 1:
        raise ImproperlyConfigured(
            f"YIGAI_COMPLETENESS_THRESHOLD 应为 0 到 1 之间的比例（如 0.95），当前为 {raw!r}"
        )
    return value


def is_final(row: IndicatorValue) -> bool:
    """A value to govern by: present, and reported by at least the configured share of its reporters."""
    return row.is_final(completeness_threshold())


def final_value(row: IndicatorValue) -> float | None:
    """The value when final, else None (a partial value never feeds a status, a projection or a colour)."""
    return row.value if is_final(row) else None


def partial_text(row: IndicatorValue) -> str:
    """``部分上报 1/167`` for a value that is not final (empty when it is, or when nothing was reported)."""
    if row.value is None or is_final(row):
        return ""
    return _("部分上报 %(reported)s/%(expected)s") % {"reported": row.reported, "expected": row.expected}


def value_record(row: IndicatorValue) -> dict[str, object]:
    """One computed value as the CLI and the API give it: the value, its completeness (reported of
    expected), whether it is final, and the 部分上报 n/m note when it is not."""
    return {
        "indicator": row.indicator, "org_unit": row.org_unit, "period": row.period, "value": row.value,
        "numerator": row.numerator, "denominator": row.denominator, "reported": row.reported,
        "expected": row.expected, "final": is_final(row), "note": partial_text(row),
    }  # fmt: skip


def org_parents(on: dt.date | None = None) -> Tree:
    """Every org unit's parent: today's tree, or the one valid on ``on`` (dated links, after boundary changes)."""
    current: Tree = {code: parent for code, parent in OrgUnit.objects.values_list("code", "parent__code")}
    return current if on is None else _tree_on(current, _links(), on)


_Link = tuple[str, str, dt.date | None, dt.date | None]


def _links() -> list[_Link]:
    return list(OrgUnitLink.objects.values_list("child__code", "parent__code", "valid_from", "valid_to"))


def _tree_on(current: Tree, links: list[_Link], on: dt.date) -> Tree:
    dated = {
        child: parent
        for child, parent, start, end in links
        if (start is None or start <= on) and (end is None or end > on)
    }
    return {code: dated.get(code, parent) for code, parent in current.items()}


def _period_end(period: Period) -> dt.date:
    year, month = divmod(period.end_month + 1, 12)  # the first day after the period
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def trees_by_period(periods: Sequence[Period]) -> list[tuple[Tree, list[Period]]]:
    """The periods grouped by the org-unit tree valid at their end (one group unless a boundary changed)."""
    current = org_parents()
    links = _links()
    groups: dict[tuple[tuple[str, str | None], ...], list[Period]] = defaultdict(list)
    trees: dict[tuple[tuple[str, str | None], ...], Tree] = {}
    for period in periods:
        tree = _tree_on(current, links, _period_end(period))
        key = tuple(sorted(tree.items(), key=lambda kv: kv[0]))
        trees.setdefault(key, tree)
        groups[key].append(period)
    return [(trees[key], group) for key, group in groups.items()]


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
    rows = stored_values(elements=_elements(cat, codes), periods=targets)
    use_duckdb = engine == "duckdb" or (engine == "auto" and len(rows) >= DUCKDB_FROM_ROWS)
    wanted = None if org_units is None else set(org_units)
    out: list[IndicatorValue] = []
    for parents, group in trees_by_period(targets):
        if use_duckdb:
            found = _duckdb(cat, rows, parents, group, codes)
            out += found if wanted is None else [r for r in found if r.org_unit in wanted]
        else:
            out += compute(cat, rows, parents, group, indicators=codes, org_units=wanted)
    out.sort(key=lambda r: (r.indicator, r.org_unit, Period.parse(r.period)))
    return out


def yearly_series(
    *, indicator: str, org_units: Iterable[str], years: Iterable[int]
) -> dict[str, list[tuple[int, float | None]]]:
    """``org unit → [(year, final value)]`` for one indicator, as :func:`yigai.core.indicators.assess` wants:
    a partial year is None, so it can neither move a status nor a projection."""
    out: dict[str, list[tuple[int, float | None]]] = {}
    for r in indicator_values(indicators=[indicator], org_units=org_units, periods=[str(y) for y in years]):
        out.setdefault(r.org_unit, []).append((int(r.period), final_value(r)))
    return out
