"""The one permission table (issue 13, finding 15): every role and action named, the workflow's roles
taken from it, administrators kept out of business rights, unknown roles refused rather than raising."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import yigai
from yigai.core.ledger.workflow import _RULES, TRANSITIONS
from yigai.core.permissions import (
    ADMIN_ROLES,
    PERM_LABELS,
    ROLE_LABELS,
    TABLE,
    Perm,
    Role,
    markdown_table,
    may,
    role_of,
)

BUSINESS = {Perm.REPORT, Perm.ATTACH_EVIDENCE, Perm.START_ITEMS, Perm.REQUEST_CLOSURE, Perm.REQUEST_EXTENSION,
            Perm.APPROVE_CLOSURE, Perm.APPROVE_EXTENSION, Perm.WITHDRAW_ITEMS, Perm.EDIT_ITEMS, Perm.SUPERVISE,
            Perm.ASSESS}  # fmt: skip


def test_every_role_and_action_is_in_the_table() -> None:
    assert set(TABLE) == set(Perm) == set(PERM_LABELS)
    assert set(ROLE_LABELS) == set(Role)
    assert {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN} <= ADMIN_ROLES


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES | {Role.LEADER}))
def test_administrators_and_leaders_hold_no_business_right(role: Role) -> None:
    assert not any(may(role, perm) for perm in BUSINESS)
    assert may(role, Perm.VIEW)


def test_the_workflow_takes_its_roles_from_the_table() -> None:
    for (frm, action), (to, perm) in _RULES.items():
        holders = {role for role in Role if TRANSITIONS.get((frm, action, role)) == to}
        assert holders == set(TABLE[perm]), (frm, action)


@pytest.mark.parametrize("who", ["nobody", "", None, "ADMIN", object()])
def test_unknown_roles_may_nothing_and_never_raise(who: object) -> None:
    assert role_of(who) is None  # type: ignore[arg-type]
    assert not any(may(who, perm) for perm in Perm)  # type: ignore[arg-type]


class _User:
    role = "unit_reporter"


def test_users_strings_and_roles_alike() -> None:
    assert (
        may(_User(), Perm.REPORT)
        and may("unit_reporter", Perm.REPORT)
        and may(Role.UNIT_REPORTER, Perm.REPORT)
    )


def test_no_second_role_table_outside_core() -> None:
    """No role-name compare for a right outside the table: the names the finding listed stay gone, and
    there is one ``class Role``."""
    src = Path(yigai.__file__).parent
    text = {p: p.read_text(encoding="utf-8") for p in src.rglob("*.py") if "migrations" not in p.parts}
    for gone in (
        "EDITOR_ROLES",
        "APPROVER_ROLES",
        ".can_edit_plans",
        ".can_publish",
        'role != "unit_reporter"',
    ):
        assert not [p for p, t in text.items() if gone in t], gone
    roles = [p for p, t in text.items() if re.search(r"^class Role\b", t, re.M)]
    assert roles == [src / "core" / "permissions.py"]


def test_the_security_guide_shows_this_table() -> None:
    guide = Path(yigai.__file__).parents[2] / "docs" / "guide" / "security.md"
    if not guide.exists():  # an installed package without the docs
        pytest.skip("docs/guide not present")
    assert markdown_table() in guide.read_text(encoding="utf-8")
