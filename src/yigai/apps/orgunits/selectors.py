"""Reads of the org-unit tree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from yigai.apps.orgunits.models import OrgUnit, OrgUnitLink


def orgunit_subtree(*, org_unit: OrgUnit) -> QuerySet[OrgUnit]:
    """``org_unit`` and everything under it in the current reporting tree."""
    return OrgUnit.objects.filter(path__startswith=org_unit.path)


def orgunit_list(*, level: str | None = None) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.all()
    return qs.filter(level=level) if level else qs


def orgunit_parent_on(*, org_unit: OrgUnit, on: dt.date) -> OrgUnit | None:
    """The parent ``org_unit`` reported to on date ``on`` (history survives boundary changes)."""
    link = (
        OrgUnitLink.objects.filter(child=org_unit)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .select_related("parent")
        .first()
    )
    return link.parent if link else None


def orgunit_children(*, org_unit: OrgUnit, level: str | None = None) -> QuerySet[OrgUnit]:
    """Current direct children; with ``level``, every descendant of that level."""
    if level:
        return orgunit_subtree(org_unit=org_unit).filter(level=level).exclude(pk=org_unit.pk)
    return OrgUnit.objects.filter(parent=org_unit)


def orgunit_find_in_text(*, text: str) -> OrgUnit | None:
    """The org unit whose name starts ``text`` (longest name wins): "容城县卫生健康局" → 容城县."""
    best: OrgUnit | None = None
    for unit in OrgUnit.objects.only("name", "code", "path", "level"):
        if text.startswith(unit.name) and (best is None or len(unit.name) > len(best.name)):
            best = unit
    return best


def orgunit_guess_from_text(*, text: str) -> OrgUnit | None:
    """The city a text is plainly about: most mentioned, at least 3 times and twice the runner-up.

    A city plan says "我市" and names itself ("保定场景"); a provincial plan names many cities evenly.
    """
    counts: list[tuple[int, OrgUnit]] = []
    for unit in OrgUnit.objects.filter(level="city"):
        short = unit.name.removesuffix("市")
        counts.append((text.count(short) if len(short) >= 2 else text.count(unit.name), unit))
    counts.sort(key=lambda c: -c[0])
    if counts and counts[0][0] >= 3 and (len(counts) == 1 or counts[0][0] >= 2 * counts[1][0]):
        return counts[0][1]
    return None
