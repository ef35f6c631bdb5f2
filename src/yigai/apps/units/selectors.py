"""Reads of the unit directory."""

from __future__ import annotations

from django.db.models import QuerySet

from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.orgunits.selectors import orgunit_subtree
from yigai.apps.units.models import Unit
from yigai.core.units import canonical_unit
from yigai.core.units.expand import is_placeholder_like, place_matches, place_unit_name, placeholder_parts


def unit_list(*, search: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.select_related("org_unit")
    return qs.filter(name__icontains=search) if search else qs


def unit_expand_names(*, unit: Unit, plan_org_unit: OrgUnit) -> list[tuple[str, OrgUnit]]:
    """:func:`unit_expand` as names, writing nothing (for the publish preview)."""
    if not is_placeholder_like(unit.name):
        return [(unit.name, unit.org_unit or plan_org_unit)]
    return [(canonical_unit(name), place) for name, place in named_places(unit=unit, region=plan_org_unit)]


def named_places(*, unit: Unit, region: OrgUnit) -> list[tuple[str, OrgUnit]]:
    """(unit name with its place, place) for each place of ``region`` a placeholder names; [] otherwise."""
    parts = placeholder_parts(unit.name)
    if parts is None:
        return []
    candidates = orgunit_subtree(org_unit=region).filter(level__in=parts.levels).exclude(pk=region.pk)
    return [
        (place_unit_name(p.name, parts), p)
        for p in candidates.order_by("path")
        if place_matches(parts, p.level, p.name)
    ]
