"""The ledger's figures, read: what the dashboard, scorecards, briefing, board and reporting rates count.

Everything here reads; the evaluation itself is :func:`yigai.core.ledger.evaluate_item` (through
:func:`yigai.apps.ledger.adapters.evaluation`). Today's figures are the values the refresh stored on each
item (``services.lights_refresh``), summed in SQL; another day's are evaluated by the same function on the
fly. Reporting completeness (due, on time, late, 漏报) is counted there and only there: this module sums.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Max, QuerySet, Sum, When
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import LedgerItem, ProgressReport, SupervisionNotice, Transition
from yigai.apps.ledger.selectors import ORDER, ItemFilters, ItemLight, item_filter, item_list, light_rows
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.ledger import ItemEvaluation, ReportCounts, UnitRate, WarningScheme


def reports_of(pks: Iterable[int]) -> dict[int, list[ProgressReport]]:
    """The lead units' reports of the items, in submission order."""
    found: dict[int, list[ProgressReport]] = defaultdict(list)
    rows = ProgressReport.objects.filter(item_id__in=list(pks), is_lead=True).order_by("submitted_at", "pk")
    for r in rows:
        found[r.item_id].append(r)
    return found


def closed_days(pks: Iterable[int]) -> dict[int, dt.date]:
    """The day each item was last approved closed (local time)."""
    rows = (
        Transition.objects.filter(item_id__in=list(pks), to_status="closed")
        .values("item_id")
        .annotate(at=Max("at"))
    )
    return {r["item_id"]: timezone.localdate(r["at"]) for r in rows}


def parents_among(pks: Iterable[int]) -> set[int]:
    """Those of the items that are split items' parents (they have children)."""
    ids = list(pks)
    return set(LedgerItem.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True).distinct())


def evaluations(
    items: list[LedgerItem], day: dt.date, *, closed: dict[int, dt.date] | None = None
) -> dict[int, ItemEvaluation]:
    """Every item evaluated on ``day`` (rows with ``ledger``, ``lead_unit``, ``org_unit``, ``co_units`` and
    ``milestones`` loaded), with reads in bulk: four queries whatever the number of items. ``closed``: the
    closing days when the caller already read them (:func:`closed_days`)."""
    pks = [i.pk for i in items]
    reports, parents = reports_of(pks), parents_among(pks)
    if closed is None:
        closed = closed_days(i.pk for i in items if i.status == "closed")
    cal, schemes = adapters.calendar_from_db(), dict[int, WarningScheme]()
    found = {}
    for item in items:
        scheme = schemes.get(item.ledger_id) or schemes.setdefault(
            item.ledger_id, adapters.scheme_for(item.ledger)
        )
        found[item.pk] = adapters.evaluation(
            item, reports.get(item.pk, []), today=day, calendar=cal, scheme=scheme,
            closed_on=closed.get(item.pk), is_parent=item.pk in parents,
        )  # fmt: skip
    return found


def unit_rates(rows: Iterable[tuple[str, ReportCounts]]) -> dict[str, UnitRate]:
    """报送率 per responsible unit from (unit as named in its place, the item's counts)."""
    totals: dict[str, ReportCounts] = defaultdict(ReportCounts)
    for unit, counts in rows:
        totals[unit] += counts
    return {u: UnitRate(u, c.due, c.on_time, c.late, c.missing) for u, c in totals.items()}


@dataclass(frozen=True)
class Group:
    """Items that share every value a tally looks at, and how many they are: a row of the grouped
    query over today's stored evaluations, or a single item evaluated for another day."""

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

    @property
    def unit(self) -> str:
        """The responsible unit in its place (廊坊市卫生健康委, 固安县人民政府)."""
        return adapters.place_unit_name(self.lead, self.place, self.level)


def stored_groups(items: QuerySet[LedgerItem]) -> list[Group]:
    """One GROUP BY over the stored evaluations (no item rows are loaded)."""
    on_time_closed = Sum(
        Case(When(closed_on__lte=F("deadline"), then=1), default=0, output_field=IntegerField())
    )
    grouped = (
        items.order_by()
        .values("org_unit_id", "lead_unit__name", "light_colour", "light_label", "status", "overdue", "is_demo")
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
              r["lead_unit__name"], r["light_colour"], r["light_label"], r["status"], r["overdue"],
              r["is_demo"], r["n"], r["closed_on_time"] or 0, r["on_time"] or 0, r["late"] or 0,
              r["missing"] or 0)
        for r in rows
    ]  # fmt: skip


def evaluated_groups(lights: Iterable[ItemLight]) -> list[Group]:
    """One group per item of lights evaluated for another day (:func:`selectors.lights_evaluated`)."""
    found = []
    for x in lights:
        i, c = x.item, x.reports
        closed_on = x.closed_on
        found.append(Group(
            i.org_unit.path, i.org_unit.name, i.org_unit.level, i.lead_unit.name if i.lead_unit else None,
            x.warning.colour, x.warning.label, i.status, x.overdue, i.is_demo, 1,
            int(i.status == "closed" and closed_on is not None and closed_on <= i.deadline),
            c.on_time, c.late, c.missing,
        ))  # fmt: skip
    return found


def scoped_items(*, user: User | None, scope: OrgUnit, plan: int | None) -> QuerySet[LedgerItem]:
    """Items inside ``scope`` (of one plan) the user may see; the command line (``None``) sees all."""
    if user is None:
        qs = LedgerItem.objects.filter(org_unit__path__startswith=scope.path)
        qs = qs.filter(ledger__plan_id=plan) if plan is not None else qs
        return qs.select_related("ledger__plan", "lead_unit", "org_unit", "parent").order_by(*ORDER)
    return item_list(user=user, filters=ItemFilters(plan=plan, org_unit=scope.code))


def overdue_rows(items: QuerySet[LedgerItem], limit: int) -> list[ItemLight]:
    """The overdue ones of ``items`` (stored evaluations), the longest overdue first."""
    return light_rows(items.filter(overdue=True).order_by("deadline", "code")[:limit])


def notices_of(items: QuerySet[LedgerItem] | list[int]) -> list[SupervisionNotice]:
    """督办单 of the items, the latest first."""
    qs = SupervisionNotice.objects.select_related("item__org_unit", "item__lead_unit")
    ids = items.order_by().values("pk") if isinstance(items, QuerySet) else items
    return list(qs.filter(item_id__in=ids).order_by("-issued_on", "pk"))


@dataclass(frozen=True)
class Rollup:
    """A split item's children as its parent row shows them: the worst light, how many are red, of how many."""

    colour: str
    label: str
    red: int
    total: int


def children_rollup(*, user: User, parents: Iterable[int]) -> dict[int, Rollup]:
    """Per parent (of ``parents``), its visible children's stored lights: one grouped query."""
    from yigai.core.ledger import COLOURS

    rank = {c: i for i, c in enumerate(COLOURS)}
    rows = (
        item_filter(user=user)
        .filter(parent_id__in=list(parents))
        .values("parent_id", "light_colour", "light_label")
        .annotate(n=Count("pk"))
    )
    found: dict[int, Rollup] = {}
    for r in rows:
        pid, colour, n = r["parent_id"], r["light_colour"], r["n"]
        old = found.get(pid)
        worse = old is None or rank.get(colour, len(rank)) < rank.get(old.colour, len(rank))
        found[pid] = Rollup(
            colour if worse else old.colour,  # type: ignore[union-attr]  # old is set unless worse
            r["light_label"] if worse else old.label,  # type: ignore[union-attr]
            (old.red if old else 0) + (n if colour == "red" else 0),
            (old.total if old else 0) + n,
        )
    return found


def worst(a: str, b: str) -> str:
    """The worse of two warning colours (red first, as :data:`yigai.core.ledger.COLOURS` orders them)."""
    from yigai.core.ledger import COLOURS

    order = {c: i for i, c in enumerate(COLOURS)}
    return a if order.get(a, len(order)) <= order.get(b, len(order)) else b
