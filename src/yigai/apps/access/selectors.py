"""Reads of stored medical-service-circle runs, always within a scope the user may see (the dashboard's
:func:`~yigai.apps.dashboard.inputs.access_scope`): coverage by area, the points for the map, the gaps,
the new-site ranking of the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from yigai.apps.access.models import AccessPoint, AccessRun, AccessSite
from yigai.apps.dashboard.inputs import areas_below
from yigai.apps.orgunits.models import OrgUnit


@dataclass
class AreaCoverage:
    code: str
    name: str
    points: int = 0
    population: int = 0
    primary_population: int = 0
    county_population: int = 0
    gaps: int = 0

    @property
    def primary_share(self) -> float | None:
        return 100 * self.primary_population / self.population if self.population else None

    @property
    def county_share(self) -> float | None:
        return 100 * self.county_population / self.population if self.population else None


def run_latest(*, scope: OrgUnit) -> AccessRun | None:
    """The latest stored run with points inside ``scope``."""
    return (
        AccessRun.objects.filter(points__county__path__startswith=scope.path)
        .order_by("-created_at", "-pk")
        .distinct()
        .first()
    )


def points_in(*, run: AccessRun, scope: OrgUnit) -> QuerySet[AccessPoint]:
    return AccessPoint.objects.filter(run=run, county__path__startswith=scope.path)


def coverage_by_area(*, run: AccessRun, scope: OrgUnit) -> tuple[AreaCoverage, list[AreaCoverage]]:
    """The scope's total and each area one level below it: sums of people, shares as ratio of sums."""
    per_county = (
        points_in(run=run, scope=scope)
        .values("county__path")
        .annotate(
            n=Count("pk"),
            pop=Sum("population"),
            primary=Sum("population", filter=Q(primary_covered=True)),
            county=Sum("population", filter=Q(county_covered=True)),
            gaps=Count("pk", filter=Q(primary_covered=False)),
        )
    )
    areas = [AreaCoverage(o.code, o.name) for o in areas_below(scope)]
    paths = [o.path for o in areas_below(scope)]
    total = AreaCoverage(scope.code, scope.name)
    for row in per_county:
        for area, path in [(total, scope.path), *zip(areas, paths, strict=True)]:
            if row["county__path"].startswith(path):
                area.points += row["n"]
                area.population += row["pop"] or 0
                area.primary_population += row["primary"] or 0
                area.county_population += row["county"] or 0
                area.gaps += row["gaps"]
    return total, [a for a in areas if a.points]


def gap_list(*, run: AccessRun, scope: OrgUnit, limit: int = 30) -> QuerySet[AccessPoint]:
    """Points outside the primary circle, largest population first."""
    return (
        points_in(run=run, scope=scope)
        .filter(primary_covered=False)
        .select_related("county")
        .order_by("-population", "code")[:limit]
    )


def site_list(*, run: AccessRun, scope: OrgUnit) -> QuerySet[AccessSite]:
    return AccessSite.objects.filter(run=run, scope=scope).select_related("county").order_by("rank")


def map_points(*, run: AccessRun, scope: OrgUnit) -> dict[str, Any]:
    """Compact rows for the map: [lon, lat, population, covered (0/1), minutes or null, name, county]."""
    rows = points_in(run=run, scope=scope).values_list(
        "longitude", "latitude", "population", "primary_covered", "primary_minutes", "name", "county__name"
    )
    return {
        "points": [
            [round(lon, 5), round(lat, 5), pop, int(ok), None if m is None else round(m, 1), name, county]
            for lon, lat, pop, ok, m, name, county in rows
        ],
        "minutes": run.primary_minutes,
        "method": run.method,
    }
