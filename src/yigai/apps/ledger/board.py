"""Reads for the ledger pages: which plans' ledgers a user sees, the warning board (预警看板) and the
timeline (挂图作战). Everything starts from the jurisdiction selectors (``item_list`` / ``warnings_for``),
so a page never shows an item its reader could not open.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404

from yigai.apps.accounts.models import User
from yigai.apps.ledger.adapters import place_unit, place_unit_name
from yigai.apps.ledger.figures import Rollup, worst
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import ItemFilters, ItemLight, item_filter, light_rows, visible_items
from yigai.apps.plans.models import Plan
from yigai.core.ledger import COLOURS

#: Chart colours per warning colour (the sheet uses paler fills of the same hues).
HEX = {"red": "#d9363e", "orange": "#ef8a2c", "yellow": "#f0b400", "blue": "#3a7bd5",
       "green": "#3ba272", "grey": "#a0a4ab", "none": "#7f8c9a"}  # fmt: skip
LIT = ("red", "orange", "yellow", "blue")  # colours that call for attention, worst first


def ledger_plans(*, user: User) -> list[Plan]:
    """Plans with at least one ledger item the user may see, each with the number of those items
    (``n_items``: what the user sees, not the plan's total), in one grouped count over the visible items."""
    counts = dict(
        visible_items(user=user)
        .values("ledger__plan_id")
        .annotate(n=Count("pk"))
        .values_list("ledger__plan_id", "n")
    )
    plans = list(Plan.objects.filter(pk__in=counts).select_related("org_unit").order_by("pk"))
    for p in plans:
        p.n_items = counts[p.pk]  # type: ignore[attr-defined]  # the user's count, shown on the index
    return plans


def sees_plan(*, user: User, plan_id: int) -> bool:
    """Whether the user sees at least one ledger item of the plan."""
    return item_filter(user=user, filters=ItemFilters(plan=plan_id)).exists()


def access_ledger_plan(*, user: User, plan_id: int) -> Plan:
    """The plan if the user sees at least one of its ledger items, else 404."""
    plan = Plan.objects.filter(pk=plan_id).select_related("org_unit").first()
    if plan is None or not sees_plan(user=user, plan_id=plan.pk):
        raise Http404("找不到该方案的工作台账")
    return plan


@dataclass
class Board:
    colours: list[tuple[str, str]]  # (colour, label as the scheme names it), worst first
    by_unit: list[tuple[str, dict[str, int], int]]
    by_place: list[tuple[str, dict[str, int], int]]
    totals: dict[str, int]
    attention: list[ItemLight]  # the first ATTENTION lit items, red first
    chart: dict[str, Any] = field(default_factory=dict)
    attention_total: int = 0  # all lit items

    @property
    def attention_more(self) -> int:
        return self.attention_total - len(self.attention)


ATTENTION = 200  # lit items listed on the board; the rest are one click away in the filtered list


def _table(counts: dict[str, Counter[str]]) -> list[tuple[str, dict[str, int], int]]:
    rows = [(name, dict(c), sum(c.values())) for name, c in counts.items()]
    return sorted(rows, key=lambda r: (*(-r[1].get(c, 0) for c in LIT), -r[2], r[0]))[:200]


def warning_board(items: QuerySet[LedgerItem]) -> Board:
    """Counts by colour per responsible unit and per place, and the lit items (red first), from the
    stored lights of ``items`` (:func:`yigai.apps.ledger.selectors.lights_query`) in grouped queries."""
    groups = (
        items.order_by()
        .values("lead_unit__name", "org_unit__name", "org_unit__level", "light_colour", "light_label")
        .annotate(n=Count("pk"))
    )
    by_unit: dict[str, Counter[str]] = defaultdict(Counter)
    by_place: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for g in groups:
        colour, n = g["light_colour"], g["n"]
        labels.setdefault(colour, g["light_label"])
        unit = place_unit_name(g["lead_unit__name"], g["org_unit__name"], g["org_unit__level"])
        by_unit[unit][colour] += n
        by_place[g["org_unit__name"]][colour] += n
    colours = [(c, labels[c]) for c in COLOURS if c in labels]
    places = _table(by_place)
    totals: Counter[str] = sum(by_place.values(), Counter())
    rank = Case(
        *(When(light_colour=c, then=Value(i)) for i, c in enumerate(LIT)), output_field=IntegerField()
    )
    lit = items.filter(light_colour__in=LIT)
    attention = light_rows(lit.annotate(rank=rank).order_by("rank", "deadline", "code")[:ATTENTION])
    chart = {
        "places": [name for name, _, _ in places][:40][::-1],
        "series": [
            {"name": label, "colour": HEX.get(c, "#888"),
             "data": [counts.get(c, 0) for _, counts, _ in places[:40]][::-1]}
            for c, label in colours
        ],
    }  # fmt: skip
    return Board(
        colours, _table(by_unit), places, dict(totals), attention, chart, sum(totals[c] for c in LIT)
    )


def timeline_data(
    lights: list[ItemLight], today: dt.date, rollups: dict[int, Rollup] | None = None, expand_url: str = ""
) -> dict[str, Any]:
    """The 挂图作战 chart: one bar per item from start to deadline, its milestones, today, flags. A split
    item's parent (``rollups``) takes the worst light of itself and its children, says how many children
    are red, and links to them (``expand_url`` + its code)."""
    rows = []
    for light in lights:
        i, w = light.item, light.warning
        colour, label, reason = w.colour, w.label, w.reason
        up = (rollups or {}).get(i.pk)
        if up is not None and worst(up.colour, colour) != colour:
            colour, label = up.colour, up.label
            reason = f"下级事项{up.total}项，其中红灯{up.red}项（本级：{w.label}）"
        rows.append({
            "code": i.code, "title": (i.title or i.text)[:28], "unit": place_unit(i),
            "start": min(i.start, i.deadline).isoformat(), "end": i.deadline.isoformat(),
            "colour": HEX.get(colour, "#888"), "warning": label, "reason": reason,
            "status": light.status_label, "progress": i.progress,
            "closed": i.status == "closed", "withdrawn": i.status == "withdrawn", "overdue": light.overdue,
            "milestones": [{"name": m.name, "due": m.due.isoformat()} for m in i.milestones.all()],
            "url": f"/ledger/items/{i.code}/",
            "children_total": up.total if up else 0, "children_red": up.red if up else 0,
            "expand": f"{expand_url}{i.code}" if up and expand_url else "",
        })  # fmt: skip
    return {"today": today.isoformat(), "rows": rows}


def places_in(plan_id: int, user: User) -> list[tuple[str, str]]:
    """(code, name) of the org units the user's visible items of a plan sit in, for the county filter."""
    qs = item_filter(user=user, filters=ItemFilters(plan=plan_id))
    seen = dict(qs.values_list("org_unit__code", "org_unit__name").distinct())
    return sorted(seen.items())
