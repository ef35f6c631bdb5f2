"""What every dashboard view, scorecard and briefing starts from, fetched once through the jurisdiction
selectors of the ledger and indicator apps (CONVENTIONS.md §5).

``user=None`` is the command line with the operator's full rights (as ``yigai ledger warnings``); every
other caller passes the user, and nothing outside the user's jurisdiction reaches :class:`Inputs`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Case, Count, F, IntegerField, Max, QuerySet, Sum, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role, User
from yigai.apps.indicators.selectors import target_list, visible_org_units
from yigai.apps.indicators.status import StatusRow, target_status
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import LedgerItem, ProgressReport, SupervisionNotice, Transition
from yigai.apps.ledger.selectors import (
    ItemFilters,
    ItemLight,
    is_today,
    item_list,
    light_rows,
    warnings_all,
    warnings_for,
)
from yigai.apps.ledger.services import lights_ensure
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.ledger import OVERDUE_LABEL, PeriodCompleteness, completeness, due_periods


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
class Group:
    """Items that share every value a tally looks at, and how many they are: a row of the grouped
    query over today's stored lights, or a single item evaluated for another day."""

    path: str  # org unit path of the place the items sit in
    place: str
    level: str
    lead: str | None  # lead unit name
    colour: str
    label: str
    status: str
    overdue: bool
    is_demo: bool
    n: int = 1
    closed_on_time: int = 0
    on_time: int = 0  # expected reports, by state
    late: int = 0
    missing: int = 0


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
        qs = SupervisionNotice.objects.select_related("item__org_unit", "item__lead_unit")
        if self._items is not None:
            qs = qs.filter(item__in=self._items.order_by().values("pk"))
        else:
            qs = qs.filter(item_id__in=[x.item.pk for x in self.lights])
        return list(qs.order_by("-issued_on", "pk"))

    def overdue(self, limit: int) -> list[ItemLight]:
        """Overdue items, the longest overdue first."""
        if self._items is not None:
            return light_rows(
                self._items.filter(status_shown=OVERDUE_LABEL).order_by("deadline", "code")[:limit]
            )
        rows = [x for x in self.lights if x.status_label == OVERDUE_LABEL]
        return sorted(rows, key=lambda x: (x.item.deadline, x.item.code))[:limit]

    @property
    def is_demo(self) -> bool:
        return any(g.is_demo for g in self.groups) or any(r.is_demo for r in self.targets)


def scoped_items(*, user: User | None, scope: OrgUnit, plan: int | None) -> QuerySet[LedgerItem]:
    """Items inside ``scope`` (of one plan) the user may see; the command line (``None``) sees all."""
    f = ItemFilters(plan=plan, org_unit=scope.code)
    if user is None:
        qs = LedgerItem.objects.filter(org_unit__path__startswith=scope.path)
        qs = qs.filter(ledger__plan_id=plan) if plan is not None else qs
        return qs.select_related("ledger__plan", "lead_unit", "org_unit", "parent").order_by(
            "ledger_id", "order", "pk"
        )
    return item_list(user=user, filters=f)


def stored_groups(items: QuerySet[LedgerItem]) -> list[Group]:
    """One GROUP BY over the stored lights (no item rows are loaded)."""
    on_time_closed = Sum(
        Case(When(closed_on__lte=F("deadline"), then=1), default=0, output_field=IntegerField())
    )
    grouped = (
        items.order_by()
        .values("org_unit_id", "lead_unit__name", "light_colour", "light_label", "status", "status_shown", "is_demo")
        .annotate(n=Count("pk"), closed_on_time=on_time_closed, on_time=Sum("reports_on_time"),
                  late=Sum("reports_late"), missing=Sum("reports_missing"))
    )  # fmt: skip
    rows = list(grouped)
    orgs = {
        o.pk: o
        for o in OrgUnit.objects.filter(pk__in={r["org_unit_id"] for r in rows}).only("path", "name", "level")
    }
    return [
        Group(orgs[r["org_unit_id"]].path, orgs[r["org_unit_id"]].name, orgs[r["org_unit_id"]].level,
              r["lead_unit__name"], r["light_colour"], r["light_label"], r["status"],
              r["status_shown"] == OVERDUE_LABEL, r["is_demo"], r["n"], r["closed_on_time"] or 0,
              r["on_time"] or 0, r["late"] or 0, r["missing"] or 0)
        for r in rows
    ]  # fmt: skip


def evaluated_groups(lights: list[ItemLight], today: dt.date) -> list[Group]:
    """One group per item, for a day other than today (lights evaluated, reports counted on that day)."""
    reporting, closed = reporting_of(lights, today), closed_dates(lights)
    found = []
    for x in lights:
        i, states = x.item, Counter(e.state for e in reporting.get(x.item.pk, []))
        day = closed.get(i.pk)
        found.append(Group(
            i.org_unit.path, i.org_unit.name, i.org_unit.level, i.lead_unit.name if i.lead_unit else None,
            x.warning.colour, x.warning.label, i.status, x.status_label == OVERDUE_LABEL, i.is_demo, 1,
            int(i.status == "closed" and day is not None and day <= i.deadline),
            states["on_time"], states["late"], states["missing"],
        ))  # fmt: skip
    return found


def closed_dates(lights: list[ItemLight]) -> dict[int, dt.date]:
    """The day each closed item was approved (its last transition to closed), local time."""
    ids = [x.item.pk for x in lights if x.item.status == "closed"]
    rows = (
        Transition.objects.filter(item_id__in=ids, to_status="closed")
        .values("item_id")
        .annotate(at=Max("at"))
    )
    return {r["item_id"]: timezone.localdate(r["at"]) for r in rows}


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
    return Inputs(scope, today, plan, evaluated_groups(lights, today), targets, lights=lights)
