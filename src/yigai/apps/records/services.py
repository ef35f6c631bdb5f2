"""``records_compute``: the records → indicators step, one use case for the CLI, the page and jobs.

The engine computes data-element values from the zone (:mod:`yigai.core.records.computation`); this
service adds what only the application knows — the org-unit tree, reported values records do not give
(resident population), storing the element values as ordinary data values (``--store``: target status,
maps and briefings then use them like any other value), the provenance row and the audit event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.indicators.computing import org_parents, stored_values
from yigai.apps.indicators.models import ImportBatch
from yigai.apps.indicators.services import ValuesRejected, values_import
from yigai.apps.records.models import RecordRun
from yigai.core.indicators.compute import DataValue, IndicatorValue
from yigai.core.indicators.periods import parse_period
from yigai.core.permissions import Perm, may
from yigai.core.records.computation import ElementRun, compute_elements, indicator_rows
from yigai.core.records.definitions import Definitions, shipped_definitions


class RecordsComputeError(RuntimeError):
    """The computation did not run or its values could not be stored (message in Chinese)."""


@dataclass(frozen=True)
class RecordsComputed:
    rows: list[IndicatorValue]
    run: RecordRun
    elements: ElementRun


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def may_compute(user: User | None) -> bool:
    """Record data covers the whole province: a province-level user who may approve values (or the
    command line, ``user=None``)."""
    if user is None:
        return True
    top = user.org_unit is None or user.org_unit.parent_id is None
    return may(user, Perm.APPROVE_VALUES) and top


def _reported(definitions: Definitions, codes: tuple[str, ...], periods: set[str]) -> list[DataValue]:
    foreign = {e for c in codes for e in definitions.foreign_elements(c)}
    if not foreign or not periods:
        return []
    return stored_values(elements=foreign, periods=sorted({parse_period(p) for p in periods}))


def records_compute(
    *, user: User | None, engine: str = "duckdb", master: str | None = None, indicators: tuple[str, ...] = (),
    period: str | None = None, store: bool = False, url: str | None = None, reason: str = "",
    zone: Path | None = None,
) -> RecordsComputed:  # fmt: skip
    """Compute the record indicators over the zone of ``zone`` (default: the data directory); raises
    :class:`RecordsComputeError` or :class:`PermissionDenied`."""
    from yigai.core.indicators.periods import PeriodError
    from yigai.core.records.engines import EngineError

    if not may_compute(user):
        raise PermissionDenied
    definitions = shipped_definitions()
    try:
        if period:
            period = str(parse_period(period))
        run = compute_elements(definitions, data_dir=zone or data_dir(), indicators=indicators, period=period,
                               engine_name=engine, master=master, url=url)  # fmt: skip
    except (EngineError, PeriodError) as exc:
        audit_record(actor=user, action="records.compute", result="failed",
                     details={"engine": engine, "error": str(exc), "reason": reason})  # fmt: skip
        raise RecordsComputeError(str(exc)) from None
    periods = {c.period for c in run.cells} | ({period} if period else set())
    rows, outside = indicator_rows(definitions, run.cells, org_parents(), indicators=run.indicators,
                                   period=period, reported=_reported(definitions, run.indicators, periods))  # fmt: skip
    values_batch = _store(run, user) if store else None
    record = RecordRun.objects.create(
        engine=run.engine, master=run.master, indicators=list(run.indicators), period=run.period,
        batches=[{"dataset": b.dataset, "hash": b.content_hash[:12], "file": b.source_file, "rows": b.rows}
                 for b in run.batches],
        weights=run.weights[:200], rows_read=sum(b.rows for b in run.batches), cells=len(run.cells),
        outside=outside, started_at=dt.datetime.fromisoformat(run.started_at), seconds=run.seconds,
        values_batch=values_batch, user=user, summary=_summary(rows),
    )  # fmt: skip
    audit_record(actor=user, action="records.compute", details={
        "run": record.pk, "engine": run.engine, "master": run.master, "indicators": list(run.indicators),
        "period": run.period, "batches": record.batches, "rows_read": record.rows_read, "cells": record.cells,
        "stored": values_batch.pk if values_batch else None, "reason": reason,
    })  # fmt: skip
    return RecordsComputed(rows, record, run)


def _summary(rows: list[IndicatorValue]) -> list[dict[str, object]]:
    """The province and city rows kept with the run (a county row may rest on a handful of records)."""
    from yigai.apps.orgunits.models import OrgUnit

    upper = dict(OrgUnit.objects.filter(level__in=("province", "city")).values_list("code", "level"))
    return [
        {"indicator": r.indicator, "org_unit": r.org_unit, "level": upper[r.org_unit], "period": r.period,
         "value": r.value, "numerator": r.numerator, "denominator": r.denominator}
        for r in rows if r.org_unit in upper and r.value is not None
    ]  # fmt: skip


def _values_csv(run: ElementRun, known: set[str]) -> bytes:
    """The element values in the indicators app's long layout (sorted: same values, same bytes, same hash)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["org_unit", "data_element", "period", "value"])
    for c in sorted(run.cells, key=lambda c: (c.element, c.org_unit, c.period)):
        if c.org_unit in known:
            writer.writerow(
                [c.org_unit, c.element, c.period, int(c.value) if c.value.is_integer() else c.value]
            )
    return out.getvalue().encode()


def _store(run: ElementRun, user: User | None) -> ImportBatch:
    """The element values as one values file, named after the engine and the batches it read; stored by
    the system (the values cover the province), the user is in the run and the audit event."""
    from yigai.apps.orgunits.models import OrgUnit

    known = set(OrgUnit.objects.values_list("code", flat=True))
    hashes = "_".join(sorted({b.content_hash[:8] for b in run.batches}))[:150]
    # values computed only from 示例 batches are 示例 values (the zone's rule: a file named 示例数据…)
    demo = bool(run.batches) and all(b.source_file.startswith("示例数据") for b in run.batches)
    name = f"{'示例数据_' if demo else ''}记录计算_{run.engine}_{run.period or '全部'}_{hashes}.csv"
    try:
        return values_import(file_name=name, data=_values_csv(run, known), user=None, is_demo=demo).batch
    except ValuesRejected as exc:
        raise RecordsComputeError(
            f"计算结果有 {exc.total} 处不能存入指标数据（如已审核锁定）：{exc.problems[0]}"
        ) from None
