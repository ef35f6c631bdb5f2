"""Reads of ledger items, always through the user's jurisdiction (CONVENTIONS.md §5).

Same rule as :func:`yigai.apps.plans.selectors.access_task`:

- admin: everything (but no workflow rights: 三员分立, see :mod:`yigai.core.ledger.workflow`);
- plan owner, reviewer, leader: items of plans of their org-unit subtree, and items placed inside it;
- unit reporter: items whose lead unit or a co-unit is their unit, placed inside their org unit.

Views and APIs reach a single item only through :func:`access_item`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Subquery, Sum
from django.http import Http404

from yigai.apps.accounts.models import Role as UserRole
from yigai.apps.accounts.models import User
from yigai.apps.ledger.adapters import place_unit
from yigai.apps.ledger.models import Evidence, LedgerItem
from yigai.core.ledger import (
    ItemEvaluation,
    ItemWarning,
    ReportCounts,
    Role,
    UnitRate,
)
from yigai.core.params import db_int
from yigai.core.permissions import role_of


def _prefix(user: User) -> str | None:
    return user.org_unit.path if user.org_unit_id else None  # type: ignore[union-attr]  # checked by id


def _subtree(prefix: str) -> QuerySet[Any]:
    from yigai.apps.orgunits.models import OrgUnit

    return OrgUnit.objects.filter(path__startswith=prefix).values("pk")


def _visible(user: User) -> Q:
    """The jurisdiction as a filter on items, written so every part can use an index: the org-unit subtree
    is a subquery of org-unit ids (not a join on every item), a co-unit is a subquery of the link table
    (no join that would repeat an item once per co-unit)."""
    if user.role == UserRole.ADMIN:
        return Q()
    prefix = _prefix(user)
    if prefix is None:
        return Q(pk__in=[])
    if user.role == UserRole.UNIT_REPORTER:
        if not user.unit_id:
            return Q(pk__in=[])
        co = LedgerItem.co_units.through.objects.filter(unit_id=user.unit_id).values("ledgeritem_id")
        mine = Q(lead_unit_id=user.unit_id) | Q(pk__in=co)
        return mine & Q(org_unit_id__in=_subtree(prefix))
    if _whole_tree(user):
        return Q()
    inside = _subtree(prefix)
    return Q(ledger__plan__org_unit_id__in=inside) | Q(org_unit_id__in=inside)


def _whole_tree(user: User) -> bool:
    """True for a user at the root of a single-rooted tree: every item and plan lies under that prefix, so
    the path test is always true and is left out (it costs a join over every item in each query)."""
    from yigai.apps.orgunits.models import OrgUnit

    org = user.org_unit
    return (
        org is not None
        and org.parent_id is None
        and not OrgUnit.objects.filter(parent__isnull=True).exclude(pk=org.pk).exists()
    )


@dataclass(frozen=True)
class ItemFilters:
    plan: int | None = None
    unit: str = ""  # lead or co-unit name contains
    org_unit: str = ""  # org unit code: items placed in its subtree
    status: str = ""  # stored status, or "overdue"
    q: str = ""  # search in code, title, text
    on: dt.date | None = None  # the day "overdue" and the light are judged on (default today)
    colour: str = ""  # warning colour (red, yellow, …) on that day
    parent: str = ""  # code of a split item: its children (the places' copies)


#: The order of every item list: the ledger's own order (document order, then county copies).
ORDER = ("ledger_id", "order", "pk")


def visible_items(*, user: User) -> QuerySet[LedgerItem]:
    """The bare queryset of items the user may see (no ordering, nothing loaded): for subqueries,
    counts and grouped reads. Each item appears once (the filter has no multi-valued join)."""
    return LedgerItem.objects.filter(_visible(user)).order_by()


def _ledger_of(plan_id: int) -> Subquery:
    """The plan's ledger id as a one-row subquery: the database evaluates it once and then walks the items'
    (ledger, order) index in list order (a join on the ledger table made it sort every item of the plan)."""
    from yigai.apps.ledger.models import Ledger

    return Subquery(Ledger.objects.filter(plan_id=plan_id).values("pk")[:1])


def item_filter(*, user: User, filters: ItemFilters | None = None) -> QuerySet[LedgerItem]:
    """Items the user may see, filtered; nothing joined or loaded, no order (for counts, grouped reads,
    pagination by id). ``filters.colour`` is not applied here (see :func:`lights_query`)."""
    f = filters or ItemFilters()
    qs = visible_items(user=user)
    if f.plan:
        qs = qs.filter(ledger_id=_ledger_of(f.plan))
    if f.unit:  # a subquery, not a join: an item with two matching co-units stays one row (no DISTINCT)
        named = Q(lead_unit__name__icontains=f.unit) | Q(co_units__name__icontains=f.unit)
        qs = qs.filter(pk__in=LedgerItem.objects.filter(named).values("pk"))
    if f.org_unit:
        from yigai.apps.orgunits.models import OrgUnit

        place = OrgUnit.objects.filter(Q(code=f.org_unit) | Q(path__contains=f"{f.org_unit}/"))
        qs = qs.filter(org_unit_id__in=place.values("pk"))
    if f.status == "overdue":
        from django.utils import timezone

        qs = qs.filter(deadline__lt=f.on or timezone.localdate()).exclude(status__in=["closed", "withdrawn"])
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.parent:
        qs = qs.filter(parent_id__in=LedgerItem.objects.filter(code=f.parent).values("pk"))
    if f.q:
        qs = qs.filter(Q(code__icontains=f.q) | Q(title__icontains=f.q) | Q(text__icontains=f.q))
    return qs


def item_list(*, user: User, filters: ItemFilters | None = None) -> QuerySet[LedgerItem]:
    """Items the user may see, filtered and ordered, with everything the adapters need loaded (milestones
    too: for evaluating lights). ``filters.colour`` is not applied here (a light needs its day): use
    :func:`lights_query` or :func:`warnings_for`."""
    return _whole_rows(item_filter(user=user, filters=filters)).order_by(*ORDER)


def _whole_rows(items: QuerySet[LedgerItem]) -> QuerySet[LedgerItem]:
    """Every column of the items and of what the adapters, the Excel export and the item page read.

    The milestones come in their item's order without Milestone's default ordering, whose leading
    ``item`` joins the items again to sort by the items' own ordering (the same within one item)."""
    from django.db.models import Prefetch

    from yigai.apps.ledger.models import Milestone

    milestones = Prefetch("milestones", queryset=Milestone.objects.order_by("due", "pk"))
    return items.select_related("ledger__plan", "lead_unit", "org_unit", "parent").prefetch_related(
        "co_units", milestones
    )


ROWS_CHUNK = 500
#: What a list row shows (the ledger list, the board's lit items, the dashboard's overdue items): the rest of
#: an item's columns, its parent's and its plan's are not read.
ROW_FIELDS = (
    "code", "title", "text", "start", "deadline", "status", "progress", "version", "order", "is_demo",
    "light_colour", "light_label", "light_reason", "light_approximate", "status_shown", "overdue",
    "overdue_workdays", "reports_on_time", "reports_late", "reports_missing", "closed_on", "ledger__plan_id",
    "lead_unit__name", "org_unit__name", "org_unit__level", "org_unit__code", "org_unit__path", "parent__code",
)  # fmt: skip


def _ids(items: QuerySet[LedgerItem]) -> list[int]:
    return list(items.values_list("pk", flat=True))


def light_rows(items: QuerySet[LedgerItem]) -> list[ItemLight]:
    """The stored lights of ``items`` (a filtered, ordered, possibly sliced queryset), in its order.

    Ids first, then the rows with what a list shows (unit names, place, parent code, co-units) by id, so
    the database sorts and pages narrow rows instead of every visible item joined to five tables."""
    from django.db.models import Prefetch

    from yigai.apps.units.models import Unit

    ids = _ids(items)
    found: dict[int, LedgerItem] = {}
    for start in range(0, len(ids), ROWS_CHUNK):
        chunk = (
            LedgerItem.objects.filter(pk__in=ids[start : start + ROWS_CHUNK])
            .select_related("ledger", "lead_unit", "org_unit", "parent")
            .only(*ROW_FIELDS)
            .prefetch_related(Prefetch("co_units", queryset=Unit.objects.only("name").order_by("name", "pk")))
        )
        found.update((i.pk, i) for i in chunk)
    return [ItemLight.stored(found[pk]) for pk in ids if pk in found]


#: The columns of an API list row (:func:`light_values`).
VALUE_FIELDS = (
    "pk", "code", "ledger__plan_id", "parent__code", "title", "lead_unit__name", "org_unit__name",
    "org_unit__level", "deadline", "status", "status_shown", "progress", "light_colour", "light_label",
    "light_reason", "overdue", "overdue_workdays", "reports_on_time", "reports_late", "reports_missing",
    "version",
)  # fmt: skip


def light_values(items: QuerySet[LedgerItem]) -> list[dict[str, Any]]:
    """:func:`light_rows` as plain values (an API page of up to 1,000 rows builds no model instances):
    ``VALUE_FIELDS`` plus ``co_units``, a list of names, in the order of ``items``."""
    ids = _ids(items)
    found: dict[int, dict[str, Any]] = {}
    co_units: dict[int, list[str]] = {}
    links = LedgerItem.co_units.through.objects
    for start in range(0, len(ids), ROWS_CHUNK):
        chunk = ids[start : start + ROWS_CHUNK]
        found.update((r["pk"], r) for r in LedgerItem.objects.filter(pk__in=chunk).values(*VALUE_FIELDS))
        for item_id, name in (
            links.filter(ledgeritem_id__in=chunk)
            .order_by("unit__name", "unit_id")  # as Unit's own ordering (the item page, the export)
            .values_list("ledgeritem_id", "unit__name")
        ):
            co_units.setdefault(item_id, []).append(name)
    return [found[pk] | {"co_units": co_units.get(pk, [])} for pk in ids if pk in found]


def access_item(*, user: User, item_id: int | str) -> LedgerItem:
    """The item (by id or code) if the user may see it, else 404 (never saying it exists)."""
    pk = db_int(item_id) if isinstance(item_id, str) else item_id
    key = Q(code=item_id) if pk is None else Q(pk=pk)
    # One row by a unique key: no ORDER BY (sorting needs nothing, and compiling the list order against the
    # whole rows' hundred-odd columns was most of the cost of every service call that checks access).
    item = next(iter(_whole_rows(item_filter(user=user).filter(key))[:1]), None)
    if item is None:
        raise Http404("找不到该台账事项")
    return item


def access_item_row(*, user: User, item_id: int) -> LedgerItem:
    """The item's own row with its plan and the plan's place (what :func:`item_role` reads) if the user may
    see it, else 404 — the check a service makes before it locks the row (a page uses :func:`access_item`,
    which loads what the item page shows). Same jurisdiction filter; about a third of the cost per call."""
    rows = item_filter(user=user).filter(pk=item_id).select_related("ledger__plan__org_unit")
    item = next(iter(rows[:1]), None)
    if item is None:
        raise Http404("找不到该台账事项")
    return item


def item_role(*, user: User, item: LedgerItem) -> Role:
    """The workflow role ``user`` holds for ``item`` (the user must already see it).

    A plan owner acts on their own plans' items only; a reporter acts only for the lead unit (a
    co-unit contributes reports but cannot request 销号 or 延期). Refusals raise PermissionDenied.
    """
    role = role_of(user)
    if role is None:  # never a ValueError into a 500: an unknown role acts on nothing
        raise PermissionDenied("账号角色无效，不能办理")
    prefix = _prefix(user) or "\0"
    if role is Role.PLAN_OWNER and not item.ledger.plan.org_unit.path.startswith(prefix):
        raise PermissionDenied("只有该方案的方案管理员可以办理此操作")
    if role is Role.UNIT_REPORTER and item.lead_unit_id != user.unit_id:
        raise PermissionDenied("配合单位只能报送进展，不能办理销号、延期等操作")
    return role


def is_co_reporter(*, user: User, item: LedgerItem) -> bool:
    return (
        user.role == UserRole.UNIT_REPORTER
        and item.lead_unit_id != user.unit_id
        and item.co_units.filter(pk=user.unit_id or 0).exists()
    )


def access_evidence(*, user: User, evidence_id: int) -> Evidence:
    """A 佐证材料 file only if its item is visible to the user (404 otherwise)."""
    ev = Evidence.objects.select_related("item").filter(pk=evidence_id).first()
    if ev is None:
        raise Http404("找不到该佐证材料")
    access_item_row(user=user, item_id=ev.item_id)
    return ev


@dataclass(frozen=True)
class ItemLight:
    """One row of a list or board: the item and its evaluation (:func:`yigai.core.ledger.evaluate_item`) —
    the light, the status as users read it, overdue, the reporting counts."""

    item: LedgerItem
    status_label: str
    warning: ItemWarning
    overdue: bool = False
    overdue_workdays: int = 0
    reports: ReportCounts = field(default_factory=ReportCounts)
    closed_on: dt.date | None = None

    @classmethod
    def stored(cls, item: LedgerItem) -> ItemLight:
        """The evaluation stored on the item for its ``light_on`` day (see services/lights.py)."""
        warning = ItemWarning(
            item.light_colour, item.light_label, item.light_reason, "", item.light_approximate
        )
        counts = ReportCounts(item.reports_on_time, item.reports_late, item.reports_missing)
        return cls(
            item, item.status_shown, warning, item.overdue, item.overdue_workdays, counts, item.closed_on
        )

    @classmethod
    def of(cls, item: LedgerItem, e: ItemEvaluation, closed_on: dt.date | None) -> ItemLight:
        return cls(item, e.status_shown, e.light, e.overdue, e.overdue_workdays, e.reports, closed_on)


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def is_today(on: dt.date | None) -> bool:
    return on is None or on == _today()


def fresh(items: QuerySet[LedgerItem]) -> bool:
    """Whether every one of ``items`` holds today's stored evaluation (else a reader evaluates instead of
    showing yesterday's values; only ``services.lights_ensure`` writes them)."""
    day = _today()
    return not items.filter(Q(light_on__isnull=True) | Q(light_on__lt=day) | Q(light_on__gt=day)).exists()


def lights_query(*, user: User, filters: ItemFilters | None = None) -> QuerySet[LedgerItem]:
    """Today's items the user may see, filtered (colour too) and ordered in SQL, with their stored
    evaluations; nothing is loaded: paginate it, then :func:`light_rows` the rows shown. A read only: the
    caller (a view, the API, the dashboard) brings the stored values up to date first with
    ``services.lights_ensure``."""
    f = filters or ItemFilters()
    qs = item_filter(user=user, filters=f).order_by(*ORDER)
    return qs.filter(light_colour=f.colour) if f.colour else qs


def warnings_for(
    *, user: User, plan: int | None = None, on: dt.date | None = None, filters: ItemFilters | None = None
) -> list[ItemLight]:
    """预警 for every item the user may see (of one plan, if given), on ``on`` (default today), with each
    ledger's scheme and the workday calendar including admin overrides. Today's come from the stored
    lights; another day's are evaluated."""
    f = filters or ItemFilters()
    if plan is not None:
        f = replace(f, plan=plan)
    if is_today(on) and is_today(f.on) and fresh(item_filter(user=user, filters=f)):
        return [ItemLight.stored(i) for i in _whole_rows(lights_query(user=user, filters=f))]  # whole rows
    return _with_colour(lights_evaluated(item_list(user=user, filters=f), on or f.on), f.colour)


def warnings_all(*, plan: int | None = None, on: dt.date | None = None) -> list[ItemLight]:
    """预警 for every item (of one plan), for the command line (the operator's full rights)."""
    qs = LedgerItem.objects.filter(ledger__plan_id=plan) if plan is not None else LedgerItem.objects.all()
    qs = qs.select_related("ledger__plan", "lead_unit", "org_unit", "parent").prefetch_related(
        "co_units", "milestones"
    )
    return lights_evaluated(qs.order_by("ledger_id", "order", "pk"), on)


def _with_colour(lights: list[ItemLight], colour: str) -> list[ItemLight]:
    return [x for x in lights if not colour or x.warning.colour == colour]


def lights_evaluated(items: QuerySet[LedgerItem], on: dt.date | None) -> list[ItemLight]:
    """Every item evaluated on ``on`` (default today) by the one evaluation the refresh stores."""
    from yigai.apps.ledger.figures import closed_days, evaluations  # figures imports this module

    rows = list(items)
    closed = closed_days(i.pk for i in rows if i.status == "closed")
    found = evaluations(rows, on or _today(), closed=closed)
    return [ItemLight.of(i, found[i.pk], closed.get(i.pk)) for i in rows]


def item_warning(*, item: LedgerItem, on: dt.date | None = None) -> ItemLight:
    """The evaluation of one item already reached through :func:`access_item`: today's as stored (brought
    up to date first), another day's evaluated."""
    day = on or _today()
    if day == _today():
        row = LedgerItem.objects.filter(pk=item.pk, light_on=day).first()
        if row is not None:
            return replace(ItemLight.stored(row), item=item)
    [light] = lights_evaluated(LedgerItem.objects.filter(pk=item.pk).select_related(
        "ledger", "lead_unit", "org_unit").prefetch_related("co_units", "milestones"), day)  # fmt: skip
    return replace(light, item=item)


def reporting_for(*, user: User, plan: int | None = None, on: dt.date | None = None) -> dict[str, UnitRate]:
    """报送率 per responsible unit (named with its place: 固安县人民政府, 廊坊市卫生健康委) over the visible
    items: today's from the stored counts, another day's evaluated. Counts come from the one evaluation."""
    from yigai.apps.ledger.adapters import place_unit_name
    from yigai.apps.ledger.figures import unit_rates  # figures imports this module

    f = ItemFilters(plan=plan)
    if is_today(on) and fresh(item_filter(user=user, filters=f)):
        rows = (
            item_filter(user=user, filters=f)
            .filter(lead_unit__isnull=False)
            .values("lead_unit__name", "org_unit__name", "org_unit__level")
            .annotate(
                on_time=Sum("reports_on_time"), late=Sum("reports_late"), missing=Sum("reports_missing")
            )
        )
        return unit_rates(
            (place_unit_name(r["lead_unit__name"], r["org_unit__name"], r["org_unit__level"]),
             ReportCounts(r["on_time"] or 0, r["late"] or 0, r["missing"] or 0))
            for r in rows
        )  # fmt: skip
    lights = lights_evaluated(item_list(user=user, filters=f), on)
    return unit_rates((place_unit(x.item), x.reports) for x in lights if x.item.lead_unit_id)
