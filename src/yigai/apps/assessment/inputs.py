"""The one adapter from the database to :mod:`yigai.core.assessment` facts, as of a stage day.

"As of" means: the item's status and deadline as they stood at the end of that day (transitions after it
are undone), only reports submitted by then, 督办 replies given by then, evidence marks given by then, and
indicator values of years up to the stage year (final values only, as target monitoring reads them). Each
item's counts come from the ledger's one evaluation (``adapters.evaluation`` → ``evaluate_item``) for that
day: nothing is recounted here.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from yigai.apps.assessment.models import EvidenceMark
from yigai.apps.indicators.computing import indicator_values, is_final
from yigai.apps.indicators.models import Indicator
from yigai.apps.ledger import adapters
from yigai.apps.ledger.figures import parents_among
from yigai.apps.ledger.models import LedgerItem, ProgressReport, SupervisionNotice, Transition
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Plan
from yigai.core.assessment import ItemFact, NoticeFact, Scheme, SchemeContext, Series, UnitFacts
from yigai.core.assessment.rules import TargetAchievement
from yigai.core.indicators import default_catalogue
from yigai.core.ledger import WarningScheme

FIRST_YEAR = 2015
LEVEL_OF_KIND = {"city": "city", "county": "county", "hospital": "facility"}
NOT_DEPARTMENTS = ("government", "group", "placeholder")


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of ``day`` in local time (anything at or before it happened by the stage day)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)) - dt.timedelta(
        microseconds=1
    )


def plan_of(scheme: Scheme) -> Plan | None:
    """The plan a scheme names (``plan:`` as file name, 文号 or title), or None when it names none."""
    if scheme.plan is None:
        return None
    p = scheme.plan
    return Plan.objects.filter(Q(source=p) | Q(doc_number=p) | Q(title=p)).order_by("pk").first()


def context_for(plan: Plan | None, kind: str | None = None) -> SchemeContext:
    """What a scheme may name: the plan's item codes, the indicators, the units of its kind; the plan's
    start (its period's first year, else the day it was issued)."""
    items = LedgerItem.objects.all() if plan is None else LedgerItem.objects.filter(ledger__plan=plan)
    start = None
    if plan is not None:
        start = dt.date(plan.period_start, 1, 1) if plan.period_start else plan.issued_on
    units = None
    if kind in LEVEL_OF_KIND:
        units = frozenset(OrgUnit.objects.filter(level=LEVEL_OF_KIND[kind]).values_list("name", flat=True))
    elif kind == "department":  # the departments the assessment would list: those leading the plan's items
        units = frozenset(departments(items.select_related("lead_unit", "org_unit")))
    return SchemeContext(
        item_codes=frozenset(items.values_list("code", flat=True)),
        indicators=frozenset(Indicator.objects.values_list("code", flat=True))
        | set(default_catalogue().indicators),
        units=units,
        plan_start=start,
    )


def _items(scheme: Scheme, day: dt.date) -> list[LedgerItem]:
    qs = LedgerItem.objects.filter(start__lte=day)
    plan = plan_of(scheme)
    if scheme.plan is not None:
        qs = qs.filter(ledger__plan=plan)
    if scheme.within:
        within = OrgUnit.objects.filter(name=scheme.within).first()
        qs = qs.filter(org_unit__path__startswith=within.path if within else "\0")
    qs = qs.select_related("ledger__plan", "lead_unit", "org_unit", "parent").prefetch_related(
        "co_units", "milestones"
    )
    return list(qs.order_by("code"))


def _as_of(item: LedgerItem, transitions: list[Transition], reports: list[ProgressReport]) -> LedgerItem:
    """A copy of the row (never saved) as it stood: later transitions undone, progress from reports."""
    row = copy.copy(item)
    for t in sorted(transitions, key=lambda t: (t.at, t.pk), reverse=True):
        row.status = t.from_status
        if t.old_deadline is not None:
            row.deadline = t.old_deadline
        row.close_requested_by = row.pending_reason = row.pending_requested_by = ""
        row.pending_deadline = None
    percents = [r.percent for r in reports if r.percent is not None]
    row.progress = percents[-1] if percents else None
    return row


def _grouped(rows: Iterable[object], attr: str) -> dict[int, list]:  # type: ignore[type-arg]  # rows of any model
    found: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for r in rows:
        found[getattr(r, attr)].append(r)
    return found


def item_facts(items: list[LedgerItem], day: dt.date) -> dict[int, ItemFact]:
    """Each item's fact for ``day``, from the one evaluation (bulk reads: a handful of queries)."""
    pks, end = [i.pk for i in items], end_of(day)
    later = _grouped(Transition.objects.filter(item_id__in=pks, at__gt=end), "item_id")
    closings = _grouped(
        Transition.objects.filter(item_id__in=pks, at__lte=end, to_status="closed").order_by("at"), "item_id"
    )
    reports = _grouped(
        ProgressReport.objects.filter(item_id__in=pks, is_lead=True, submitted_at__lte=end).order_by(
            "submitted_at", "pk"
        ),
        "item_id",
    )
    marks = {m.item_id: m.mark for m in EvidenceMark.objects.filter(item_id__in=pks, marked_at__lte=end)}
    parents, cal, schemes = parents_among(pks), adapters.calendar_from_db(), dict[int, WarningScheme]()
    found = {}
    for item in items:
        row = _as_of(item, later.get(item.pk, []), reports.get(item.pk, []))
        closed_on = (
            timezone.localdate(closings[item.pk][-1].at)
            if row.status == "closed" and closings.get(item.pk)
            else None
        )
        scheme = schemes.get(item.ledger_id) or schemes.setdefault(
            item.ledger_id, adapters.scheme_for(item.ledger)
        )
        evaluation = adapters.evaluation(
            row, reports.get(item.pk, []), today=day, calendar=cal, scheme=scheme, closed_on=closed_on,
            is_parent=item.pk in parents,
        )  # fmt: skip
        found[item.pk] = ItemFact.of(
            code=item.code, title=item.title or item.text[:40], deadline=row.deadline, status=row.status,
            closed_on=closed_on, evaluation=evaluation, evidence_mark=marks.get(item.pk),
        )  # fmt: skip
    return found


def notice_facts(items: list[LedgerItem], day: dt.date) -> dict[int, list[NoticeFact]]:
    found: dict[int, list[NoticeFact]] = defaultdict(list)
    end = end_of(day)
    rows = SupervisionNotice.objects.filter(
        item_id__in=[i.pk for i in items], issued_on__lte=day
    ).select_related("item")
    for n in rows.order_by("issued_on", "pk"):
        answered = timezone.localdate(n.replied_at) if n.replied_at and n.replied_at <= end else None
        found[n.item_id].append(NoticeFact(f"D{n.pk}", n.item.code, n.issued_on, n.reply_by, answered))
    return found


def _indicators(scheme: Scheme) -> list[str]:
    codes: list[str] = []
    for c in scheme.components:
        if isinstance(c.rule, TargetAchievement):
            codes += [t.indicator for t in c.rule.targets if t.indicator not in codes]
    return codes


def _series(scheme: Scheme, orgs: list[OrgUnit], day: dt.date) -> dict[str, tuple[Series, ...]]:
    codes = _indicators(scheme)
    if not codes or not orgs:
        return {}
    rows = indicator_values(indicators=codes, org_units=[o.code for o in orgs],
                            periods=[str(y) for y in range(FIRST_YEAR, day.year + 1)])  # fmt: skip
    points: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for r in rows:
        if is_final(r) and r.value is not None:
            points[(r.org_unit, r.indicator)].append((int(r.period), float(r.value)))
    return {o.code: tuple(Series(c, tuple(sorted(points[(o.code, c)]))) for c in codes) for o in orgs}


def departments(items: Iterable[LedgerItem]) -> dict[str, list[LedgerItem]]:
    """The items by the department leading them, named in its place (市卫生健康委 of 保定市 is
    保定市卫生健康委); items led by a government, a group or a placeholder belong to no department."""
    found: dict[str, list[LedgerItem]] = defaultdict(list)
    for i in items:
        if i.lead_unit_id and i.lead_unit.kind not in NOT_DEPARTMENTS:  # type: ignore[union-attr]  # checked by id
            found[adapters.place_unit(i)].append(i)
    return found


def unit_facts(scheme: Scheme, day: dt.date) -> list[UnitFacts]:
    """Every assessed unit of the scheme's kind, with its items, notices and indicator series on ``day``."""
    items = _items(scheme, day)
    facts, notices = item_facts(items, day), notice_facts(items, day)
    if scheme.kind == "department":
        by_unit = departments(items)
        return [
            UnitFacts(name, name, "department", tuple(facts[i.pk] for i in rows),
                      tuple(n for i in rows for n in notices.get(i.pk, [])))
            for name, rows in sorted(by_unit.items())
        ]  # fmt: skip
    orgs = OrgUnit.objects.filter(level=LEVEL_OF_KIND[scheme.kind])
    if scheme.within:
        within = OrgUnit.objects.filter(name=scheme.within).first()
        orgs = orgs.filter(path__startswith=within.path if within else "\0")
    by_org: dict[int, list[LedgerItem]] = defaultdict(list)
    for i in items:
        by_org[i.org_unit_id].append(i)
    # a city or county is assessed where the plan gave it work; a hospital is assessed as a hospital (a
    # 公立医院绩效考核 scores its own indicator values, whether or not a ledger item names it)
    org_list = [o for o in orgs.order_by("path") if o.pk in by_org or scheme.kind == "hospital"]
    series = _series(scheme, org_list, day)
    return [
        UnitFacts(o.code, o.name, scheme.kind, tuple(facts[i.pk] for i in by_org[o.pk]),
                  tuple(n for i in by_org[o.pk] for n in notices.get(i.pk, [])), series.get(o.code, ()))
        for o in org_list
    ]  # fmt: skip
