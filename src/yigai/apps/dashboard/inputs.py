"""What every dashboard view, scorecard and briefing starts from, fetched once through the jurisdiction
selectors of the ledger and indicator apps (CONVENTIONS.md §5).

``user=None`` is the command line with the operator's full rights (as ``yigai ledger warnings``); every
other caller passes the user, and nothing outside the user's jurisdiction reaches :class:`Inputs`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role, User
from yigai.apps.indicators.selectors import target_list, visible_org_units
from yigai.apps.indicators.status import StatusRow, target_status
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import ProgressReport, SupervisionNotice
from yigai.apps.ledger.selectors import ItemFilters, ItemLight, warnings_all, warnings_for
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.ledger import PeriodCompleteness, completeness, due_periods


def access_scope(*, user: User | None, code: str = "") -> OrgUnit:
    """The org unit a dashboard shows: the user's own by default, or one inside it; 404 otherwise.

    Admins and the command line default to the root of the tree (the province).
    """
    orgs = visible_org_units(user=user).exclude(level="facility")
    if not code:
        own = user.org_unit if user is not None and user.role != Role.ADMIN else None
        found = own or orgs.filter(parent__isnull=True).order_by("path").first()
    else:
        found = orgs.filter(code=str(code).strip()).first()
    if found is None:
        raise Http404(_("找不到行政区划或无权查看：%(code)s") % {"code": code or "—"})
    return found


def areas_below(scope: OrgUnit) -> list[OrgUnit]:
    """The next level of the reporting tree below ``scope`` (a county shows itself)."""
    children = list(OrgUnit.objects.filter(parent=scope).exclude(level="facility").order_by("code"))
    return children or [scope]


@dataclass(frozen=True)
class Inputs:
    scope: OrgUnit
    today: dt.date
    plan: int | None
    lights: list[ItemLight]
    reporting: dict[int, list[PeriodCompleteness]]  # item pk → its expected reports
    targets: list[StatusRow]
    notices: list[SupervisionNotice]

    @property
    def is_demo(self) -> bool:
        return any(x.item.is_demo for x in self.lights) or any(r.is_demo for r in self.targets)


def lights_in(*, user: User | None, scope: OrgUnit, plan: int | None, on: dt.date) -> list[ItemLight]:
    if user is None:
        return [x for x in warnings_all(plan=plan, on=on) if x.item.org_unit.path.startswith(scope.path)]
    return warnings_for(user=user, on=on, filters=ItemFilters(plan=plan, org_unit=scope.code))


def reporting_of(lights: list[ItemLight], today: dt.date) -> dict[int, list[PeriodCompleteness]]:
    """Expected reports per item, exactly as :func:`yigai.apps.ledger.selectors.reporting_for` counts them."""
    rows: dict[int, list[ProgressReport]] = defaultdict(list)
    ids = [x.item.pk for x in lights]
    for r in ProgressReport.objects.filter(item_id__in=ids).order_by("submitted_at", "pk"):
        rows[r.item_id].append(r)
    cal = adapters.calendar_from_db()
    found: dict[int, list[PeriodCompleteness]] = {}
    for light in lights:
        item = light.item
        window = adapters.expected_window(item, today)
        if window is None or item.lead_unit_id is None:
            continue
        label = adapters.place_unit(item)
        periods = due_periods(*window, item.ledger.cadence, calendar=cal)  # type: ignore[arg-type]  # a Cadence choice
        reports = adapters.reports_for(rows[item.pk], label)
        found[item.pk] = list(completeness(reports, periods, today, units=[label], item_id=item.code))
    return found


def targets_in(*, user: User | None, scope: OrgUnit, plan: int | None, today: dt.date) -> list[StatusRow]:
    """Target status rows of visible plans for org units inside ``scope``."""
    targets = list(target_list(user=user, plan=plan))
    inside = set(OrgUnit.objects.filter(path__startswith=scope.path).values_list("code", flat=True))
    return [r for r in target_status(targets=targets, today=today) if r.org_unit in inside]


def notices_of(lights: list[ItemLight]) -> list[SupervisionNotice]:
    ids = [x.item.pk for x in lights]
    qs = SupervisionNotice.objects.filter(item_id__in=ids).select_related("item__org_unit", "item__lead_unit")
    return list(qs.order_by("-issued_on", "pk"))


def collect(
    *, user: User | None, scope: OrgUnit, plan: int | None = None, on: dt.date | None = None,
    with_targets: bool = True,
) -> Inputs:  # fmt: skip
    today = on or timezone.localdate()
    lights = lights_in(user=user, scope=scope, plan=plan, on=today)
    targets = targets_in(user=user, scope=scope, plan=plan, today=today) if with_targets else []
    return Inputs(scope, today, plan, lights, reporting_of(lights, today), targets, notices_of(lights))
