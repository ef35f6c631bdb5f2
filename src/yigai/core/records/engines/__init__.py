"""Engines that compute record measures: one engine-neutral plan, compiled once to each engine's SQL.

:mod:`.sql` turns the record measures (:mod:`yigai.core.records.definitions`) into one ``GROUP BY``
statement per dataset, grouping column and period — written once, in DuckDB's dialect, and transpiled by
SQLGlot to the engine's dialect (ADR 0007). :mod:`.duckdb` runs it embedded and out-of-core over the zone's
Parquet files (the default); :mod:`.spark` runs the same SQL on Apache Spark through PySpark (the optional
extra ``yigai[spark]``), locally or on a cluster (``--master``). Both return the same :class:`ElementCell`\\ s;
that they are equal is a test (``tests/core/records/test_golden.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

ENGINES = ("duckdb", "spark")


class EngineError(RuntimeError):
    """The engine cannot run (PySpark missing, Java missing, files unreadable); message in Chinese."""


@dataclass(frozen=True, order=True)
class ElementCell:
    """One data-element value per org unit and period, as an engine computed it."""

    element: str
    org_unit: str
    period: str
    value: float


@dataclass(frozen=True)
class Inputs:
    """What a run reads: the Parquet files of each dataset and the DRG weight table."""

    files: Mapping[str, Sequence[str]]  # dataset → Parquet paths or URLs (hdfs://…, s3a://…)
    weights: Sequence[tuple[str, Decimal]] = ()
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Query:
    """One statement (DuckDB dialect) and the element each value column holds, in order."""

    dataset: str
    sql: str
    elements: tuple[str, ...]


class Engine(Protocol):
    name: str

    def run(self, queries: Sequence[Query], inputs: Inputs) -> list[ElementCell]: ...


def cells_of(query: Query, rows: Sequence[Sequence[Any]]) -> list[ElementCell]:
    """Rows ``(org_unit, period, v1, v2 …)`` → cells; NULLs (nothing to sum) and unknown keys skipped."""
    out = []
    for row in rows:
        org, period, *values = row
        if org is None or period is None:
            continue
        for element, value in zip(query.elements, values, strict=True):
            if value is not None:
                out.append(ElementCell(element, str(org), str(period), float(value)))
    return out


def engine(name: str, *, master: str | None = None, scratch: str | None = None) -> Engine:
    """The engine called ``name`` (``duckdb`` or ``spark``)."""
    if name == "duckdb":
        from yigai.core.records.engines.duckdb import DuckDBEngine

        return DuckDBEngine(scratch=scratch)
    if name == "spark":
        from yigai.core.records.engines.spark import SparkEngine

        return SparkEngine(master=master)
    raise EngineError(f"未知的计算引擎 {name}（可用：{'、'.join(ENGINES)}）")


__all__ = ["ENGINES", "ElementCell", "Engine", "EngineError", "Inputs", "Query", "cells_of", "engine"]
