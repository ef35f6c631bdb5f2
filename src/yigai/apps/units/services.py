"""Writes to the unit directory, and the placeholder expansion used when a plan is published."""

from __future__ import annotations

from django.db import transaction

from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.orgunits.selectors import orgunit_children, orgunit_find_in_text
from yigai.apps.units.directory import UnitEntry, iter_directory, lookup
from yigai.apps.units.models import Unit


def _defaults(entry: UnitEntry) -> dict[str, object]:
    return {
        "level": entry.level,
        "kind": entry.kind or ("placeholder" if entry.expands_to else ""),
        "known": entry.known,
        "aliases": list(entry.aliases),
        "expands_to": entry.expands_to,
        "org_unit": orgunit_find_in_text(text=entry.name),
    }


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


def unit_expand(*, unit: Unit, plan_org_unit: OrgUnit) -> list[tuple[Unit, OrgUnit]]:
    """One (unit, org unit) assignment per place the unit stands for, relative to the plan's org unit.

    "各县（市、区）政府" in a city plan → one assignment per county of that city; "各市" in a provincial plan →
    one per city-level child of the province in the reporting tree (incl. 定州, 辛集). A concrete unit
    that names a place ("容城县卫生健康局") belongs to that place; any other to the plan's org unit.
    """
    if unit.expands_to:
        generic = unit_ensure(name=_generic_name(unit.name))
        if unit.expands_to == "city":
            places = list(orgunit_children(org_unit=plan_org_unit))
        else:
            places = list(orgunit_children(org_unit=plan_org_unit, level="county"))
        return [(generic, place) for place in places]
    return [(unit, unit.org_unit or plan_org_unit)]


def _generic_name(placeholder: str) -> str:
    """ "各县（市、区）人民政府" → "县（市、区）人民政府"; "各市（含定州、辛集市）" → "市人民政府"."""
    rest = placeholder[1:] if placeholder.startswith("各") else placeholder
    if rest.startswith("市（含"):
        rest = "市" + rest[rest.find("）") + 1 :]
    rest = rest or placeholder
    return rest if rest.endswith(("政府", "委", "局", "办", "院", "中心")) else rest + "人民政府"
