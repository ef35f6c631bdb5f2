"""Password rules beyond Django's: 等保 8.1.4.1a asks for complexity (see ADR 0003 for the ASVS deviation)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (str.islower, str.isupper, str.isdigit)


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters the password uses.

    >>> character_classes("abc123"), character_classes("Abc12!"), character_classes("密码Abc1")
    (2, 4, 4)
    """
    found = {i for ch in password for i, test in enumerate(CLASSES) if test(ch)}
    other = any(not any(test(ch) for test in CLASSES) for ch in password)
    return len(found) + int(other)


class CharacterClassesValidator:
    """At least ``min_classes`` of the four classes: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、其他字符中的至少 %(n)s 类") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、其他字符中的至少 %(n)s 类") % {"n": self.min_classes}


class NotContainingUsernameValidator:
    """The username may not appear in the password (in either case), however long the password is."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名")


def _history_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "PASSWORD_HISTORY", 5))


class PasswordHistoryValidator:
    """Not one of the user's last ``PASSWORD_HISTORY`` passwords (the current one included; 0 turns it off).

    ``validate`` compares against the stored hashes; ``password_changed``, which Django calls after a user
    with a new password is saved (the change-password form, ``user_password_set``, the admin site,
    ``manage changepassword``), records the new hash and keeps only the last ``PASSWORD_HISTORY``.
    """

    def validate(self, password: str, user: Any = None) -> None:
        from django.contrib.auth.hashers import check_password

        from yigai.apps.accounts.models import PasswordHistory

        limit = _history_limit()
        if not limit or user is None or user.pk is None:
            return
        hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:limit])
        if user.password and user.password not in hashes:  # set before the history existed
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password: str, user: Any = None) -> None:
        from yigai.apps.accounts.models import PasswordHistory

        limit = _history_limit()
        if not limit or user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[limit:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self) -> str:
        return _("新密码不能与最近 %(n)s 次使用过的密码相同") % {"n": _history_limit()}
