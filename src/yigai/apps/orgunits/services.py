"""Writes to the org-unit tree: load reference data, move a unit (keeping history), groups, population."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from yigai.apps.orgunits.models import OrgUnit, OrgUnitGroup, OrgUnitLink, Population
from yigai.apps.orgunits.population_files import LABELS, PopulationRow, read_population_file
from yigai.apps.orgunits.reference import read_divisions


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def _path_for(parent: OrgUnit | None, code: str) -> str:
    return f"{parent.path if parent else ''}{code}/"


@transaction.atomic
def orgunits_load_reference(*, file_name: str | None = None) -> LoadResult:
    """Load (or refresh) the packaged division tree. Idempotent: a second run changes nothing."""
    created = updated = 0
    by_code: dict[str, OrgUnit] = {}
    divisions = read_divisions(file_name) if file_name else read_divisions()
    for d in divisions:
        parent = by_code.get(d.parent_code) if d.parent_code else None
        unit = OrgUnit.objects.filter(code=d.code).first()
        if unit is None:
            unit = OrgUnit.objects.create(
                code=d.code, name=d.name, level=d.level, parent=parent, path=_path_for(parent, d.code)
            )
            if parent is not None:
                OrgUnitLink.objects.create(child=unit, parent=parent, note="参考数据初始导入")
            created += 1
        elif (
            unit.name != d.name or unit.level != d.level or unit.parent_id != (parent.pk if parent else None)
        ):
            unit.name, unit.level = d.name, d.level
            unit.save(update_fields=["name", "level"])
            if unit.parent_id != (parent.pk if parent else None) and parent is not None:
                orgunit_move(org_unit=unit, parent=parent, on=dt.date.today(), note="参考数据更新")
            updated += 1
        by_code[d.code] = unit
    return LoadResult(created=created, updated=updated)


@transaction.atomic
def orgunit_move(*, org_unit: OrgUnit, parent: OrgUnit, on: dt.date, note: str = "") -> OrgUnit:
    """Re-parent ``org_unit`` from date ``on``: the old link is closed, not deleted, so history survives."""
    if parent.path.startswith(org_unit.path):
        raise ValueError(
            gettext("不能把%(unit)s移到其下级%(parent)s之下") % {"unit": org_unit.name, "parent": parent.name}
        )
    OrgUnitLink.objects.filter(child=org_unit, valid_to__isnull=True).update(valid_to=on)
    OrgUnitLink.objects.create(child=org_unit, parent=parent, valid_from=on, note=note)
    old_path = org_unit.path
    new_path = _path_for(parent, org_unit.code)
    org_unit.parent = parent
    org_unit.path = new_path
    org_unit.save(update_fields=["parent", "path"])
    for d in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=org_unit.pk):
        d.path = new_path + d.path[len(old_path) :]
        d.save(update_fields=["path"])
    return org_unit


@transaction.atomic
def orgunit_group_set(
    *, code: str, name: str, member_codes: list[str], is_demo: bool = False
) -> OrgUnitGroup:
    group, _ = OrgUnitGroup.objects.update_or_create(code=code, defaults={"name": name, "is_demo": is_demo})
    group.members.set(OrgUnit.objects.filter(code__in=member_codes))
    return group


class PopulationImportError(Exception):
    """Row-level problems of one file; nothing of that file was imported."""

    def __init__(self, file_name: str, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.file_name = file_name
        self.errors = errors


@transaction.atomic
def population_import(
    *, file_name: str, data: bytes, is_demo: bool = False, within: str | None = None
) -> int:
    """Import population per org unit and year from CSV or Excel; all rows or none.

    Columns (Chinese or English header): 代码/code, 年份/year, 人口/population. Returns rows stored.
    ``within``: an org-unit path; rows for units outside that subtree are refused (a city's plan owner
    imports its own city's figures, not another city's). None: no limit (the command line, admins).
    """
    rows, errors = read_population_file(file_name, data)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={r.code for r in rows})}
    errors += [
        gettext("%(file)s：第%(line)s行，列“%(column)s”：未知的行政区划代码 %(code)s")
        % {"file": file_name, "line": r.line, "column": LABELS["code"], "code": r.code}
        for r in rows
        if r.code not in units
    ]
    errors += [
        gettext("%(file)s：第%(line)s行，列“%(column)s”：%(code)s 不在您的管辖范围内")
        % {"file": file_name, "line": r.line, "column": LABELS["code"], "code": r.code}
        for r in rows
        if within is not None and r.code in units and not units[r.code].path.startswith(within)
    ]
    if errors:
        raise PopulationImportError(file_name, errors)
    for r in rows:
        _population_store(row=r, org_unit=units[r.code], source=file_name, is_demo=is_demo)
    return len(rows)


def _population_store(*, row: PopulationRow, org_unit: OrgUnit, source: str, is_demo: bool) -> None:
    Population.objects.update_or_create(
        org_unit=org_unit, year=row.year, defaults={"value": row.value, "source": source, "is_demo": is_demo}
    )
