"""Writes for users and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import ApiToken, Role, User
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
    """Create the user or bring an existing one to the given role and places. Returns (user, created)."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
        user.set_password(password)
    user.role = Role(role)
    user.org_unit, user.unit = org_unit, unit
    user.display_name, user.is_demo = display_name, is_demo
    user.is_staff = user.is_superuser = user.role == Role.ADMIN
    user.save()
    return user, created


@transaction.atomic
def api_token_create(*, user: User, name: str) -> str:
    """Create a token for ``user`` and return its key (the only time it is visible)."""
    key = "yg_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=_hash(key))
    return key


def api_token_authenticate(*, key: str) -> User | None:
    """The active user a token belongs to, or None; records the time of use."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
