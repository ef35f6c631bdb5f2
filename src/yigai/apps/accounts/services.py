"""Writes for users and API tokens; role changes and token creation are audited.

三员分立: an account never moves between the system, security and audit administrator roles (the person
who administered the system must not later audit it under the same identity); role changes are the
security administrator's, never one's own.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import ADMIN_ROLES, ApiToken, Role, User
from yigai.apps.audit.models import Result
from yigai.apps.audit.services import audit_record
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.units.models import Unit


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def user_upsert(
    *,
    username: str,
    password: str,
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
        if actor is not None and actor.role != Role.SECURITY_ADMIN:
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
    """Disable or re-enable an account, and set its end date (None: no end)."""
    user.is_active, user.expires_on = active, expires_on
    user.save(update_fields=["is_active", "expires_on"])
    audit_record(
        actor=actor, action="user.enable" if active else "user.disable", obj=user,
        details={"expires_on": expires_on},
    )  # fmt: skip
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> str:
    """Create a token for ``user`` and return its key (the only time it is visible)."""
    key = "yg_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
    audit_record(actor=None, action="token.create", obj=token, details={"user": user.username, "name": name})
    return key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user a token belongs to, or None; records the time of use."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
