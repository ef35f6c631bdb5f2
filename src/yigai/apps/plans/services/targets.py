"""Review of targets: correct, add, delete — audited like task edits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.plans.models import Plan, Target, Task
from yigai.apps.plans.services.review import ReviewError, _join

TARGET_FIELDS = (
    "indicator", "comparator", "value", "value_max", "unit", "per", "year", "due", "scope", "condition",
    "quote", "task",
)  # fmt: skip
COMPARATORS = (">=", "<=", "=", ">", "<", "increase_by", "decrease_by", "range")


def _check(fields: dict[str, Any], plan_id: int) -> None:
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ReviewError(_("不能修改的字段：%(fields)s") % {"fields": _join(sorted(unknown))})
    if "comparator" in fields and fields["comparator"] not in COMPARATORS:
        raise ReviewError(_("不支持的比较方式：%(c)s") % {"c": fields["comparator"]})
    if "indicator" in fields and not str(fields["indicator"] or "").strip():
        raise ReviewError(_("请填写指标名称"))
    task: Task | None = fields.get("task")
    if task is not None and task.plan_id != plan_id:
        raise ReviewError(_("所选任务不属于该方案"))


def _assign(target: Target, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        blank = value is None and name not in ("value", "value_max", "year", "due", "task")
        setattr(target, name, "" if blank else value)


@transaction.atomic
def target_update(*, target: Target, actor: User | None = None, **fields: Any) -> Target:
    """Change any of :data:`TARGET_FIELDS` of a target (a ratio's value is the N of "1:N")."""
    _check(fields, target.plan_id)
    _assign(target, fields)
    target.edited = True
    target.save()
    audit_record(actor=actor, action="target.update", obj=target, details={"fields": sorted(fields)})
    return target


@transaction.atomic
def target_add(*, plan: Plan, actor: User | None = None, **fields: Any) -> Target:
    """A target the extractor missed, added by the owner at the end of the plan's targets."""
    _check(fields, plan.pk)
    last = plan.targets.aggregate(m=Max("order"))["m"]
    target = Target(plan=plan, order=(last or 0) + 1, edited=True, comparator=">=")
    _assign(target, fields)
    target.save()
    audit_record(actor=actor, action="target.add", obj=target, details={"fields": sorted(fields)})
    return target


@transaction.atomic
def target_delete(*, target: Target, actor: User | None = None) -> None:
    """Remove a target read by mistake (its indicator link goes with it)."""
    details = {"indicator": target.indicator, "quote": target.quote[:200], "plan": target.plan_id}
    audit_record(actor=actor, action="target.delete", obj=target, details=details)
    target.delete()
