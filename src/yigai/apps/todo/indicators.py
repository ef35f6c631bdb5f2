"""The indicators' share of a 待办 (统计/信息中心): values waiting for approval and counties not yet reported,
inside the org units the user may read (:func:`yigai.apps.indicators.selectors.visible_org_units`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef

from yigai.apps.accounts.models import User
from yigai.apps.indicators.models import Approval, DataValue
from yigai.apps.indicators.selectors import visible_org_units
from yigai.core.indicators.completeness import unreported


@dataclass(frozen=True)
class Waiting:
    """An org unit's values of one period, entered and not yet approved (not locked from above either)."""

    code: str
    name: str
    period: str
    values: int


def values_waiting(*, user: User) -> list[Waiting]:
    """Every (org unit, period) with values of its own and no approval at it or above it, the latest period
    first: the units approve bottom-up (county → city → province) on the entry page. One grouped query."""
    orgs = visible_org_units(user=user).exclude(level="facility")
    approved_here = Approval.objects.filter(org_unit_id=OuterRef("org_unit_id"), period=OuterRef("period"))
    rows = list(
        DataValue.objects.filter(org_unit__in=orgs)
        .exclude(Exists(approved_here))
        .values("org_unit__code", "org_unit__name", "org_unit__path", "period")
        .annotate(n=Count("pk"))
        .order_by("-period", "org_unit__path")
    )
    above = _approved_above({r["period"] for r in rows})
    return [
        Waiting(r["org_unit__code"], r["org_unit__name"], r["period"], r["n"])
        for r in rows
        if not any(r["org_unit__path"].startswith(a) for a in above.get(r["period"], ()))
    ]


def _approved_above(periods: set[str]) -> dict[str, list[str]]:
    """Per period, the paths of approved units (an approval locks its whole subtree)."""
    found: dict[str, list[str]] = {}
    for path, period in Approval.objects.filter(period__in=periods).values_list("org_unit__path", "period"):
        found.setdefault(period, []).append(path)
    return found


def latest_period(*, user: User) -> str | None:
    """The latest period with any value inside the user's org units."""
    orgs = visible_org_units(user=user)
    return (
        DataValue.objects.filter(org_unit__in=orgs)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def counties_unreported(*, user: User) -> list[Waiting]:
    """The counties inside the user's org units with no value for the latest period at or below them."""
    period = latest_period(user=user)
    if period is None:
        return []
    orgs = visible_org_units(user=user)
    paths = DataValue.objects.filter(org_unit__in=orgs, period=period).values_list(
        "org_unit__path", flat=True
    )
    chains = {c[0]: c for c in (tuple(reversed(p.strip("/").split("/"))) for p in set(paths))}
    counties = list(orgs.filter(level="county").order_by("path"))
    missing = set(unreported(chains, chains, [c.code for c in counties]))
    return [Waiting(c.code, c.name, period, 0) for c in counties if c.code in missing]
