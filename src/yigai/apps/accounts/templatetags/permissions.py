"""``{% if user|may:"read_audit" %}``: templates ask the one permission table (yigai.core.permissions)."""

from __future__ import annotations

from django import template

from yigai.core.permissions import Perm
from yigai.core.permissions import may as _may

register = template.Library()


@register.filter
def may(user: object, perm: str) -> bool:
    """Whether ``user`` may take ``perm`` (a :class:`~yigai.core.permissions.Perm` value); False for an
    anonymous visitor."""
    return bool(getattr(user, "is_authenticated", False)) and _may(user, Perm(perm))  # type: ignore[arg-type]  # any object with role
