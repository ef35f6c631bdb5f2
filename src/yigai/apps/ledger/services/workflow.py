"""Workflow writes: transitions (销号、退回、延期、撤销 …) and progress reports, with optimistic concurrency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import LedgerItem, ProgressReport, Transition
from yigai.apps.ledger.selectors import access_item_row, is_co_reporter, item_role
from yigai.apps.ledger.services.base import item_lock, item_save
from yigai.apps.ledger.services.errors import LedgerError
from yigai.apps.ledger.services.evidence import evidence_attach, evidence_check
from yigai.apps.ledger.services.items import Scheduler, milestones_rebuild
from yigai.core.ledger import Action, Actor, Role, TransitionRecord, due_periods, transition
from yigai.core.permissions import Perm, may

STATE_FIELDS = ["status", "deadline", "close_requested_by", "pending_deadline", "pending_reason",
                "pending_requested_by"]  # fmt: skip


def _record(item: LedgerItem, user: User, rec: TransitionRecord) -> Transition:
    """The ledger's history row; a decision (every action but a progress report, which is a record of its
    own) also goes into the audit chain, where a later edit of the history table cannot follow it."""
    row = Transition.objects.create(
        item=item, user=user, who=rec.who, role=rec.role.value, action=rec.action.value,
        from_status=rec.from_status.value, to_status=rec.to_status.value, reason=rec.reason or "",
        at=rec.at, old_deadline=rec.old_deadline, new_deadline=rec.new_deadline,
    )  # fmt: skip
    if rec.action is not Action.REPORT_PROGRESS:
        audit_record(actor=user, action="ledger.transition", obj=item, details={
            "action": rec.action.value, "from": rec.from_status.value, "to": rec.to_status.value,
            "reason": rec.reason or "", "old_deadline": rec.old_deadline, "new_deadline": rec.new_deadline,
        })  # fmt: skip
    return row


def _apply(
    item: LedgerItem, user: User, role: Role, action: Action, reason: str | None, new_deadline: dt.date | None
) -> Transition:
    old_deadline = item.deadline
    result = transition(
        adapters.item_state(item), action, Actor(user.username, role), reason=reason,
        evidence_count=item.evidence.count(), new_deadline=new_deadline, now=timezone.now(),
    )  # fmt: skip
    adapters.apply_state(item, result.state)
    if item.deadline != old_deadline:
        milestones_rebuild(item=item, scheduler=Scheduler(adapters.calendar_from_db()),
                           extra=list(item.task.milestones) if item.task_id else [])  # type: ignore[union-attr]  # fmt: skip
    return _record(item, user, result.record)


@transaction.atomic
def item_transition(
    *,
    item: LedgerItem | int,
    action: Action | str,
    user: User,
    expected_version: int | None,
    reason: str | None = None,
    new_deadline: dt.date | None = None,
) -> LedgerItem:
    """Apply a workflow action (rules in :func:`yigai.core.ledger.transition`) and log it.

    Raises Http404 (not visible), PermissionDenied (not this user's item to act on),
    :class:`~yigai.core.ledger.TransitionError` (the rules refuse, Chinese reason) or
    :class:`Conflict` (``expected_version`` is stale; the current values ride along).
    """
    pk = item if isinstance(item, int) else item.pk
    visible = access_item_row(user=user, item_id=pk)
    try:
        act = Action(action)
    except ValueError:
        raise LedgerError(
            f"未知操作 {action!r}；可用：{'、'.join(a.value for a in Action)}", "action"
        ) from None
    role = item_role(user=user, item=visible)
    locked = item_lock(item=pk, expected_version=expected_version)
    _apply(locked, user, role, act, reason, new_deadline)
    item_save(locked, STATE_FIELDS)
    return locked


def period_key_for(item: LedgerItem, day: dt.date) -> str:
    """The reporting period (per the ledger's cadence) that ``day`` falls in."""
    cal = adapters.calendar_from_db()
    return due_periods(day, day, item.ledger.cadence, calendar=cal)[0].key  # type: ignore[arg-type]


@transaction.atomic
def progress_report_submit(
    *,
    item: LedgerItem | int,
    user: User,
    text: str,
    percent: int | None,
    expected_version: int | None,
    period_key: str | None = None,
    files: Sequence[tuple[str, bytes]] = (),
    is_demo: bool = False,
) -> ProgressReport:
    """报送进展. The lead unit's report moves the item (未启动 → 推进中) and sets its progress; a co-unit's
    report is kept with the item as a contribution and changes nothing else. Files become evidence."""
    pk = item if isinstance(item, int) else item.pk
    visible = access_item_row(user=user, item_id=pk)
    co = is_co_reporter(user=user, item=visible)
    if not may(user, Perm.REPORT):  # a co-unit reporter holds it too (their report is a contribution)
        raise PermissionDenied("只有责任单位可以报送进展")
    if user.unit is None:
        raise PermissionDenied("账号未设置所属单位，不能报送进展")
    if not text.strip():
        raise LedgerError("请填写进展情况", "text_required")
    if percent is not None and not 0 <= percent <= 100:
        raise LedgerError(f"完成进度须在 0–100 之间，现为 {percent}", "percent_range")
    for name, data in files:  # every file is checked before anything is written
        evidence_check(name=name, data=data)
    locked = item_lock(item=pk, expected_version=expected_version)
    key = period_key or period_key_for(locked, timezone.localdate())
    if not co:
        role = item_role(user=user, item=locked)
        _apply(locked, user, role, Action.REPORT_PROGRESS, None, None)
        if percent is not None:
            locked.progress = percent
        locked.progress_text = text.strip()
        item_save(locked, [*STATE_FIELDS, "progress", "progress_text"])
    report = ProgressReport.objects.create(
        item=locked, unit=user.unit, is_lead=not co, period_key=key, text=text.strip(), percent=percent,
        submitted_by=user, submitted_at=timezone.now(), is_demo=is_demo,
    )  # fmt: skip
    for name, data in files:
        evidence_attach(item=locked, user=user, name=name, data=data, report=report, is_demo=is_demo)
    return report
