"""Publish a plan: check it, freeze it as the ledger's source, build its assignments and put its tasks on the
ledger (挂账) — one transaction, so a failure anywhere leaves the draft as it was."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.ledger.services import ledger_publish
from yigai.apps.plans.models import Plan, Status
from yigai.apps.plans.services.publish import task_assign
from yigai.apps.publishing.preview import publish_blockers


class PublishRefused(Exception):
    """The plan cannot be published; ``reasons`` are sentences for the user (active language)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons


@transaction.atomic
def plan_publish(*, plan: Plan, actor: User | None = None) -> int:
    """Publish (or re-publish) ``plan``: assignments rebuilt, tasks on the ledger (idempotent); returns the
    number of assignments. Raises :class:`PublishRefused` (nothing written) when the plan has no tasks or
    its region is not settled."""
    locked = Plan.objects.select_for_update().select_related("org_unit").get(pk=plan.pk)
    reasons = publish_blockers(plan=locked, n_tasks=locked.tasks.count())
    if reasons:
        raise PublishRefused(reasons)
    total = sum(task_assign(task=t) for t in locked.tasks.select_related("plan__org_unit"))
    plan.status = locked.status = Status.PUBLISHED
    plan.published_at = locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="plan.publish", obj=locked, details={"assignments": total})
    ledger_publish(plan=locked)
    return total
