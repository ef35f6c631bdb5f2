"""Record measures → SQL, written once (DuckDB dialect) and transpiled by SQLGlot for each engine.

One statement per (dataset, grouping column, date column, period kind): a single scan of the dataset,
one aggregate per measure. Every value column is a standard ``COUNT``/``SUM`` with a ``FILTER (WHERE …)``
clause (SQL:2003; DuckDB and Spark ≥ 3.2 both have it, and DuckDB runs it faster than ``SUM(CASE …)``),
so the same text means the same on both engines:

>>> from yigai.core.records.definitions import shipped_definitions
>>> d = shipped_definitions()
>>> q = compile_measures(d.for_indicators(["REC_CMI"]))[0]
>>> q.elements
('REC_DRG_WEIGHT_SUM', 'REC_DRG_CASES')
>>> print(q.sql)  # doctest: +NORMALIZE_WHITESPACE
SELECT "county" AS org_unit, strftime("service_date", '%Y%m') AS period,
 SUM(w_weight) FILTER (WHERE "visit_type" = '住院' AND "facility_level" IN ('二级', '三级')) AS "REC_DRG_WEIGHT_SUM",
 COUNT(*) FILTER (WHERE "visit_type" = '住院' AND "facility_level" IN ('二级', '三级') AND w_key IS NOT NULL) AS "REC_DRG_CASES"
 FROM services LEFT JOIN drg_weights ON "drg" = w_key
 WHERE "service_date" IS NOT NULL GROUP BY 1, 2
>>> print(dialect(q.sql, "spark").split(" FROM ")[0][:72])
SELECT `county` AS org_unit, DATE_FORMAT(`service_date`, 'yyyyMM') AS pe
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import sqlglot

from yigai.core.records.definitions import RecordMeasure
from yigai.core.records.engines import Query
from yigai.core.records.spec import PID, Condition

PERIOD_FORMAT = {"month": "%Y%m", "year": "%Y"}


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _condition(c: Condition, flags: frozenset[str]) -> str:
    col = _q(c.column)
    if c.kind == "equals" and c.column in flags:
        return f"{col} = {'TRUE' if c.values[0] == '是' else 'FALSE'}"
    if c.kind == "equals":
        return f"{col} = {_lit(c.values[0])}"
    if c.kind == "in":
        return f"{col} IN ({', '.join(_lit(v) for v in c.values)})"
    if c.kind == "not_empty":
        return f"{col} IS NOT NULL"
    if c.kind == "empty":
        return f"{col} IS NULL"
    if c.kind == "in_table":
        return "w_key IS NOT NULL"
    return f"{col} = {_q(c.values[0])}"  # same_as


def _value(m: RecordMeasure, flags: frozenset[str]) -> str:
    where = " AND ".join(_condition(c, flags) for c in m.where)
    only = f" FILTER (WHERE {where})" if where else ""
    if m.kind == "count":
        return f"COUNT(*){only}"
    if m.kind == "persons":
        return f"COUNT(DISTINCT {PID}){only}"
    if m.kind == "sum":
        return f"SUM({_q(m.column)}){only}"
    if m.kind == "days":
        return f"SUM(date_diff('day', {_q(m.column)}, {_q(m.end)})){only}"
    return f"SUM(w_weight){only}"  # weight: rows whose code is not in the table add nothing


def _lookup_column(measures: Sequence[RecordMeasure]) -> str:
    columns = {m.column for m in measures if m.kind == "weight"}
    columns |= {c.column for m in measures for c in m.where if c.kind == "in_table"}
    if len(columns) > 1:
        raise ValueError(f"one lookup column per dataset, not {sorted(columns)}")
    return next(iter(columns), "")


def compile_measures(
    measures: Sequence[RecordMeasure], *, flags: frozenset[str] = frozenset(),
    start: dt.date | None = None, end: dt.date | None = None,
) -> list[Query]:  # fmt: skip
    """One :class:`Query` per (dataset, by, date, period), reading table ``<dataset>`` (the zone's
    columns) and ``drg_weights(w_key, w_weight)``; ``flags`` names the 是/否 (BOOLEAN) columns; rows with
    ``start <= date < end`` only, when given."""
    groups: dict[tuple[str, str, str, str], list[RecordMeasure]] = defaultdict(list)
    for m in measures:
        groups[(m.dataset, m.by, m.date, m.period)].append(m)
    queries = []
    for (dataset, by, date, period), group in groups.items():
        values = ", ".join(f"{_value(m, flags)} AS {_q(m.element)}" for m in group)
        lookup = _lookup_column(group)
        join = f" LEFT JOIN drg_weights ON {_q(lookup)} = w_key" if lookup else ""
        where = [f"{_q(date)} IS NOT NULL"]
        if start is not None:
            where.append(f"{_q(date)} >= DATE '{start.isoformat()}'")
        if end is not None:
            where.append(f"{_q(date)} < DATE '{end.isoformat()}'")
        sql = (
            f"SELECT {_q(by)} AS org_unit, strftime({_q(date)}, {_lit(PERIOD_FORMAT[period])}) AS period, "
            f"{values} FROM {dataset}{join} WHERE {' AND '.join(where)} GROUP BY 1, 2"  # nosec B608  # identifiers from validated specs, quoted
        )
        queries.append(Query(dataset, sql, tuple(m.element for m in group)))
    return queries


@lru_cache(maxsize=256)
def dialect(sql: str, engine: str) -> str:
    """The statement in an engine's dialect (``duckdb`` or ``spark``), by SQLGlot."""
    return str(sqlglot.transpile(sql, read="duckdb", write=engine)[0])
