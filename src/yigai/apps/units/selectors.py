"""Reads of the unit directory."""

from __future__ import annotations

from django.db.models import QuerySet

from yigai.apps.units.models import Unit


def unit_list(*, search: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.select_related("org_unit")
    return qs.filter(name__icontains=search) if search else qs
