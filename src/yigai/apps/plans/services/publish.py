"""Assignments: a task's unit links turned into concrete (unit, place) responsibilities.

Publishing itself (status, ledger) is :mod:`yigai.apps.publishing`, the one use case that goes from plans to
the ledger; this module never imports the ledger.
"""

from __future__ import annotations

from django.db import transaction

from yigai.apps.plans.models import Task, TaskAssignment
from yigai.apps.units.services import unit_expand


@transaction.atomic
def task_assign(*, task: Task) -> int:
    """(Re)build the task's assignments from its unit links. A placeholder expands to the named places of
    the plan's region (固安县人民政府 …); one that names none stays one row flagged ``needs_assignment``."""
    task.assignments.all().delete()
    region = task.plan.org_unit
    rows: dict[tuple[int, int, str], TaskAssignment] = {}
    for link in task.unit_links.select_related("unit", "unit__org_unit"):
        expanded = unit_expand(unit=link.unit, plan_org_unit=region)
        flagged = not expanded
        for unit, org_unit in expanded or [(link.unit, region)]:
            key = (unit.pk, org_unit.pk, link.role)
            rows.setdefault(
                key,
                TaskAssignment(
                    task=task, unit=unit, org_unit=org_unit, role=link.role, needs_assignment=flagged
                ),
            )
    TaskAssignment.objects.bulk_create(rows.values())
    return len(rows)
