"""The workflow: every (status, action, role) is either allowed as specified here or refused."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime

import pytest

from yigai.core.ledger.workflow import (
    TRANSITIONS,
    Action,
    Actor,
    ItemState,
    PendingExtension,
    Role,
    Status,
    TransitionError,
    allowed_actions,
    is_overdue,
    status_label,
    transition,
)

NOW = datetime(2026, 11, 23, 10, 0)
DEADLINE = date(2026, 12, 31)
S, A, R = Status, Action, Role
OPEN = (S.NOT_STARTED, S.IN_PROGRESS)

# The specification, restated independently of the module's table: (from, action) → (to, roles).
SPEC: dict[tuple[Status, Action], tuple[Status, set[Role]]] = {
    (S.NOT_STARTED, A.START): (S.IN_PROGRESS, {R.UNIT_REPORTER, R.PLAN_OWNER}),
    (S.NOT_STARTED, A.REPORT_PROGRESS): (S.IN_PROGRESS, {R.UNIT_REPORTER}),
    (S.IN_PROGRESS, A.REPORT_PROGRESS): (S.IN_PROGRESS, {R.UNIT_REPORTER}),
    (S.IN_PROGRESS, A.REQUEST_CLOSE): (S.CLOSE_REQUESTED, {R.UNIT_REPORTER}),
    (S.CLOSE_REQUESTED, A.APPROVE_CLOSE): (S.CLOSED, {R.REVIEWER, R.PLAN_OWNER}),
    (S.CLOSE_REQUESTED, A.RETURN): (S.IN_PROGRESS, {R.REVIEWER, R.PLAN_OWNER}),
    (S.NOT_STARTED, A.REQUEST_EXTENSION): (S.NOT_STARTED, {R.UNIT_REPORTER}),
    (S.IN_PROGRESS, A.REQUEST_EXTENSION): (S.IN_PROGRESS, {R.UNIT_REPORTER}),
    (S.NOT_STARTED, A.APPROVE_EXTENSION): (S.NOT_STARTED, {R.PLAN_OWNER}),
    (S.IN_PROGRESS, A.APPROVE_EXTENSION): (S.IN_PROGRESS, {R.PLAN_OWNER}),
    (S.NOT_STARTED, A.REJECT_EXTENSION): (S.NOT_STARTED, {R.PLAN_OWNER}),
    (S.IN_PROGRESS, A.REJECT_EXTENSION): (S.IN_PROGRESS, {R.PLAN_OWNER}),
    (S.NOT_STARTED, A.WITHDRAW): (S.WITHDRAWN, {R.PLAN_OWNER}),
    (S.IN_PROGRESS, A.WITHDRAW): (S.WITHDRAWN, {R.PLAN_OWNER}),
    (S.CLOSE_REQUESTED, A.WITHDRAW): (S.WITHDRAWN, {R.PLAN_OWNER}),
    (S.CLOSED, A.REOPEN): (S.IN_PROGRESS, {R.PLAN_OWNER, R.REVIEWER}),
    (S.WITHDRAWN, A.REOPEN): (S.IN_PROGRESS, {R.PLAN_OWNER}),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def ready_state(status: Status, action: Action) -> ItemState:
    """A state in which every precondition of ``action`` other than status and role holds."""
    pending = None
    if action in (A.APPROVE_EXTENSION, A.REJECT_EXTENSION):
        pending = PendingExtension(date(2027, 3, 31), "资金未到位", "requester")
    requested_by = "requester" if status is S.CLOSE_REQUESTED else None
    return ItemState(status, DEADLINE, close_requested_by=requested_by, pending_extension=pending)


def attempt(status: Status, action: Action, role: Role) -> ItemState:
    result = transition(
        ready_state(status, action),
        action,
        Actor("someone", role),
        reason="理由充分",
        evidence_count=1,
        new_deadline=date(2027, 3, 31),
        now=NOW,
    )
    assert result.record.from_status is status
    assert result.record.to_status is result.state.status
    assert (result.record.who, result.record.role, result.record.action, result.record.at) == (
        "someone",
        role,
        action,
        NOW,
    )
    return result.state


def test_table_matches_the_specification() -> None:
    expected = {(f, a, r): to for (f, a), (to, roles) in SPEC.items() for r in roles}
    assert dict(TRANSITIONS) == expected


@pytest.mark.parametrize(("status", "action", "role"), list(itertools.product(Status, Action, Role)))
def test_every_combination(status: Status, action: Action, role: Role) -> None:
    spec = SPEC.get((status, action))
    if spec is not None and role in spec[1]:
        assert attempt(status, action, role).status is spec[0]
    else:
        with pytest.raises(TransitionError) as err:
            attempt(status, action, role)
        assert err.value.code == ("role" if spec is not None else "status")
        assert CJK.search(str(err.value))


@pytest.mark.parametrize("role", [R.ADMIN, R.LEADER])
def test_admin_and_leader_have_no_workflow_rights(role: Role) -> None:
    assert not any(r is role for (_, _, r) in TRANSITIONS)
    for status in Status:
        assert allowed_actions(ItemState(status, DEADLINE), role) == ()


def _fail(state: ItemState, action: Action, actor: Actor, **kw: object) -> TransitionError:
    with pytest.raises(TransitionError) as err:
        transition(state, action, actor, now=NOW, **kw)  # type: ignore[arg-type]  # kw mixes types on purpose
    assert CJK.search(str(err.value))
    return err.value


UNIT = Actor("zhang", R.UNIT_REPORTER)
REVIEWER = Actor("li", R.REVIEWER)
OWNER = Actor("wang", R.PLAN_OWNER)


@pytest.mark.parametrize(
    ("state", "action", "actor", "kw", "code"),
    [
        (ItemState(S.IN_PROGRESS, DEADLINE), A.REQUEST_CLOSE, UNIT, {}, "evidence_required"),
        (ItemState(S.CLOSE_REQUESTED, DEADLINE, "li"), A.APPROVE_CLOSE, REVIEWER, {}, "same_person"),
        (ItemState(S.CLOSE_REQUESTED, DEADLINE, "zhang"), A.RETURN, REVIEWER, {}, "reason_required"),
        (
            ItemState(S.CLOSE_REQUESTED, DEADLINE, "zhang"),
            A.RETURN,
            REVIEWER,
            {"reason": "  "},
            "reason_required",
        ),
        (ItemState(S.IN_PROGRESS, DEADLINE), A.WITHDRAW, OWNER, {}, "reason_required"),
        (ItemState(S.CLOSED, DEADLINE), A.REOPEN, OWNER, {}, "reason_required"),
        (
            ItemState(S.IN_PROGRESS, DEADLINE),
            A.REQUEST_EXTENSION,
            UNIT,
            {"reason": "原因"},
            "new_deadline_required",
        ),
        (
            ItemState(S.IN_PROGRESS, DEADLINE),
            A.REQUEST_EXTENSION,
            UNIT,
            {"reason": "原因", "new_deadline": DEADLINE},
            "new_deadline_not_later",
        ),
        (
            ItemState(
                S.IN_PROGRESS, DEADLINE, pending_extension=PendingExtension(date(2027, 6, 30), "r", "zhang")
            ),
            A.REQUEST_EXTENSION,
            UNIT,
            {"reason": "原因", "new_deadline": date(2027, 3, 31)},
            "extension_pending",
        ),
        (ItemState(S.IN_PROGRESS, DEADLINE), A.APPROVE_EXTENSION, OWNER, {}, "no_extension"),
        (ItemState(S.IN_PROGRESS, DEADLINE), A.REJECT_EXTENSION, OWNER, {"reason": "不同意"}, "no_extension"),
        (
            ItemState(
                S.IN_PROGRESS, DEADLINE, pending_extension=PendingExtension(date(2027, 6, 30), "r", "wang")
            ),
            A.APPROVE_EXTENSION,
            OWNER,
            {},
            "same_person",
        ),
    ],
)
def test_preconditions(
    state: ItemState, action: Action, actor: Actor, kw: dict[str, object], code: str
) -> None:
    assert _fail(state, action, actor, **kw).code == code


def test_messages_name_the_roles_that_may_act() -> None:
    err = _fail(ItemState(S.CLOSE_REQUESTED, DEADLINE, "zhang"), A.APPROVE_CLOSE, UNIT)
    assert str(err) == "责任单位填报员无权批准销号，此操作仅限方案管理员、审核员"
    err = _fail(ItemState(S.CLOSED, DEADLINE), A.REPORT_PROGRESS, UNIT)
    assert str(err) == "事项处于“已销号”状态，不能报送进展"


def test_a_full_life() -> None:
    state = ItemState(S.NOT_STARTED, DEADLINE)
    history = []
    steps: list[tuple[Action, Actor, dict[str, object]]] = [
        (A.START, UNIT, {}),
        (A.REPORT_PROGRESS, UNIT, {}),
        (A.REQUEST_EXTENSION, UNIT, {"reason": "设备招标延后", "new_deadline": date(2027, 3, 31)}),
        (A.APPROVE_EXTENSION, OWNER, {}),
        (A.REQUEST_CLOSE, UNIT, {"evidence_count": 1}),
        (A.RETURN, REVIEWER, {"reason": "佐证材料不完整"}),
        (A.REQUEST_CLOSE, UNIT, {"evidence_count": 3}),
        (A.APPROVE_CLOSE, REVIEWER, {}),
        (A.REOPEN, OWNER, {"reason": "督查发现问题未整改到位"}),
    ]
    for action, actor, kw in steps:
        result = transition(state, action, actor, now=NOW, **kw)  # type: ignore[arg-type]  # mixed kw types
        state = result.state
        history.append(result.record)
    assert [r.to_status for r in history] == [
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        S.IN_PROGRESS,
        S.CLOSE_REQUESTED,
        S.IN_PROGRESS,
        S.CLOSE_REQUESTED,
        S.CLOSED,
        S.IN_PROGRESS,
    ]
    assert state.deadline == date(2027, 3, 31)
    assert state.close_requested_by is None and state.pending_extension is None
    ext_request, ext_approval = history[2], history[3]
    assert (ext_request.old_deadline, ext_request.new_deadline, ext_request.reason) == (
        DEADLINE,
        date(2027, 3, 31),
        "设备招标延后",
    )
    assert (ext_approval.old_deadline, ext_approval.new_deadline) == (DEADLINE, date(2027, 3, 31))
    assert history[5].reason == "佐证材料不完整"
    assert history[0].old_deadline is None


def test_reject_extension_keeps_the_deadline() -> None:
    state = ItemState(
        S.IN_PROGRESS, DEADLINE, pending_extension=PendingExtension(date(2027, 6, 30), "r", "zhang")
    )
    result = transition(state, A.REJECT_EXTENSION, OWNER, reason="理由不充分", now=NOW)
    assert result.state == ItemState(S.IN_PROGRESS, DEADLINE)


def test_records_are_immutable() -> None:
    result = transition(ItemState(S.NOT_STARTED, DEADLINE), A.START, UNIT, now=NOW)
    with pytest.raises(AttributeError):
        result.record.who = "someone else"  # type: ignore[misc]  # proving the dataclass is frozen


@pytest.mark.parametrize(
    ("status", "today", "overdue", "label"),
    [
        (S.IN_PROGRESS, DEADLINE, False, "推进中"),  # the deadline day itself is not overdue
        (S.IN_PROGRESS, date(2027, 1, 1), True, "已逾期"),
        (S.NOT_STARTED, date(2027, 1, 1), True, "已逾期"),
        (S.CLOSE_REQUESTED, date(2027, 1, 1), True, "已逾期"),
        (S.CLOSED, date(2027, 1, 1), False, "已销号"),
        (S.WITHDRAWN, date(2027, 1, 1), False, "已撤销"),
        (S.NOT_STARTED, date(2026, 11, 23), False, "未启动"),
    ],
)
def test_overdue_is_computed(status: Status, today: date, overdue: bool, label: str) -> None:
    state = ItemState(status, DEADLINE)
    assert is_overdue(state, today) is overdue
    assert status_label(state, today) == label


@pytest.mark.parametrize(
    ("state", "role", "actions"),
    [
        (
            ItemState(S.NOT_STARTED, DEADLINE),
            R.UNIT_REPORTER,
            (A.START, A.REPORT_PROGRESS, A.REQUEST_EXTENSION),
        ),
        (ItemState(S.IN_PROGRESS, DEADLINE), R.PLAN_OWNER, (A.WITHDRAW,)),
        (
            ItemState(
                S.IN_PROGRESS, DEADLINE, pending_extension=PendingExtension(date(2027, 6, 30), "r", "zhang")
            ),
            R.PLAN_OWNER,
            (A.APPROVE_EXTENSION, A.REJECT_EXTENSION, A.WITHDRAW),
        ),
        (
            ItemState(
                S.IN_PROGRESS, DEADLINE, pending_extension=PendingExtension(date(2027, 6, 30), "r", "zhang")
            ),
            R.UNIT_REPORTER,
            (A.REPORT_PROGRESS, A.REQUEST_CLOSE),
        ),
        (ItemState(S.CLOSE_REQUESTED, DEADLINE, "zhang"), R.REVIEWER, (A.APPROVE_CLOSE, A.RETURN)),
        (ItemState(S.CLOSED, DEADLINE), R.REVIEWER, (A.REOPEN,)),
    ],
)
def test_allowed_actions(state: ItemState, role: Role, actions: tuple[Action, ...]) -> None:
    assert allowed_actions(state, role) == actions
