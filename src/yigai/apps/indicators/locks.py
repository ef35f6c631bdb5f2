"""Which org unit × period is locked by an approval: the approved unit or one of its ancestors approved
a period containing it (a county approved for 2023 locks 202305 too)."""

from __future__ import annotations

from collections.abc import Iterable

from yigai.apps.indicators.models import Approval
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators import Period


def _ancestor_codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def locked(pairs: Iterable[tuple[OrgUnit, str]]) -> set[tuple[int, str]]:
    """The (org unit id, period) pairs among ``pairs`` that an approval locks."""
    pairs = list(pairs)
    codes = {c for org, _ in pairs for c in _ancestor_codes(org.path)}
    approvals: dict[str, list[Period]] = {}
    for code, period in Approval.objects.filter(org_unit__code__in=codes).values_list(
        "org_unit__code", "period"
    ):
        approvals.setdefault(code, []).append(Period.parse(period))
    if not approvals:
        return set()
    out = set()
    for org, period in pairs:
        p = Period.parse(period)
        if any(a.contains(p) for c in _ancestor_codes(org.path) for a in approvals.get(c, ())):
            out.add((org.pk, period))
    return out


def is_locked(org_unit: OrgUnit, period: str) -> bool:
    return bool(locked([(org_unit, period)]))
