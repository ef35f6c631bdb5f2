"""Reads of users (for the command line and services; pages reach users only through their own session).

Dormancy (等保 8.1.4.2c, 清理多余或过期的账户): an account is dormant when its last activity — the latest of
creation (``date_joined``, so "never logged in" counts from there), web login, re-enabling by an operator
(``activated_at``) and API token creation or use — is more than ``DORMANT_DAYS`` days ago.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from yigai.apps.accounts.models import ApiToken, User


def user_get(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def dormant_days() -> int:
    """The configured dormancy period in days (``YIGAI_DORMANT_DAYS``; 0: accounts never go dormant)."""
    return int(getattr(settings, "DORMANT_DAYS", 90))


def _last_activity() -> Greatest:
    """The latest of the account's dates (a column expression to annotate users with)."""
    token_activity = (
        ApiToken.objects.filter(user=OuterRef("pk"))
        .annotate(at=Coalesce("last_used_at", "created_at"))
        .order_by("-at")
        .values("at")[:1]
    )
    joined = F("date_joined")
    return Greatest(
        joined,
        Coalesce("last_login", joined),
        Coalesce("activated_at", joined),
        Coalesce(Subquery(token_activity, output_field=DateTimeField()), joined),
        output_field=DateTimeField(),
    )


def user_dormant_list(*, days: int, now: dt.datetime | None = None) -> list[User]:
    """Active accounts unused for more than ``days`` days, longest unused first; each carries
    ``last_activity``. Administrator roles are not exempt."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    users = User.objects.filter(is_active=True).annotate(last_activity=_last_activity())
    return list(users.filter(last_activity__lt=cutoff).order_by("last_activity", "username"))


def user_last_activity(*, user: User) -> dt.datetime:
    """When the account was last used (see the module docstring)."""
    users = User.objects.filter(pk=user.pk).annotate(last_activity=_last_activity())
    value: dt.datetime = users.values_list("last_activity", flat=True).get()
    return value


def user_is_dormant(*, user: User, days: int | None = None, now: dt.datetime | None = None) -> bool:
    """Whether ``user`` has been unused for more than ``days`` (default ``DORMANT_DAYS``) days. Answers from
    the user's own fields when they show recent use, so a busy account costs no query."""
    days = dormant_days() if days is None else days
    if not days:
        return False
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    seen = [t for t in (user.date_joined, user.last_login, user.activated_at) if t is not None]
    if max(seen) >= cutoff:
        return False
    return user_last_activity(user=user) < cutoff


def security_admins_active() -> int:
    """How many enabled security administrator accounts there are (the dormancy sweep warns at zero)."""
    return User.objects.filter(is_active=True, role="security_admin").count()
