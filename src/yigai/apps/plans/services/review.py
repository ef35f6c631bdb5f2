"""Review: correct any task field, set its units, merge and split tasks, link a plan to its parent plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Plan, Section, Status, Task
from yigai.apps.plans.services.imports import _store_units
from yigai.apps.plans.services.publish import task_assign

TASK_FIELDS = ("number", "title", "text", "units_as_written", "deadline", "deadline_text", "recurring")
PLAN_FIELDS = ("title", "doc_number", "issuer", "issued_on", "period_start", "period_end")


class ReviewError(ValueError):
    """A review action that cannot be done; the message is for the user, in the active language."""


def _join(names: list[str]) -> str:
    """Field names as one list for a message: "number、title" in Chinese, "number, title" in English."""
    return pgettext("list separator", "、").join(names)


@transaction.atomic
def task_update(
    *,
    task: Task,
    section: Section | bool | None = False,
    lead_units: list[str] | None = None,
    co_units: list[str] | None = None,
    **fields: Any,
) -> Task:
    """Change any of :data:`TASK_FIELDS`, the section (``None`` clears it) and the lead/co units."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ReviewError(_("不能修改的字段：%(fields)s") % {"fields": _join(sorted(unknown))})
    if "deadline" in fields and isinstance(fields["deadline"], str):
        fields["deadline"] = dt.date.fromisoformat(fields["deadline"]) if fields["deadline"] else None
    if fields.get("deadline") is not None and task.deadline != fields["deadline"]:
        task.deadline_source = "review"
    for name, value in fields.items():
        setattr(task, name, "" if value is None and name != "deadline" else value)
    if section is not False:
        if section is not None and section.plan_id != task.plan_id:  # type: ignore[union-attr]  # bool ruled out
            raise ReviewError(_("所选章节不属于该方案"))
        task.section = section or None  # type: ignore[assignment]  # bool ruled out above
        task.path = _section_path(task.section)
    task.edited = True
    task.save()
    audit_record(
        actor=None,
        action="task.update",
        obj=task,
        details={"fields": sorted(fields), "units": lead_units is not None or co_units is not None},
    )
    if lead_units is not None or co_units is not None:
        task_set_units(
            task=task,
            lead=lead_units if lead_units is not None else _names(task, "lead"),
            co=co_units if co_units is not None else _names(task, "co"),
        )
    return task


def _names(task: Task, role: str) -> list[str]:
    return [link.unit.name for link in task.unit_links.filter(role=role).select_related("unit")]


def _section_path(section: Section | None) -> list[str]:
    path: list[str] = []
    while section is not None:
        path.insert(0, section.title)
        section = section.parent
    return path


@transaction.atomic
def task_set_units(*, task: Task, lead: list[str], co: list[str]) -> Task:
    """Replace the task's lead and co units; a published task's assignments follow at once."""
    task.unit_links.all().delete()
    _store_units(task, lead=lead, co=co)
    if Plan.objects.filter(pk=task.plan_id, status=Status.PUBLISHED).exists():
        task_assign(task=task)
    return task


@transaction.atomic
def task_merge(*, tasks: list[Task]) -> Task:
    """Merge tasks of one plan into the first (in plan order): texts joined, units and targets united."""
    if len(tasks) < 2:
        raise ReviewError(_("合并至少需要选择两项任务"))
    if len({t.plan_id for t in tasks}) != 1:
        raise ReviewError(_("只能合并同一方案中的任务"))
    first, *rest = sorted(tasks, key=lambda t: (t.order, t.pk))
    lead, co = _names(first, "lead"), _names(first, "co")
    for other in rest:
        first.text = f"{first.text}\n{other.text}".strip()
        first.milestones = [*first.milestones, *other.milestones]
        lead += [n for n in _names(other, "lead") if n not in lead]
        co += [n for n in _names(other, "co") if n not in co and n not in lead]
        first.units_as_written = "、".join(x for x in (first.units_as_written, other.units_as_written) if x)
        other.targets.update(task=first)
        other.delete()
    first.edited = True
    first.save()
    task_set_units(task=first, lead=lead, co=co)
    audit_record(actor=None, action="task.merge", obj=first, details={"merged": [t.pk for t in rest]})
    return first


@transaction.atomic
def task_split(*, task: Task, texts: list[str]) -> list[Task]:
    """Split a task into one task per text; each copy keeps the section, deadline and units."""
    texts = [t.strip() for t in texts if t.strip()]
    if len(texts) < 2:
        raise ReviewError(_("拆分至少需要两段内容"))
    lead, co = _names(task, "lead"), _names(task, "co")
    Task.objects.filter(plan=task.plan, order__gt=task.order).update(order=F("order") + len(texts) - 1)
    task.text, task.edited = texts[0], True
    task.save()
    out = [task]
    for i, text in enumerate(texts[1:], start=1):
        copy = Task.objects.create(
            plan=task.plan, section=task.section, path=task.path, number=f"{task.number}-{i + 1}"
            if task.number else "", title=task.title, text=text, units_as_written=task.units_as_written,
            deadline=task.deadline, deadline_text=task.deadline_text, deadline_source=task.deadline_source,
            recurring=task.recurring, order=task.order + i, edited=True,
        )  # fmt: skip
        task_set_units(task=copy, lead=lead, co=co)
        out.append(copy)
    audit_record(actor=None, action="task.split", obj=task, details={"into": [t.pk for t in out]})
    return out


@transaction.atomic
def plan_update(*, plan: Plan, **fields: Any) -> Plan:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ReviewError(_("不能修改的字段：%(fields)s") % {"fields": _join(sorted(unknown))})
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save()
    audit_record(actor=None, action="plan.update", obj=plan, details={"fields": sorted(fields)})
    return plan


@transaction.atomic
def plan_link_parent(*, plan: Plan, parent: Plan | None) -> Plan:
    """Record that ``plan`` (e.g. a city plan) implements ``parent`` (the provincial plan)."""
    if parent is not None:
        if parent.pk == plan.pk:
            raise ReviewError(_("方案不能落实其自身"))
        ancestor: Plan | None = parent
        while ancestor is not None:
            if ancestor.pk == plan.pk:
                raise ReviewError(_("不能形成循环的上下级关系"))
            ancestor = ancestor.implements
    plan.implements = parent
    plan.save(update_fields=["implements"])
    audit_record(actor=None, action="plan.link", obj=plan, details={"parent": parent.pk if parent else None})
    return plan


@transaction.atomic
def plan_set_region(*, plan: Plan, org_unit: OrgUnit, actor: User | None = None) -> Plan:
    """Set the plan's region (whose plan it is, where its placeholders expand); only before publishing."""
    if Plan.objects.filter(pk=plan.pk, status=Status.PUBLISHED).exists():
        raise ReviewError(_("方案已发布，不能再修改行政区划"))
    before = plan.org_unit.name
    plan.org_unit, plan.region_confirmed = org_unit, True
    plan.save(update_fields=["org_unit", "region_confirmed"])
    audit_record(actor=actor, action="plan.region", obj=plan, details={"from": before, "to": org_unit.name})
    return plan
