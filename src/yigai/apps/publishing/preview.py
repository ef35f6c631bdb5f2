"""The publish preview: what publishing a plan would make, computed without writing anything."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import LinkRole, Plan
from yigai.apps.units.selectors import unit_expand_names
from yigai.core.units.expand import is_placeholder_like


@dataclass(frozen=True)
class UnitCount:
    """How many of the plan's tasks one unit of one place will answer for (as lead or co-unit)."""

    unit: str
    place: str
    items: int
    lead: int


@dataclass(frozen=True)
class Unassigned:
    """A placeholder no rule can expand inside the plan's region: one item the owner must assign."""

    task_id: int
    task_number: str
    task_title: str
    as_written: str


@dataclass
class Preview:
    plan: Plan
    n_tasks: int = 0
    units: list[UnitCount] = field(default_factory=list)
    unassigned: list[Unassigned] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)
    n_ledger_items: int = 0

    @property
    def publishable(self) -> bool:
        return not self.blockers


_LEVEL_WORD = {"province": "省", "city": "市", "county": "县"}


def with_place(name: str, place: OrgUnit) -> str:
    """A unit as people of the place name it: "市卫生健康委" of 廊坊市 → "廊坊市卫生健康委"."""
    word = _LEVEL_WORD.get(place.level)
    if word and name.startswith(word) and not name.startswith(place.name):
        return place.name + name[1:]
    return name


def publish_blockers(*, plan: Plan, n_tasks: int) -> list[str]:
    """Why ``plan`` cannot be published yet (empty: it can), one sentence each in the active language."""
    reasons: list[str] = []
    if not plan.region_confirmed:
        if plan.issuer:
            reasons.append(
                _("发文机关“%(issuer)s”不在本平台的行政区划内，请先选择方案所属的行政区划")
                % {"issuer": plan.issuer}
            )
        else:
            reasons.append(_("方案所属的行政区划尚未确认，请先选择"))
    if n_tasks == 0:
        reasons.append(_("方案没有任务，发布后不会产生任何台账事项"))
    return reasons


def publish_preview(*, plan: Plan) -> Preview:
    """Items per (unit, place), unassignable placeholders, blockers and the number of ledger items."""
    region = plan.org_unit
    tasks = list(plan.tasks.prefetch_related("unit_links__unit__org_unit").order_by("order", "pk"))
    preview = Preview(plan=plan, n_tasks=len(tasks))
    items: Counter[tuple[str, str]] = Counter()
    leads: Counter[tuple[str, str]] = Counter()
    for task in tasks:
        seen: set[tuple[str, str]] = set()
        places = {region.pk}
        for link in task.unit_links.all():
            named = unit_expand_names(unit=link.unit, plan_org_unit=region)
            if not named and is_placeholder_like(link.unit.name):
                preview.unassigned.append(
                    Unassigned(
                        task.pk, task.number, task.title or task.text[:40], link.as_written or link.unit.name
                    )
                )
                named = [(link.unit.name, region)]
            for name, place in named:
                key = (with_place(name, place), place.name)
                if key not in seen:
                    seen.add(key)
                    items[key] += 1
                if link.role == LinkRole.LEAD:
                    leads[key] += 1
                if link.unit.is_placeholder:
                    places.add(place.pk)
        preview.n_ledger_items += len(places)
    preview.units = sorted(
        (UnitCount(unit, place, n, leads[(unit, place)]) for (unit, place), n in items.items()),
        key=lambda r: (-r.items, r.place, r.unit),
    )
    preview.blockers = publish_blockers(plan=plan, n_tasks=len(tasks))
    return preview
