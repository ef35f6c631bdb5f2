"""What every dashboard view, scorecard and briefing starts from, fetched once through the jurisdiction
selectors of the ledger and indicator apps (CONVENTIONS.md §5).

``user=None`` is the command line with the operator's full rights (as ``yigai ledger warnings``); every
other caller passes the user, and nothing outside the user's jurisdiction reaches :class:`Inputs`.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role, User
from yigai.apps.indicators.selectors import target_list, visible_org_units
from yigai.apps.indicators.status import StatusRow, distinct_goals, target_status
from yigai.apps.ledger.figures import (
    Group,
    evaluated_groups,
    notices_of,
    overdue_rows,
    scoped_items,
    stored_groups,
)
from yigai.apps.ledger.selectors import ItemFilters, ItemLight, is_today, warnings_all, warnings_for
from yigai.apps.ledger.services import lights_ensure
from yigai.apps.orgunits.models import OrgUnit

if TYPE_CHECKING:  # the dashboard queries no ledger model: figures come from yigai.apps.ledger.figures
    from yigai.apps.ledger.models import LedgerItem, SupervisionNotice

__all__ = ["Group", "Inputs", "access_scope", "areas_below", "collect", "targets_in"]


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


class Inputs:
    """What a dashboard, scorecard or briefing starts from: grouped counts always; the item rows
    (``lights``) and 督办单 (``notices``) are read only when a consumer asks (the briefing does)."""

    def __init__(
        self, scope: OrgUnit, today: dt.date, plan: int | None, groups: list[Group], targets: list[StatusRow],
        *, items: QuerySet[LedgerItem] | None = None, lights: list[ItemLight] | None = None,
    ) -> None:  # fmt: skip
        self.scope, self.today, self.plan, self.groups, self.targets = scope, today, plan, groups, targets
        self._items, self._lights = items, lights

    @cached_property
    def lights(self) -> list[ItemLight]:
        if self._lights is not None:
            return self._lights
        assert self._items is not None  # one of the two is given
        return [ItemLight.stored(i) for i in self._items]

    @cached_property
    def notices(self) -> list[SupervisionNotice]:
        return notices_of(self._items if self._items is not None else [x.item.pk for x in self.lights])

    def overdue(self, limit: int) -> list[ItemLight]:
        """Overdue items, the longest overdue first."""
        if self._items is not None:
            return overdue_rows(self._items, limit)
        rows = [x for x in self.lights if x.overdue]
        return sorted(rows, key=lambda x: (x.item.deadline, x.item.code))[:limit]

    @property
    def is_demo(self) -> bool:
        return any(g.is_demo for g in self.groups) or any(r.is_demo for r in self.targets)


def targets_in(*, user: User | None, scope: OrgUnit, plan: int | None, today: dt.date) -> list[StatusRow]:
    """Target status rows of visible plans for org units inside ``scope``, each goal once (see
    :func:`distinct_goals`)."""
    targets = list(target_list(user=user, plan=plan))
    inside = set(OrgUnit.objects.filter(path__startswith=scope.path).values_list("code", flat=True))
    return distinct_goals([r for r in target_status(targets=targets, today=today) if r.org_unit in inside])


def collect(
    *, user: User | None, scope: OrgUnit, plan: int | None = None, on: dt.date | None = None,
    with_targets: bool = True, targets: list[StatusRow] | None = None,
) -> Inputs:  # fmt: skip
    """Today: grouped counts over the stored lights (brought up to date first). Another day: every item
    evaluated on that day. ``targets``: the target rows when the caller already has them."""
    today = on or timezone.localdate()
    if targets is None:
        targets = targets_in(user=user, scope=scope, plan=plan, today=today) if with_targets else []
    items = scoped_items(user=user, scope=scope, plan=plan)
    if is_today(today):
        lights_ensure(today)
        return Inputs(scope, today, plan, stored_groups(items), targets, items=items)
    if user is None:
        lights = [x for x in warnings_all(plan=plan, on=today) if x.item.org_unit.path.startswith(scope.path)]
    else:
        lights = warnings_for(user=user, on=today, filters=ItemFilters(plan=plan, org_unit=scope.code))
    return Inputs(scope, today, plan, evaluated_groups(lights), targets, lights=lights)
