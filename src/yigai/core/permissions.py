"""Who may do what: the one ``Role`` and the one table of role × action (issue 13, finding 15).

Views, the API, the CLI and the services all ask :func:`may`; nobody compares role names. The table says
what a *role* may do; *where* a user may do it (their org unit, their unit, the plan's owner) is
jurisdiction, checked by the apps' ``access_*`` selectors, and the ledger's order of statuses is
:mod:`yigai.core.ledger.workflow`, whose transition table takes its roles from here.

三员分立 (等保 8.1.4.2d): the system, security and audit administrators run the platform, not the work:
they see, but hold no business right (a system administrator still edits and publishes plans, the
setup work of a new installation). A leader only reads.

>>> may(Role.UNIT_REPORTER, Perm.REQUEST_CLOSURE), may("reviewer", Perm.REQUEST_CLOSURE)
(True, False)
>>> may("security_admin", Perm.VIEW), may("security_admin", Perm.EDIT_ITEMS), may("nobody", Perm.VIEW)
(True, False, False)
>>> sorted(r.value for r in roles_with(Perm.APPROVE_CLOSURE))
['plan_owner', 'reviewer']
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """A user's role (one per account). ``label`` is the Chinese name users read."""

    ADMIN = "admin"
    PLAN_OWNER = "plan_owner"
    UNIT_REPORTER = "unit_reporter"
    REVIEWER = "reviewer"
    LEADER = "leader"
    SECURITY_ADMIN = "security_admin"
    AUDIT_ADMIN = "audit_admin"
    ANALYST = "analyst"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: Mapping[Role, str] = {
    Role.ADMIN: "系统管理员",
    Role.PLAN_OWNER: "方案管理员",
    Role.UNIT_REPORTER: "责任单位填报员",
    Role.REVIEWER: "审核员",
    Role.LEADER: "领导（只读）",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
    Role.ANALYST: "统计/信息中心",
}

#: The three administrator roles of 三员分立: each needs a second factor; no account holds two of them.
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class Perm(StrEnum):
    """An action someone may be allowed to take. ``label`` is the Chinese name (the security guide's table)."""

    VIEW = "view"
    REPORT = "report"
    ATTACH_EVIDENCE = "attach_evidence"
    START_ITEMS = "start_items"
    REQUEST_CLOSURE = "request_closure"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_CLOSURE = "approve_closure"
    APPROVE_EXTENSION = "approve_extension"
    WITHDRAW_ITEMS = "withdraw_items"
    EDIT_ITEMS = "edit_items"
    SUPERVISE = "supervise"
    EDIT_PLANS = "edit_plans"
    PUBLISH_PLANS = "publish_plans"
    IMPORT_VALUES = "import_values"
    APPROVE_VALUES = "approve_values"
    ASSESS = "assess"
    IMPORT_POPULATION = "import_population"
    MANAGE_ROLES = "manage_roles"
    READ_AUDIT = "read_audit"
    READ_JOBS = "read_jobs"
    LIST_NOTICES = "list_notices"
    TRACK_VALUES = "track_values"

    @property
    def label(self) -> str:
        return PERM_LABELS[self]


PERM_LABELS: Mapping[Perm, str] = {
    Perm.VIEW: "查看方案、台账、指标（本辖区）",
    Perm.REPORT: "报送进展、回复督办单",
    Perm.ATTACH_EVIDENCE: "上传佐证材料",
    Perm.START_ITEMS: "启动事项",
    Perm.REQUEST_CLOSURE: "申请销号",
    Perm.REQUEST_EXTENSION: "申请延期",
    Perm.APPROVE_CLOSURE: "批准销号、退回、重新启动已销号事项",
    Perm.APPROVE_EXTENSION: "批准或驳回延期",
    Perm.WITHDRAW_ITEMS: "撤销事项、重新启动已撤销事项",
    Perm.EDIT_ITEMS: "修改事项内容",
    Perm.SUPERVISE: "督办",
    Perm.EDIT_PLANS: "修改方案（审核任务）",
    Perm.PUBLISH_PLANS: "导入、发布方案",
    Perm.IMPORT_VALUES: "录入、导入指标值",
    Perm.APPROVE_VALUES: "审核指标值",
    Perm.ASSESS: "考核评分",
    Perm.IMPORT_POPULATION: "导入人口数据",
    Perm.MANAGE_ROLES: "分配角色、重置动态口令",
    Perm.READ_AUDIT: "查看审计记录",
    Perm.READ_JOBS: "查看他人的后台任务（排查问题，不能代为确认）",
    Perm.LIST_NOTICES: "查看督办清单（本辖区）",
    Perm.TRACK_VALUES: "跟踪指标值的报送与审核（待办）",
}

R = Role
_EVERYONE = frozenset(Role)
#: The whole table: each action and the roles that may take it. Anything absent is refused.
TABLE: Mapping[Perm, frozenset[Role]] = {
    Perm.VIEW: _EVERYONE,
    Perm.REPORT: frozenset({R.UNIT_REPORTER}),
    Perm.ATTACH_EVIDENCE: frozenset({R.UNIT_REPORTER, R.PLAN_OWNER, R.REVIEWER}),
    Perm.START_ITEMS: frozenset({R.UNIT_REPORTER, R.PLAN_OWNER}),
    Perm.REQUEST_CLOSURE: frozenset({R.UNIT_REPORTER}),
    Perm.REQUEST_EXTENSION: frozenset({R.UNIT_REPORTER}),
    Perm.APPROVE_CLOSURE: frozenset({R.REVIEWER, R.PLAN_OWNER}),
    Perm.APPROVE_EXTENSION: frozenset({R.PLAN_OWNER}),
    Perm.WITHDRAW_ITEMS: frozenset({R.PLAN_OWNER}),
    Perm.EDIT_ITEMS: frozenset({R.PLAN_OWNER, R.REVIEWER}),
    Perm.SUPERVISE: frozenset({R.PLAN_OWNER, R.REVIEWER}),
    Perm.EDIT_PLANS: frozenset({R.ADMIN, R.PLAN_OWNER, R.REVIEWER}),
    Perm.PUBLISH_PLANS: frozenset({R.ADMIN, R.PLAN_OWNER}),
    Perm.IMPORT_VALUES: frozenset({R.ADMIN, R.PLAN_OWNER, R.REVIEWER, R.UNIT_REPORTER, R.ANALYST}),
    Perm.APPROVE_VALUES: frozenset({R.ADMIN, R.PLAN_OWNER, R.REVIEWER, R.ANALYST}),
    Perm.ASSESS: frozenset({R.PLAN_OWNER, R.REVIEWER}),
    Perm.IMPORT_POPULATION: frozenset({R.ADMIN, R.PLAN_OWNER}),
    Perm.MANAGE_ROLES: frozenset({R.SECURITY_ADMIN}),
    Perm.READ_AUDIT: frozenset({R.AUDIT_ADMIN}),
    Perm.READ_JOBS: frozenset({R.ADMIN}),
    Perm.LIST_NOTICES: frozenset({R.PLAN_OWNER, R.REVIEWER, R.LEADER}),
    Perm.TRACK_VALUES: frozenset({R.ANALYST}),
}
del R


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


def role_of(who: HasRole | Role | str | None) -> Role | None:
    """The :class:`Role` of a user, a role or a role name; None for anything unknown (never raises)."""
    name = who if isinstance(who, str) or who is None else getattr(who, "role", None)
    try:
        return Role(name) if name else None
    except ValueError:
        return None


def may(who: HasRole | Role | str | None, perm: Perm) -> bool:
    """Whether a user (anything with ``role``), a role or a role name may take ``perm``; an unknown role
    may do nothing."""
    role = role_of(who)
    return role is not None and role in TABLE[perm]


def roles_with(perm: Perm) -> frozenset[Role]:
    return TABLE[perm]


def markdown_table() -> str:
    """The table as Markdown, rows the actions, columns the roles (docs/guide/security.md shows it; a test
    keeps the two equal)."""
    head = "| 操作 | " + " | ".join(r.label for r in Role) + " |"
    rule = "|---|" + "---|" * len(Role)
    rows = [f"| {p.label} | " + " | ".join("✓" if r in TABLE[p] else "" for r in Role) + " |" for p in Perm]
    return "\n".join([head, rule, *rows])
