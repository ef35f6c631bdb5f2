"""Cached values and fragments keyed by the data they were built from.

A page part that many users ask for and few writes change (the dashboard, the warning board, a ledger's
rows, a plan's task outline) is built once per *what it depends on*:

- the **generations** of the data it reads (:mod:`yigai.apps.caching.triggers` moves them on every write,
  whatever code path wrote, so a write makes every dependent fragment miss on the next read);
- the **epoch**, a random number drawn at every ``migrate`` (each start of the server, each ``yigai``
  command, each restore): a deployment with new templates or translations, or a restored backup whose
  generation numbers repeat older ones, never meets a fragment built before it;
- what the reader may see (:func:`visibility_key`): readers who see the same rows under every jurisdiction
  rule (``yigai.apps.*.selectors``) share a fragment;
- the page's own parameters (scope, plan, filters, page, the day, the language).

**Order matters.** A view takes its :func:`snapshot` of the generations *first* — before it loads the plan,
the scope or anything else it shows — and keys every cached piece on that snapshot. Whatever the view reads
afterwards is at least as new as the snapshot, so a fragment may be newer than its key (a write committed
in between: readers with the newer generation miss and rebuild) but never older than it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils import translation

from yigai.apps.caching.models import Generation

#: Seconds a value is kept; its key changes with every write and every deployment, so this bounds memory.
FRAGMENT_SECONDS = 600
EPOCH = "epoch"
T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """The generations of some kinds of data (and the epoch), read in one query at one moment."""

    values: tuple[tuple[str, int], ...]

    def only(self, *names: str) -> Snapshot:
        """The part of this snapshot a smaller cached piece depends on (taken at the same moment)."""
        kept = {name: n for name, n in self.values}
        return Snapshot(tuple((name, kept[name]) for name in (EPOCH, *names)))


def snapshot(*names: str) -> Snapshot:
    """The current generation of each name (0 for one never written) and the epoch: take it before
    reading anything the cached pieces will show."""
    wanted = (EPOCH, *names)
    found = dict(Generation.objects.filter(name__in=wanted).values_list("name", "n"))
    return Snapshot(tuple((name, int(found.get(name, 0))) for name in wanted))


def generations(*names: str) -> tuple[int, ...]:
    """The current generation of each name, without the epoch (for tests and diagnostics)."""
    return tuple(n for name, n in snapshot(*names).values if name != EPOCH)


def new_epoch() -> int:
    """Draw a new epoch (after every migrate and restore): every cached piece built before is unreachable."""
    value = secrets.randbelow(2**62)
    Generation.objects.update_or_create(name=EPOCH, defaults={"n": value})
    return value


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


def cache_key(kind: str, parts: Iterable[Any], at: Snapshot) -> str:
    raw = repr((kind, tuple(parts), at.values, translation.get_language()))
    return f"gen:{kind}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(kind: str, parts: Iterable[Any], at: Snapshot, build: Callable[[], T]) -> T:
    """The cached value for (``kind``, ``parts``) at the snapshot ``at``, built by ``build`` on a miss.
    Values must pickle (the production cache is a database table)."""
    key = cache_key(kind, parts, at)
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def fragment(kind: str, parts: Iterable[Any], at: Snapshot, build: Callable[[], str]) -> str:
    """A cached piece of HTML: a SafeString from ``render_to_string`` stays one through the cache."""
    return cached(kind, parts, at, build)
