"""The menu's 待办 count: on every page, so it is one generation read and a cache hit (ADR 0004)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from yigai.apps.caching.services import cached, snapshot, visibility_key
from yigai.apps.todo.selectors import has_todo, todo_counts

register = template.Library()


@register.simple_tag
def todo_count(user: object) -> int | None:
    """The number of things waiting in the user's 待办 (None: the user has no 待办). Built once per user and
    day, and again after any write to the ledger or the indicators (their generations key it)."""
    if not getattr(user, "is_authenticated", False) or not has_todo(user):  # type: ignore[arg-type]
        return None
    today, at = timezone.localdate(), snapshot("ledger", "indicators")

    def build() -> int:
        from yigai.apps.ledger.services import lights_ensure

        lights_ensure()  # the red items are today's
        return sum(todo_counts(user=user, today=today).values())  # type: ignore[arg-type]

    key = (user.pk, user.role, visibility_key(user), today)  # type: ignore[attr-defined]
    return cached("todo_count", key, at, build)
