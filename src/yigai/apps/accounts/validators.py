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
