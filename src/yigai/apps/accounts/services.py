"""Writes for users and API tokens; role changes, disabling and token creation are audited.

三员分立: an account never moves between the system, security and audit administrator roles (the person
who administered the system must not later audit it under the same identity); role changes are the
security administrator's, never one's own.

Dormant accounts (unused for ``DORMANT_DAYS``) are disabled when they next log in or present a token, and
by ``yigai user disable-dormant``. Administrator roles are not exempt: a dormant administrator account is
the most valuable one to an intruder. Disabling the last enabled security administrator is allowed but
never silent (a warning in the log and on the command line, and ``security_admins_left`` in the audit
row): the operator re-enables an account with ``yigai user disable NAME --enable``.

API tokens are refused to the administrator roles: they must pass the second factor (TOTP), which a bearer
token cannot carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.backends import account_refusal, refusal_message
from yigai.apps.accounts.models import ADMIN_ROLES, ApiToken, Role, User
from yigai.apps.accounts.selectors import (
    dormant_days,
    security_admins_active,
    user_dormant_list,
    user_is_dormant,
    user_last_activity,
)
from yigai.apps.audit.models import Result
from yigai.apps.audit.services import audit_record
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.units.models import Unit
from yigai.core.permissions import Perm, may

logger = logging.getLogger(__name__)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def user_upsert(
    *,
    username: str,
    password: str | None,
    role: Role | str,
    org_unit: OrgUnit,
    unit: Unit | None = None,
    display_name: str = "",
    is_demo: bool = False,
) -> tuple[User, bool]:
    """Create the user or bring an existing one to the given role and places. Returns (user, created).

    A new user's password must pass the password rules (``AUTH_PASSWORD_VALIDATORS``); only 示例 (demo)
    accounts, whose shared password is printed by ``yigai demo``, are exempt.
    """
    user = User.objects.filter(username=username).first()
    created = user is None
    before = None if user is None else user.role
    if user is None:
        user = User(username=username, display_name=display_name)
        if password is None:  # an account that cannot log in until a password is set (示例 history actors)
            user.set_unusable_password()
        else:
            if not is_demo:
                validate_password(password, user)
            user.set_password(password)
    else:
        three_roles_check(user=user, role=Role(role))
    _apply_role(user, Role(role))
    user.org_unit, user.unit = org_unit, unit
    user.display_name, user.is_demo = display_name, is_demo
    user.save()
    if created or before != user.role:
        audit_record(
            actor=None, action="user.create" if created else "user.role_change", obj=user,
            details={"role": user.role, "before": before},
        )  # fmt: skip
    return user, created


class ThreeRolesError(PermissionError):
    """A change that would break 三员分立 or let someone grant themselves a role."""


def three_roles_check(*, user: User, role: Role) -> None:
    """Refuse moving an account from one administrator role to another (三员分立)."""
    if user.role in ADMIN_ROLES and role in ADMIN_ROLES and user.role != role:
        raise ThreeRolesError(
            f"三员分立：账号 {user.username} 已是{Role(user.role).label}，不能再担任{role.label}；请为其另建账号"
        )


def _apply_role(user: User, role: Role) -> None:
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN


def user_role_set(*, actor: User | None, user: User, role: Role | str, request: Any = None) -> User:
    """Change a user's role: the security administrator's task (``actor=None``: the command line)."""
    role = Role(role)
    try:
        if actor is not None and not may(actor, Perm.MANAGE_ROLES):
            raise ThreeRolesError("只有安全管理员可以分配角色")
        if actor is not None and actor.pk == user.pk:
            raise ThreeRolesError("不能修改自己的角色")
        three_roles_check(user=user, role=role)
    except ThreeRolesError as exc:
        audit_record(
            actor=actor, action="user.role_change", obj=user, result=Result.DENIED, request=request,
            details={"role": role.value, "before": user.role, "reason": str(exc)},
        )  # fmt: skip
        raise
    before = user.role
    with transaction.atomic():  # not around the refusal above: a denied attempt stays recorded
        _apply_role(user, role)
        user.save(update_fields=["role", "is_staff", "is_superuser"])
        audit_record(
            actor=actor, action="user.role_change", obj=user, request=request,
            details={"role": role.value, "before": before},
        )  # fmt: skip
    return user


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool, expires_on: Any = None) -> User:
    """Disable or re-enable an account, and set its end date (None: no end). Enabling restarts the
    dormancy clock (``activated_at``)."""
    user.is_active, user.expires_on = active, expires_on
    fields = ["is_active", "expires_on"]
    if active:
        user.activated_at = timezone.now()
        fields.append("activated_at")
    user.save(update_fields=fields)
    audit_record(
        actor=actor, action="user.enable" if active else "user.disable", obj=user,
        details={"expires_on": expires_on},
    )  # fmt: skip
    return user


def user_password_set(*, actor: User | None, user: User, password: str, request: Any = None) -> User:
    """Give ``user`` a new password that passes the password rules — including not being one of the last
    ``PASSWORD_HISTORY`` (``ValidationError`` otherwise); the history records it when the user is saved."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "password_changed_at"])
        audit_record(actor=actor, action="auth.password_change", obj=user, request=request)
    return user


@dataclass(frozen=True)
class DormantAccount:
    username: str
    role: str
    last_activity: dt.datetime
    idle_days: int


@dataclass(frozen=True)
class DormantReport:
    """What ``users_disable_dormant`` disabled (or, in a dry run, would disable)."""

    days: int
    dry_run: bool
    accounts: tuple[DormantAccount, ...]
    security_admins_left: int  # enabled security administrators after the run

    @property
    def locks_out_security_admins(self) -> bool:
        """The run disables the last enabled security administrator(s)."""
        hit = any(a.role == Role.SECURITY_ADMIN for a in self.accounts)
        return hit and self.security_admins_left == 0


def _dormant_disable(
    *, actor: Any, user: User, days: int, last_activity: dt.datetime, source: str, request: Any = None
) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        details: dict[str, Any] = {
            "reason": "dormant", "days": days, "last_activity": last_activity, "source": source,
        }  # fmt: skip
        if user.role == Role.SECURITY_ADMIN:
            details["security_admins_left"] = security_admins_active()
        audit_record(actor=actor, action="user.disable", obj=user, request=request, details=details)
    if details.get("security_admins_left") == 0:
        logger.warning(
            "dormant account %s was the last enabled security administrator; re-enable one with "
            "'yigai user disable NAME --enable'",
            user.username,
        )


def user_disable_if_dormant(*, user: User, source: str, request: Any = None) -> bool:
    """Disable ``user`` (audited, the user as actor) when unused for ``DORMANT_DAYS``; True if it was.
    Called at login with the right password (``source="login"``) and on token use (``"token"``)."""
    days = dormant_days()
    if not user.is_active or not user_is_dormant(user=user, days=days):
        return False
    last = user_last_activity(user=user)
    _dormant_disable(actor=user, user=user, days=days, last_activity=last, source=source, request=request)
    return True


def users_disable_dormant(*, days: int, dry_run: bool = False) -> DormantReport:
    """Disable every enabled account unused for more than ``days`` days (each audited; the command line's
    operator is the actor), or with ``dry_run`` only list them."""
    now = timezone.now()
    found = user_dormant_list(days=days, now=now)
    accounts = tuple(
        DormantAccount(u.username, u.role, u.last_activity, (now - u.last_activity).days)  # type: ignore[attr-defined]  # annotated
        for u in found
    )
    for user, account in zip(found, accounts, strict=True):
        if not dry_run:
            _dormant_disable(
                actor=None, user=user, days=days, last_activity=account.last_activity, source="cli"
            )
    left = security_admins_active()
    if dry_run:
        left -= sum(a.role == Role.SECURITY_ADMIN for a in accounts)
    return DormantReport(days=days, dry_run=dry_run, accounts=accounts, security_admins_left=left)


class TokenRefused(PermissionError):
    """A token the platform will not issue or accept: an administrator role's (a bearer token cannot carry
    the second factor) or a disabled, expired or dormant account's. The message says why."""


def _admin_token_message() -> str:
    return _(
        "管理员账号（系统、安全、审计管理员）须经动态口令验证，不能使用 API 令牌；对接系统请使用业务角色账号。"
    )


def api_token_create(*, user: User, name: str) -> str:
    """Create a token for ``user`` and return its key (the only time it is visible). Refused
    (``TokenRefused``, audited) for the administrator roles."""
    if user.is_admin_role:
        audit_record(
            actor=None, action="token.create", obj=user, result=Result.DENIED,
            details={"user": user.username, "name": name, "reason": "admin_role"},
        )  # fmt: skip
        raise TokenRefused(_admin_token_message())
    key = "yg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
        audit_record(
            actor=None, action="token.create", obj=token, details={"user": user.username, "name": name}
        )
    return key


#: ``last_used_at`` is written at most once a minute: a write per API call is the cost of a client that polls,
#: and the dormant-account rule counts days.
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def _token_recent(token: ApiToken) -> bool:
    days = dormant_days()
    seen = token.last_used_at or token.created_at
    return not days or seen >= timezone.now() - dt.timedelta(days=days)


def api_token_authenticate(*, key: str, request: Any = None) -> User | None:
    """The user a token belongs to, or None for an unknown or revoked key; records the time of use.

    A valid token is refused with ``TokenRefused`` when its user holds an administrator role (audited:
    tokens issued before the rule, or before a role change, stop working) or is disabled, expired or
    dormant (a dormant account is disabled here, as at login)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked=False).first()
    if token is None:
        return None
    user = token.user
    if user.is_admin_role:
        audit_record(
            actor=user, action="token.use", obj=token, result=Result.DENIED, request=request,
            details={"reason": "admin_role"},
        )  # fmt: skip
        raise TokenRefused(_admin_token_message())
    reason = account_refusal(user)
    if reason is None and not _token_recent(token):
        reason = "dormant" if user_disable_if_dormant(user=user, source="token", request=request) else None
    if reason is not None:
        raise TokenRefused(refusal_message(reason))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
