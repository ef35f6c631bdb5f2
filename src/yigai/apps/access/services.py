"""Store a computed medical service circle: the run (points, new-site rankings) and its indicator values.

The values go through the indicator import (``values_import``): one generated CSV per run, so each value
carries its provenance (batch, file name naming the method and year, content hash, row) and the same checks,
locks and jurisdiction as any imported file. Only county values of the population sums are written: cities
and the province are computed by the indicator engine as sums of their counties, and the shares as ratio of
sums. The longest trip (``ACCESS_PRIMARY_MAX_MINUTES``, not additive) is written for every level from the
points themselves; where some people cannot reach care at all it is not written (and an older value of that
year is removed), and the report says where.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from yigai.apps.access.models import AccessPoint, AccessRun, AccessSite
from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.indicators.models import DataValue
from yigai.apps.indicators.services import ImportResult, values_import
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.access import AccessResult, PopulationPoint, SiteSuggestion

SUMS = (("ACCESS_POP", "population"), ("ACCESS_PRIMARY_POP", "primary_population"),
        ("ACCESS_COUNTY_POP", "county_population"))  # fmt: skip
LONGEST = "ACCESS_PRIMARY_MAX_MINUTES"


class AccessStoreError(Exception):
    """The run cannot be stored (message in Chinese)."""


@dataclass
class StoreReport:
    run: AccessRun
    values: ImportResult
    unreachable: list[str] = field(default_factory=list)  # areas where some people reach no care at all


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else round(value, 3)


def values_csv(result: AccessResult, year: int) -> tuple[bytes, list[str]]:
    """The run's indicator values as a long-layout CSV, and the areas without a finite longest trip."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["org_unit", "data_element", "period", "value"])
    unreachable = []
    for r in result.regions:
        if not r.points:
            continue
        if r.level == "county":
            for element, attr in SUMS:
                writer.writerow([r.code, element, year, getattr(r, attr)])
        if r.primary_max_minutes is not None:
            if math.isinf(r.primary_max_minutes):
                unreachable.append(r.code)
            else:
                writer.writerow([r.code, LONGEST, year, round(r.primary_max_minutes, 2)])
    return out.getvalue().encode("utf-8"), unreachable


@transaction.atomic
def access_store(
    *, result: AccessResult, points: Sequence[PopulationPoint], sites: dict[str, list[SiteSuggestion]],
    year: int, facilities_file: str, points_file: str, network_file: str = "", user: User | None = None,
    is_demo: bool = False,
) -> StoreReport:  # fmt: skip
    """Everything of one run or nothing (:class:`AccessStoreError` or the import's ``ValuesRejected``)."""
    codes = {p.county for p in points} | set(sites)
    orgs = {o.code: o for o in OrgUnit.objects.filter(code__in=codes)}
    missing = sorted(codes - orgs.keys())
    if missing:
        raise AccessStoreError(f"行政区划中没有这些代码，未保存：{'、'.join(missing)}")
    data, unreachable = values_csv(result, year)
    how = result.method + (f"_{network_file}" if network_file else "")
    name = f"医疗服务圈测算_{year}_{how}.csv"
    imported = values_import(file_name=name, data=data, user=user, is_demo=is_demo)
    if unreachable:
        DataValue.objects.filter(
            data_element__code=LONGEST, org_unit__code__in=unreachable, period=str(year)
        ).delete()
    run = AccessRun.objects.create(
        created_by=user, method=result.method, network_file=network_file[:255],
        facilities_file=facilities_file[:255], points_file=points_file[:255], year=year,
        primary_minutes=result.primary_minutes, county_minutes=result.county_minutes, batch=imported.batch,
        is_demo=is_demo,
    )  # fmt: skip
    AccessPoint.objects.bulk_create(
        (
            AccessPoint(
                run=run,
                county=orgs[p.county],
                code=p.code,
                name=p.name,
                longitude=p.longitude,
                latitude=p.latitude,
                population=p.population,
                primary_minutes=_finite(r.primary_minutes),
                county_minutes=_finite(r.county_minutes),
                primary_covered=r.primary_covered,
                county_covered=r.county_covered,
            )
            for p, r in zip(points, result.points, strict=True)
        ),
        batch_size=2000,
    )
    AccessSite.objects.bulk_create(
        AccessSite(
            run=run,
            scope=orgs[scope],
            county=orgs[s.county],
            rank=s.rank,
            code=s.code,
            name=s.name,
            longitude=s.longitude,
            latitude=s.latitude,
            new_population=s.new_population,
            new_points=s.new_points,
        )
        for scope, ranked in sites.items()
        for s in ranked
    )
    audit_record(
        actor=user, action="access.store", obj=run,
        details={"method": result.method, "year": year, "points": len(points), "network": network_file,
                 "batch": imported.batch.pk, "unreachable": unreachable},
    )  # fmt: skip
    return StoreReport(run, imported, unreachable)
