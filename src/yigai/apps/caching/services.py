"""Cached fragments keyed by the data they were built from.

A page part that many users ask for and few writes change (the dashboard, the warning board, a plan's
task outline) is built once per *what it depends on*:

- the **generations** of the data it reads (:mod:`yigai.apps.caching.triggers` moves them on every write,
  so a write makes every dependent fragment miss on the next read — nothing is served stale);
- what the reader may see (:func:`visibility_key`): readers who see the same rows under every jurisdiction
  rule (``yigai.apps.*.selectors``) share a fragment;
- the page's own parameters (scope, plan, filters, the day, the language).

The generations are read **before** the data, so a fragment is never stored under a generation older than
the rows it shows (a write committed in between makes the stored fragment newer than its key, which only
costs a rebuild).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import translation

from yigai.apps.caching.models import Generation

#: Seconds a fragment is kept; its key already changes with every write, so this bounds only memory and
#: what no key sees (code deployed with a changed template: the key also carries the release below).
FRAGMENT_SECONDS = 600
RELEASE = "1"  # bump when a cached fragment's template or meaning changes without a data change
T = TypeVar("T")


def generations(*names: str) -> tuple[int, ...]:
    """The current generation of each name (0 for one never written), in one query."""
    found = dict(Generation.objects.filter(name__in=names).values_list("name", "n"))
    return tuple(int(found.get(n, 0)) for n in names)


def visibility_key(user: Any) -> str:
    """What decides which rows a user sees (each app's ``selectors``): the system administrator and the
    command line see everything; a unit reporter what their unit is given inside their org unit; every
    other role what lies in their org unit's subtree — the same rows for a plan owner, a reviewer and a
    leader of one place, who therefore share fragments (``tests/apps/test_caching.py`` checks it)."""
    if user is None or user.role == "admin":
        return "all"
    if user.role == "unit_reporter":
        return f"unit:{user.org_unit_id or '-'}:{user.unit_id or '-'}"
    return f"org:{user.org_unit_id or '-'}"


def cache_key(kind: str, parts: Iterable[Any], depends_on: Iterable[str]) -> str:
    names = tuple(depends_on)
    raw = repr((RELEASE, kind, tuple(parts), names, generations(*names), translation.get_language()))
    return f"gen:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(kind: str, parts: Iterable[Any], depends_on: Iterable[str], build: Callable[[], T]) -> T:
    """The cached value for (``kind``, ``parts``) at the current generations of ``depends_on``, built by
    ``build`` on a miss. Values must pickle (the production cache is a database table)."""
    key = cache_key(kind, parts, depends_on)
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def fragment(kind: str, parts: Iterable[Any], depends_on: Iterable[str], build: Callable[[], str]) -> str:
    """A cached piece of HTML: a SafeString from ``render_to_string`` stays one through the cache."""
    return cached(kind, parts, depends_on, build)
