"""Publish a plan: freeze it as the ledger's source and turn unit links into concrete assignments."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yigai.apps.audit.services import audit_record
from yigai.apps.plans.models import Plan, Status, Task, TaskAssignment
from yigai.apps.units.services import unit_expand


@transaction.atomic
def task_assign(*, task: Task) -> int:
    """(Re)build the task's assignments from its unit links; placeholders expand per city/county."""
    task.assignments.all().delete()
    rows: dict[tuple[int, int, str], TaskAssignment] = {}
    for link in task.unit_links.select_related("unit", "unit__org_unit"):
        for unit, org_unit in unit_expand(unit=link.unit, plan_org_unit=task.plan.org_unit):
            key = (unit.pk, org_unit.pk, link.role)
            rows.setdefault(key, TaskAssignment(task=task, unit=unit, org_unit=org_unit, role=link.role))
    TaskAssignment.objects.bulk_create(rows.values())
    return len(rows)


@transaction.atomic
def plan_publish(*, plan: Plan) -> int:
    """Publish (or re-publish) ``plan`` and put its tasks on the ledger (挂账, idempotent); returns the
    number of assignments made."""
    from yigai.apps.ledger.services import ledger_publish  # the ledger app builds on plans, not the reverse

    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    total = sum(task_assign(task=t) for t in locked.tasks.select_related("plan__org_unit"))
    plan.status = locked.status = Status.PUBLISHED
    plan.published_at = locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(actor=None, action="plan.publish", obj=locked, details={"assignments": total})
    ledger_publish(plan=locked)
    return total
