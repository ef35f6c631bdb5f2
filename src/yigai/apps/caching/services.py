"""Cached fragments keyed by the data they were built from.

A page part that many users ask for and few writes change (the dashboard, the warning board, a plan's
task outline) is built once per *what it depends on*:

- the **generations** of the data it reads (:mod:`yigai.apps.caching.triggers` moves them on every write,
  so a write makes every dependent fragment miss on the next read — nothing is served stale);
- what the reader may see (:func:`visibility_key`): two users with the same role, org unit and unit see
  the same rows under every jurisdiction rule (``yigai.apps.*.selectors``), so they may share a fragment;
- the page's own parameters (scope, plan, filters, the day, the language).

The generations are read **before** the data, so a fragment is never stored under a generation older than
the rows it shows (a write committed in between makes the stored fragment newer than its key, which only
costs a rebuild).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.utils import translation

from yigai.apps.caching.models import Generation

#: Seconds a fragment is kept; its key already changes with every write, so this bounds only memory and
#: what no key sees (code deployed with a changed template: the key also carries the release below).
FRAGMENT_SECONDS = 600
RELEASE = "1"  # bump when a cached fragment's template or meaning changes without a data change


def generations(*names: str) -> tuple[int, ...]:
    """The current generation of each name (0 for one never written), in one query."""
    found = dict(Generation.objects.filter(name__in=names).values_list("name", "n"))
    return tuple(int(found.get(n, 0)) for n in names)


def visibility_key(user: Any) -> str:
    """What decides which rows a user sees: role, org unit and unit (see each app's ``selectors``)."""
    if user is None:
        return "all"
    return f"{user.role}:{user.org_unit_id or '-'}:{user.unit_id or '-'}"


def fragment_key(kind: str, parts: Iterable[Any], depends_on: Iterable[str]) -> str:
    names = tuple(depends_on)
    raw = repr((RELEASE, kind, tuple(parts), names, generations(*names), translation.get_language()))
    return f"frag:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()


def fragment(kind: str, parts: Iterable[Any], depends_on: Iterable[str], build: Callable[[], str]) -> str:
    """The cached text for (``kind``, ``parts``) at the current generations of ``depends_on``, built by
    ``build`` on a miss."""
    key = fragment_key(kind, parts, depends_on)
    text: str | None = cache.get(key)
    if text is None:
        text = build()  # a SafeString from render_to_string; it stays one through the cache (pickle)
        cache.set(key, text, FRAGMENT_SECONDS)
    return text
