"""Writes to the unit directory, and the placeholder expansion used when a plan is published."""

from __future__ import annotations

from django.db import transaction

from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.orgunits.selectors import orgunit_find_in_text
from yigai.apps.units.directory import UnitEntry, iter_directory, lookup
from yigai.apps.units.models import Unit
from yigai.apps.units.selectors import named_places
from yigai.core.units.expand import is_placeholder_like


def _defaults(entry: UnitEntry) -> dict[str, object]:
    return {**_defaults_no_place(entry), "org_unit": orgunit_find_in_text(text=entry.name)}


@transaction.atomic
def units_load_directory() -> int:
    """Load the core unit directory into the database. Idempotent. Returns the number of units known."""
    count = 0
    for entry in iter_directory():
        Unit.objects.update_or_create(name=entry.name, defaults=_defaults(entry))
        count += 1
    return count


def unit_ensure(*, name: str) -> Unit:
    """The directory row for ``name`` (canonicalised); units first seen in a plan are added as unknown."""
    entry = lookup(name)
    unit = Unit.objects.filter(name=entry.name).first()
    if unit is None:
        unit = Unit.objects.create(name=entry.name, **_defaults(entry))
    return unit


def unit_ensure_at(*, name: str, place: OrgUnit) -> Unit:
    """:func:`unit_ensure` for a unit known to belong to ``place`` (固安县人民政府 → 固安县), without searching
    the tree for the place its name starts with."""
    entry = lookup(name)
    unit = Unit.objects.filter(name=entry.name).first()
    if unit is None:
        unit = Unit.objects.create(name=entry.name, **{**_defaults_no_place(entry), "org_unit": place})
    return unit


def _defaults_no_place(entry: UnitEntry) -> dict[str, object]:
    return {
        "level": entry.level,
        "kind": entry.kind or ("placeholder" if entry.expands_to else ""),
        "known": entry.known,
        "aliases": list(entry.aliases),
        "expands_to": entry.expands_to,
    }


def unit_expand(*, unit: Unit, plan_org_unit: OrgUnit) -> list[tuple[Unit, OrgUnit]]:
    """One (unit, org unit) per place the unit stands for, inside the plan's region (``plan_org_unit``).

    A placeholder expands only to the places of the level it names, inside the region, each answering with
    a unit named with its place: "各区人民政府" in 廊坊市's plan → 安次区人民政府 and 广阳区人民政府 (districts,
    not 固安县); "各市" in the province's → 保定市人民政府 …. A placeholder that names no place of the region
    ("各有关县（市、区）人民政府", "各市" in a city's plan) gives nothing: the owner assigns it (see
    :func:`unit_needs_assignment`). A concrete unit that names a place ("容城县卫生健康局") belongs to that
    place; any other to the plan's region.
    """
    if not is_placeholder_like(unit.name):
        return [(unit, unit.org_unit or plan_org_unit)]
    return [
        (unit_ensure_at(name=name, place=place), place)
        for name, place in named_places(unit=unit, region=plan_org_unit)
    ]


def unit_needs_assignment(*, unit: Unit, plan_org_unit: OrgUnit) -> bool:
    """A placeholder that names no place of the plan's region: published as one item the owner assigns."""
    return is_placeholder_like(unit.name) and not named_places(unit=unit, region=plan_org_unit)
