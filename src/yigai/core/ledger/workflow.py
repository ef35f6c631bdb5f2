"""The ledger item workflow (台账事项流程): statuses, actions, roles and the transition table.

Stored statuses: 未启动 → 推进中 → 申请销号 → 已销号, plus 已撤销. 已逾期 is never stored: it is computed
from the deadline by :func:`is_overdue` / :func:`status_label`. Who may do what is the data in
:data:`TRANSITIONS`; :func:`transition` only looks it up and checks the preconditions a table cannot
express (evidence, a reason, a different approver, a pending extension).

Which roles hold each right is the one permission table, :mod:`yigai.core.permissions` (there the
``admin`` role has no workflow rights on purpose: 等保 三员分立 keeps the system administrator out of
business decisions; ``leader`` is read-only).

>>> from datetime import date, datetime
>>> state = ItemState(status=Status.IN_PROGRESS, deadline=date(2026, 12, 31))
>>> unit = Actor("zhang", Role.UNIT_REPORTER)
>>> r = transition(state, Action.REQUEST_CLOSE, unit, evidence_count=2, now=datetime(2026, 11, 23, 9))
>>> r.state.status.label, r.record.from_status.label, r.record.who
('申请销号', '推进中', 'zhang')
>>> transition(r.state, Action.APPROVE_CLOSE, Actor("zhang", Role.REVIEWER), now=datetime(2026, 11, 24))
Traceback (most recent call last):
...
yigai.core.ledger.workflow.TransitionError: 销号审核人不能是申请人本人
>>> status_label(state, today=date(2027, 1, 4))
'已逾期'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from yigai.core.permissions import Perm, Role, roles_with


class Status(StrEnum):
    """A stored status; :attr:`label` is what users read."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    CLOSE_REQUESTED = "close_requested"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.NOT_STARTED: "未启动",
    Status.IN_PROGRESS: "推进中",
    Status.CLOSE_REQUESTED: "申请销号",
    Status.CLOSED: "已销号",
    Status.WITHDRAWN: "已撤销",
}
OVERDUE_LABEL = "已逾期"
#: Statuses in which an item no longer counts as open (no warnings, no reminders, never overdue).
FINISHED = frozenset({Status.CLOSED, Status.WITHDRAWN})


class Action(StrEnum):
    START = "start"
    REPORT_PROGRESS = "report_progress"
    REQUEST_CLOSE = "request_close"
    APPROVE_CLOSE = "approve_close"
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.START: "启动",
    Action.REPORT_PROGRESS: "报送进展",
    Action.REQUEST_CLOSE: "申请销号",
    Action.APPROVE_CLOSE: "批准销号",
    Action.RETURN: "退回",
    Action.REQUEST_EXTENSION: "申请延期",
    Action.APPROVE_EXTENSION: "批准延期",
    Action.REJECT_EXTENSION: "驳回延期",
    Action.WITHDRAW: "撤销",
    Action.REOPEN: "重新启动",
}


S, A, P = Status, Action, Perm
_OPEN = (S.NOT_STARTED, S.IN_PROGRESS)

#: (from, action) → (to, the right it takes). Who holds each right is the one permission table,
#: :data:`yigai.core.permissions.TABLE`; expanded into :data:`TRANSITIONS` below.
_RULES: dict[tuple[Status, Action], tuple[Status, Perm]] = {
    (S.NOT_STARTED, A.START): (S.IN_PROGRESS, P.START_ITEMS),
    (S.NOT_STARTED, A.REPORT_PROGRESS): (S.IN_PROGRESS, P.REPORT),
    (S.IN_PROGRESS, A.REPORT_PROGRESS): (S.IN_PROGRESS, P.REPORT),
    (S.IN_PROGRESS, A.REQUEST_CLOSE): (S.CLOSE_REQUESTED, P.REQUEST_CLOSURE),
    (S.CLOSE_REQUESTED, A.APPROVE_CLOSE): (S.CLOSED, P.APPROVE_CLOSURE),
    (S.CLOSE_REQUESTED, A.RETURN): (S.IN_PROGRESS, P.APPROVE_CLOSURE),
    **{(s, A.REQUEST_EXTENSION): (s, P.REQUEST_EXTENSION) for s in _OPEN},
    **{(s, A.APPROVE_EXTENSION): (s, P.APPROVE_EXTENSION) for s in _OPEN},
    **{(s, A.REJECT_EXTENSION): (s, P.APPROVE_EXTENSION) for s in _OPEN},
    **{(s, A.WITHDRAW): (S.WITHDRAWN, P.WITHDRAW_ITEMS) for s in (S.NOT_STARTED, S.IN_PROGRESS, S.CLOSE_REQUESTED)},
    (S.CLOSED, A.REOPEN): (S.IN_PROGRESS, P.APPROVE_CLOSURE),
    (S.WITHDRAWN, A.REOPEN): (S.IN_PROGRESS, P.WITHDRAW_ITEMS),
}  # fmt: skip

#: The whole transition table: (from status, action, role) → to status. Anything absent is refused.
TRANSITIONS: Mapping[tuple[Status, Action, Role], Status] = {
    (frm, action, role): to for (frm, action), (to, perm) in _RULES.items() for role in roles_with(perm)
}

#: Actions that must carry a reason (退回、延期、撤销、重新启动、驳回延期).
REASON_REQUIRED = frozenset({A.RETURN, A.REQUEST_EXTENSION, A.REJECT_EXTENSION, A.WITHDRAW, A.REOPEN})
del S, A, P


@dataclass(frozen=True)
class Actor:
    """Who acts, with the role they hold *for this item* (the app resolves jurisdiction)."""

    id: str
    role: Role


@dataclass(frozen=True)
class PendingExtension:
    """A 延期申请 awaiting the plan owner."""

    new_deadline: date
    reason: str
    requested_by: str


@dataclass(frozen=True)
class ItemState:
    """The workflow-relevant part of a ledger item."""

    status: Status
    deadline: date
    close_requested_by: str | None = None
    pending_extension: PendingExtension | None = None


@dataclass(frozen=True)
class TransitionRecord:
    """One line of the item's history (全程留痕): who did what, when and why."""

    who: str
    role: Role
    action: Action
    from_status: Status
    to_status: Status
    reason: str | None
    at: datetime
    old_deadline: date | None = None
    new_deadline: date | None = None


@dataclass(frozen=True)
class TransitionResult:
    state: ItemState
    record: TransitionRecord


class TransitionError(ValueError):
    """A refused transition; the message is Chinese and fit to show to the user."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def is_overdue(state: ItemState, today: date) -> bool:
    """Past the deadline and neither closed nor withdrawn (the deadline day itself is not overdue)."""
    return state.status not in FINISHED and today > state.deadline


def status_label(state: ItemState, today: date) -> str:
    """The status users see: 已逾期 replaces an open status once the deadline has passed."""
    return OVERDUE_LABEL if is_overdue(state, today) else state.status.label


def allowed_actions(state: ItemState, role: Role) -> tuple[Action, ...]:
    """Actions ``role`` may attempt now (for buttons); preconditions are checked on :func:`transition`."""
    found = [a for a in Action if (state.status, a, role) in TRANSITIONS]
    if state.pending_extension is None:
        found = [a for a in found if a not in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION)]
    else:
        found = [a for a in found if a is not Action.REQUEST_EXTENSION]
    return tuple(found)


def _target(state: ItemState, action: Action, actor: Actor) -> Status:
    to = TRANSITIONS.get((state.status, action, actor.role))
    if to is not None:
        return to
    if any((state.status, action, r) in TRANSITIONS for r in Role):
        roles = "、".join(r.label for r in Role if (state.status, action, r) in TRANSITIONS)
        raise TransitionError(f"{actor.role.label}无权{action.label}，此操作仅限{roles}", "role")
    raise TransitionError(f"事项处于“{state.status.label}”状态，不能{action.label}", "status")


def _check(
    state: ItemState, action: Action, actor: Actor, reason: str | None, evidence: int, new: date | None
) -> None:
    if action in REASON_REQUIRED and not (reason and reason.strip()):
        raise TransitionError(f"{action.label}须填写理由", "reason_required")
    if action is Action.REQUEST_CLOSE and evidence < 1:
        raise TransitionError("申请销号须上传至少一份佐证材料", "evidence_required")
    if action is Action.APPROVE_CLOSE and actor.id == state.close_requested_by:
        raise TransitionError("销号审核人不能是申请人本人", "same_person")
    pending = state.pending_extension
    if action is Action.REQUEST_EXTENSION:
        if pending is not None:
            raise TransitionError("已有待审批的延期申请，请等待审批结果", "extension_pending")
        if new is None:
            raise TransitionError("申请延期须填写新的完成时限", "new_deadline_required")
        if new <= state.deadline:
            raise TransitionError(
                f"新的完成时限须晚于原完成时限（{state.deadline.isoformat()}）", "new_deadline_not_later"
            )
    if action in (Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
        if pending is None:
            raise TransitionError("没有待审批的延期申请", "no_extension")
        if actor.id == pending.requested_by:
            raise TransitionError("延期审批人不能是申请人本人", "same_person")


def transition(
    state: ItemState,
    action: Action,
    actor: Actor,
    *,
    reason: str | None = None,
    evidence_count: int = 0,
    new_deadline: date | None = None,
    now: datetime,
) -> TransitionResult:
    """Apply ``action`` by ``actor`` or raise :class:`TransitionError` saying why not."""
    to = _target(state, action, actor)
    _check(state, action, actor, reason, evidence_count, new_deadline)
    new_state = _next_state(state, action, actor, to, reason, new_deadline)
    changed = new_state.deadline != state.deadline or action is Action.REQUEST_EXTENSION
    record = TransitionRecord(
        who=actor.id,
        role=actor.role,
        action=action,
        from_status=state.status,
        to_status=to,
        reason=reason.strip() if reason else None,
        at=now,
        old_deadline=state.deadline if changed else None,
        new_deadline=(new_deadline if action is Action.REQUEST_EXTENSION else new_state.deadline)
        if changed
        else None,
    )
    return TransitionResult(new_state, record)


def _next_state(
    state: ItemState, action: Action, actor: Actor, to: Status, reason: str | None, new: date | None
) -> ItemState:
    pending = state.pending_extension
    if action is Action.REQUEST_EXTENSION:
        assert new is not None and reason is not None  # checked by _check
        return replace(state, pending_extension=PendingExtension(new, reason.strip(), actor.id))
    if action is Action.APPROVE_EXTENSION:
        assert pending is not None  # checked by _check
        return replace(state, deadline=pending.new_deadline, pending_extension=None)
    if action is Action.REJECT_EXTENSION:
        return replace(state, pending_extension=None)
    requester = actor.id if action is Action.REQUEST_CLOSE else None
    keep_pending = pending if to in (Status.NOT_STARTED, Status.IN_PROGRESS) else None
    return replace(state, status=to, close_requested_by=requester, pending_extension=keep_pending)
