"""Writes of data values: file import (all rows or none), form entry, outlier scores."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role, User
from yigai.apps.audit.services import audit_record
from yigai.apps.indicators import outliers
from yigai.apps.indicators.files import Problem, read_rows
from yigai.apps.indicators.models import DataElement, DataValue, ImportBatch
from yigai.apps.indicators.services.catalogue import catalogue_ensure
from yigai.apps.indicators.validation import CleanValue, Resolver, validate
from yigai.apps.orgunits.models import OrgUnit

Progress = Callable[[int, int], None]
CHUNK = 2000
FORM_SOURCE = "表单录入"


class ValuesRejected(Exception):
    """Problems in a file (or a form); nothing of it was stored."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.total = len(problems)  # a file of a million bad rows lists the first LISTED and a count
        if self.total > LISTED:
            more = _("另有 %(n)s 处错误未列出，请先改正以上错误后重新导入") % {"n": self.total - LISTED}
            problems = [*problems[:LISTED], Problem(file_name, None, None, more)]
        super().__init__("\n".join(str(p) for p in problems))
        self.file_name = file_name
        self.problems = problems


#: The problems a refusal lists (the page and the API answer stay small whatever the file).
LISTED = 200


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    already_imported: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def values_import(
    *, file_name: str, data: bytes, user: User | None = None, data_element: str | None = None,
    is_demo: bool = False, progress: Progress | None = None,
) -> ImportResult:  # fmt: skip
    """Import one CSV/Excel file; raises :class:`ValuesRejected` listing the bad rows, storing nothing.

    The same bytes imported again return the earlier batch and change nothing.
    """
    catalogue_ensure()
    digest = hashlib.sha256(data).hexdigest()
    if (batch := ImportBatch.objects.filter(content_hash=digest).first()) is not None:
        return ImportResult(batch, already_imported=True, unchanged=batch.rows)
    rows, problems, _sheets = read_rows(file_name, data, data_element=data_element)
    values, invalid = validate(rows, within=_jurisdiction(user))
    problems += invalid
    if not problems and not values:
        problems = [Problem(file_name, None, None, _("没有可导入的数据行"))]
    if problems:
        raise ValuesRejected(file_name, problems)
    return _store_file(file_name, digest, values, user, is_demo, progress)


def _jurisdiction(user: User | None) -> str | None:
    """The org-unit path a user may write under (None: everywhere — admins and the command line)."""
    if user is None or user.role == Role.ADMIN:
        return None
    return user.org_unit.path if user.org_unit else "-"


@transaction.atomic
def _store_file(
    file_name: str, digest: str, values: list[CleanValue], user: User | None, is_demo: bool,
    progress: Progress | None,
) -> ImportResult:  # fmt: skip
    batch = ImportBatch.objects.create(
        file_name=file_name[:255], content_hash=digest, rows=len(values), imported_by=user, is_demo=is_demo
    )
    created = updated = 0
    for start in range(0, len(values), CHUNK):
        c, u = _upsert(values[start : start + CHUNK], batch, user, is_demo)
        created, updated = created + c, updated + u
        if progress:
            progress(min(start + CHUNK, len(values)), len(values))
    batch.created, batch.updated = created, updated
    batch.save(update_fields=["created", "updated"])
    audit_record(actor=user, action="indicators.import", obj=batch, details={
        "batch": batch.pk, "file": file_name, "sha256": digest, "rows": len(values), "created": created,
        "updated": updated,
    })  # fmt: skip
    outliers_refresh(series={(v.element.pk, v.org_unit.pk, v.disaggregation, v.period.type) for v in values})
    return ImportResult(batch, False, created, updated, len(values) - created - updated)


def _upsert(
    values: list[CleanValue], batch: ImportBatch, user: User | None, is_demo: bool
) -> tuple[int, int]:
    existing = {
        (d.data_element_id, d.org_unit_id, d.period, d.disaggregation): d
        for d in DataValue.objects.filter(
            data_element__in={v.element.pk for v in values}, org_unit__in={v.org_unit.pk for v in values},
            period__in={str(v.period) for v in values},
        )
    }  # fmt: skip
    new, changed = [], []
    for v in values:
        provenance = {"batch": batch, "source_file": batch.file_name, "source_hash": batch.content_hash,
                      "source_row": v.row, "imported_by": user}  # fmt: skip
        row = existing.get(v.key)
        if row is None:
            new.append(DataValue(data_element=v.element, org_unit=v.org_unit, period=str(v.period),
                                 period_type=v.period.type, year=v.period.year, disaggregation=v.disaggregation,
                                 value=v.value, is_demo=is_demo, **provenance))  # fmt: skip
        elif row.value != v.value:
            row.value = v.value
            for k, val in provenance.items():
                setattr(row, k, val)
            changed.append(row)
    DataValue.objects.bulk_create(new, batch_size=1000)
    fields = ["value", "batch", "source_file", "source_hash", "source_row", "imported_by", "imported_at"]
    DataValue.objects.bulk_update(changed, fields, batch_size=1000)
    return len(new), len(changed)


def outliers_refresh(*, series: Iterable[tuple[int, int, str, str]]) -> int:
    """Recompute z and modified z for each (element, org unit, option, period type) series; returns flags."""
    wanted = set(series)
    if not wanted:
        return 0
    rows = DataValue.objects.filter(
        data_element__in={s[0] for s in wanted}, org_unit__in={s[1] for s in wanted}
    ).only("pk", "data_element_id", "org_unit_id", "disaggregation", "period_type", "value", "period")
    groups: dict[tuple[int, int, str, str], list[DataValue]] = {}
    for d in rows:
        key = (d.data_element_id, d.org_unit_id, d.disaggregation, d.period_type)
        if key in wanted:
            groups.setdefault(key, []).append(d)
    touched, flagged = [], 0
    for group in groups.values():
        numbers = [d.value for d in group]
        for d, z, mz in zip(group, outliers.z_scores(numbers), outliers.modified_z(numbers), strict=True):
            d.outlier_z, d.outlier_mod_z = z, mz
            d.is_outlier = outliers.flag(z=z, mod_z=mz)
            flagged += d.is_outlier
            touched.append((z, mz, d.is_outlier, d.pk))
    _outliers_write(touched)
    return flagged


def _outliers_write(rows: list[tuple[float | None, float | None, bool, int]]) -> None:
    """(z, modified z, flag, pk) rows in one prepared UPDATE run per row (``executemany``): ``bulk_update``
    builds and resolves a CASE expression per row and field — most of the 24.5 s CPU that storing the
    34,000 values of one records computation took; now a few per cent of it."""
    from django.db import connection

    if not rows:
        return
    meta, quote = DataValue._meta, connection.ops.quote_name
    column = {f.name: f.column for f in meta.concrete_fields}
    columns = [quote(column[f]) for f in ("outlier_z", "outlier_mod_z", "is_outlier")]
    sets = ", ".join(f"{c} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # nosec B608  # names from the model
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def values_enter(
    *, user: User | None, org_unit: OrgUnit, period: str, entries: dict[tuple[str, str], float | str | None]
) -> int:
    """Store a data-entry form: ``(element code, option) → value`` (None leaves a cell as it is).

    The same checks as a file import (value type, range, rules, locks); returns the number of cells changed.
    """
    from yigai.apps.indicators.files import Cell, RawRow

    rows = [
        RawRow(FORM_SOURCE, i, Cell(_("机构"), org_unit.code), Cell(_("数据项"), code), Cell(_("期间"), period),
               Cell(DataElement.objects.get(code=code).name, value), Cell(_("分类"), option) if option else None)
        for i, ((code, option), value) in enumerate(sorted(entries.items()), start=1)
        if value is not None
    ]  # fmt: skip
    values, problems = validate(rows, Resolver(), within=_jurisdiction(user))
    if problems:
        raise ValuesRejected(FORM_SOURCE, problems)
    for v in values:
        DataValue.objects.update_or_create(
            data_element=v.element, org_unit=v.org_unit, period=str(v.period), disaggregation=v.disaggregation,
            defaults={"value": v.value, "period_type": v.period.type, "year": v.period.year, "batch": None,
                      "source_file": FORM_SOURCE, "source_hash": "", "source_row": None,
                      "imported_by": user},
        )  # fmt: skip
    outliers_refresh(series={(v.element.pk, v.org_unit.pk, v.disaggregation, v.period.type) for v in values})
    audit_record(actor=user, action="indicators.enter", obj=org_unit,
                 details={"org_unit": org_unit.code, "period": period, "cells": len(values)})  # fmt: skip
    return len(values)
