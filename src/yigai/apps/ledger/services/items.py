"""挂账: publishing a plan puts its tasks on the ledger; items added by hand; edits of an item's fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import Ledger, LedgerItem, Milestone
from yigai.apps.ledger.services.base import item_lock, item_save
from yigai.apps.ledger.services.errors import LedgerError
from yigai.apps.ledger.services.lights import lights_invalidate
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.adapters import parse_date
from yigai.apps.plans.models import LinkRole, Plan, Section, Task
from yigai.apps.units.models import Unit
from yigai.apps.units.services import unit_expand
from yigai.core.ledger import Milestone as CoreMilestone
from yigai.core.ledger import MilestoneSpec, WorkCalendar, back_schedule, linear_progress
from yigai.core.permissions import Perm, may


def _plan_dates(plan: Plan, task: Task | None, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """(start, deadline, note): start = issue date, else period start, else the first day of the year of
    the plan's earliest task deadline (a plan cannot start after its first deadline's year), else today;
    the deadline is the task's, else the plan period's end, else the year's end. A start after the
    deadline is moved to it."""
    start = plan.issued_on or (dt.date(plan.period_start, 1, 1) if plan.period_start else None)
    if start is None:
        if not hasattr(plan, "_earliest_deadline"):
            plan._earliest_deadline = plan.tasks.aggregate(m=Min("deadline"))["m"]  # type: ignore[attr-defined]  # memo per publish run
        earliest = plan._earliest_deadline  # type: ignore[attr-defined]
        start = dt.date(earliest.year, 1, 1) if earliest else today
    note = ""
    deadline = task.deadline if task is not None else None
    if deadline is None:
        year = plan.period_end or start.year
        deadline, note = dt.date(year, 12, 31), f"原文未写明时限，按{year}年底计"
    return min(start, deadline), deadline, note


def _next_code(ledger: Ledger) -> str:
    locked = Ledger.objects.select_for_update().get(pk=ledger.pk)
    code = f"L{ledger.plan_id}-{locked.next_number:04d}"
    Ledger.objects.filter(pk=ledger.pk).update(next_number=locked.next_number + 1)
    return code


class Scheduler:
    """倒排工期 with a memo: most items of a plan share (start, deadline), and day-by-day workday stepping
    over five years costs ~10 ms per milestone."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._memo: dict[tuple[object, ...], tuple[CoreMilestone, ...]] = {}

    def schedule(
        self, spec: tuple[MilestoneSpec, ...], start: dt.date, end: dt.date
    ) -> tuple[CoreMilestone, ...]:
        key = (spec, start, end)
        if key not in self._memo:
            self._memo[key] = back_schedule(start, end, spec, self.calendar)
        return self._memo[key]


def milestones_rebuild(
    *, item: LedgerItem, scheduler: Scheduler, extra: Sequence[Mapping[str, str]] = ()
) -> None:
    """倒排工期 for the item (ledger template) plus the dated nodes the document states (``extra``)."""
    item.milestones.all().delete()
    spec = adapters.milestone_spec(item.ledger)
    rows = [
        Milestone(item=item, name=m.name, due=m.due, expected_progress=m.expected_progress, clamped=m.clamped)
        for m in scheduler.schedule(spec, item.start, item.deadline)
    ]
    for node in extra:
        due = parse_date(node.get("due"))
        if due is not None and item.start <= due <= item.deadline:
            name = (node.get("text") or "文件节点")[:100]
            rows.append(Milestone(item=item, name=name, due=due,
                                  expected_progress=linear_progress(item.start, item.deadline, due)))  # fmt: skip
    Milestone.objects.bulk_create(rows)
    lights_invalidate(LedgerItem.objects.filter(pk=item.pk))  # milestones drive near-due lights


def _create(ledger: Ledger, cal: Scheduler, co_units: list[Unit], **fields: Any) -> LedgerItem:
    item = LedgerItem.objects.create(ledger=ledger, code=_next_code(ledger), is_demo=ledger.is_demo, **fields)
    if co_units:
        item.co_units.set(co_units)
    task = fields.get("task")
    milestones_rebuild(item=item, scheduler=cal, extra=list(task.milestones) if task is not None else [])
    return item


def _task_items(
    ledger: Ledger, task: Task, cal: Scheduler, seen: set[tuple[int, int]], today: dt.date
) -> int:
    plan = ledger.plan
    links = list(task.unit_links.select_related("unit", "unit__org_unit"))
    leads = [lk.unit for lk in links if lk.role == LinkRole.LEAD]
    lead = leads[0] if leads else None
    place = plan.org_unit if lead is None or lead.is_placeholder else (lead.org_unit or plan.org_unit)
    start, deadline, note = _plan_dates(plan, task, today)
    common = {"task": task, "section": task.section, "title": task.title or task.text[:60], "text": task.text,
              "start": start, "deadline": deadline, "deadline_note": note, "order": task.order}  # fmt: skip
    made = 0
    parent = LedgerItem.objects.filter(task=task, org_unit=place).first()
    if parent is None:
        others = [lk.unit for lk in links if lk.unit != lead]
        parent = _create(ledger, cal, others, lead_unit=lead, org_unit=place, **common)
        made += 1
    seen.add((task.pk, place.pk))
    for link in links:
        if not link.unit.is_placeholder:
            continue
        for generic, county in unit_expand(unit=link.unit, plan_org_unit=plan.org_unit):
            if (task.pk, county.pk) in seen:
                continue
            seen.add((task.pk, county.pk))
            if not LedgerItem.objects.filter(task=task, org_unit=county).exists():
                _create(ledger, cal, [], parent=parent, lead_unit=generic, org_unit=county, **common)
                made += 1
    return made


@transaction.atomic
def ledger_publish(*, plan: Plan) -> int:
    """挂账: one item per task of ``plan``; a placeholder unit (各县（市、区）人民政府, 各市 …) adds one child
    item per place it stands for. Idempotent: items already on the ledger are left as they are, so
    publishing again changes nothing (a task added since gets its item). Returns the items made."""
    ledger, _ = Ledger.objects.get_or_create(plan=plan, defaults={"is_demo": plan.is_demo})
    cal, today, seen = Scheduler(adapters.calendar_from_db()), timezone.localdate(), set[tuple[int, int]]()
    tasks = plan.tasks.select_related("section").order_by("order", "pk")
    return sum(_task_items(ledger, task, cal, seen, today) for task in tasks)


def _check_owner(user: User, plan: Plan) -> None:
    from yigai.apps.plans.selectors import access_plan

    access_plan(user=user, ref=plan.pk, for_publish=True)


@transaction.atomic
def item_add(
    *,
    ledger: Ledger,
    user: User,
    title: str,
    text: str = "",
    lead_unit: Unit | None,
    org_unit: OrgUnit | None = None,
    co_units: list[Unit] | None = None,
    deadline: dt.date,
    start: dt.date | None = None,
    section: Section | None = None,
    responsible_leader: str = "",
    responsible_office: str = "",
) -> LedgerItem:
    """新增一件、挂账一项: an item added by hand by the plan's owner, optionally under a plan section."""
    _check_owner(user, ledger.plan)
    if not title.strip():
        raise LedgerError("请填写目标任务", "title_required")
    if section is not None and section.plan_id != ledger.plan_id:
        raise LedgerError("所选章节不属于该方案", "section_other_plan")
    begin = start or timezone.localdate()
    if deadline < begin:
        raise LedgerError(
            f"完成时限 {deadline.isoformat()} 早于开始日期 {begin.isoformat()}", "deadline_before_start"
        )
    place = org_unit or (lead_unit.org_unit if lead_unit and lead_unit.org_unit else ledger.plan.org_unit)
    return _create(
        ledger, Scheduler(adapters.calendar_from_db()), list(co_units or []), title=title.strip(), text=text,
        lead_unit=lead_unit, org_unit=place, section=section, start=begin, deadline=deadline,
        responsible_leader=responsible_leader, responsible_office=responsible_office,
        order=ledger.items.count() + 10_000,
    )  # fmt: skip


EDITABLE = ("title", "text", "responsible_leader", "responsible_office")


@transaction.atomic
def item_update(*, item: LedgerItem, user: User, expected_version: int, **fields: str) -> LedgerItem:
    """Edit an item's descriptive fields (目标任务, 具体措施, 责任领导, 责任处室) as its plan owner or a
    reviewer in its jurisdiction. Status and deadline change only through :func:`item_transition`."""
    from yigai.apps.ledger.selectors import access_item_row

    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise LedgerError(f"不能修改这些字段：{'、'.join(unknown)}", "field_not_editable")
    access_item_row(user=user, item_id=item.pk)
    if not may(user, Perm.EDIT_ITEMS):
        raise PermissionDenied("只有方案管理员或审核员可以修改事项内容")
    locked = item_lock(item=item, expected_version=expected_version)
    for name, value in fields.items():
        setattr(locked, name, value.strip())
    item_save(locked, list(fields))
    return locked
