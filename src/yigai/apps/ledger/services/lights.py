"""The day's evaluation of every item, stored on the item (``LedgerItem.light_*`` and the report counts).

A light depends on the date (workdays to the deadline, 序时进度), on the item and its milestones, on the
ledger's scheme and on the workday calendar. Lists, the warning board and the dashboard read the stored
values, so they filter, count and paginate in SQL instead of evaluating every visible item per request.

What is stored is :func:`yigai.core.ledger.evaluate_item`'s result (light, overdue and its workdays, report
counts with 漏报, the status as shown), computed by :func:`yigai.apps.ledger.figures.evaluations`.

Freshness: every service write to an item calls :func:`lights_invalidate` (item saves, milestone rebuilds;
calendar changes clear all); :func:`lights_ensure` — called by views, the API and the dashboard before they
read (selectors never write) — recomputes the items whose ``light_on`` is not today. The nightly ``yigai ledger warnings
--refresh`` does the same work off-line so the first reader of the day does not wait.

Two workers refreshing at once split the rows: each locks the rows it evaluates with ``SKIP LOCKED`` on
PostgreSQL (SQLite serialises writers anyway), and a row written meanwhile by a service keeps the service's
``light_on = NULL`` because the update is conditional on the version the evaluation read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from yigai.apps.ledger.figures import closed_days, evaluations
from yigai.apps.ledger.models import LIGHT_FIELDS, LedgerItem
from yigai.core.ledger import ItemEvaluation

CHUNK = 1000
Progress = Callable[[int, int], None]


def stale(today: dt.date, items: QuerySet[LedgerItem] | None = None) -> QuerySet[LedgerItem]:
    qs = LedgerItem.objects.all() if items is None else items
    # Three index-friendly ranges instead of NOT (light_on = today), which scans every item.
    return qs.filter(Q(light_on__isnull=True) | Q(light_on__lt=today) | Q(light_on__gt=today))


#: The columns that mark a stored evaluation stale (an item saved by ``item_save`` sets them in its update).
STALE_LIGHT: dict[str, None] = {"light_on": None}


def lights_invalidate(items: QuerySet[LedgerItem] | None = None) -> int:
    """Mark items (all, by default: a calendar or scheme change moves every light) for re-evaluation: the
    one way a write makes a stored evaluation stale (services call it, or write :data:`STALE_LIGHT` with
    their own update; models have no ``save()`` hook)."""
    qs = LedgerItem.objects.all() if items is None else items
    return qs.update(**STALE_LIGHT)


def lights_ensure(today: dt.date | None = None) -> int:
    """Bring every stale item up to ``today`` (default: the local date); the number refreshed.

    Cheap when nothing is stale (one indexed query); the first call of a day does the day's work unless
    the nightly refresh already did.
    """
    day = today or timezone.localdate()
    if not stale(day).exists():
        return 0
    return lights_refresh(today=day, wait=False)


#: How long a refresh started by a page read waits for a writer of the ledger (PostgreSQL): a long write
#: (publishing a plan, applying an Excel file) holds the ledger's generation row until it commits, and a
#: reader must not wait for it. The page then shows the light stored before; the next read refreshes it.
READER_LOCK_TIMEOUT = "200ms"


def _lock_timed_out(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "55P03"  # lock_not_available


def lights_refresh(
    *, today: dt.date | None = None, force: bool = False, progress: Progress | None = None, wait: bool = True
) -> int:
    """Evaluate and store the lights of stale items (all items with ``force``), in chunks of 1,000.

    ``wait=False`` (a page read): give up after ``READER_LOCK_TIMEOUT`` behind a writer instead of waiting."""
    day = today or timezone.localdate()
    ids = list(
        (LedgerItem.objects.all() if force else stale(day)).order_by("pk").values_list("pk", flat=True)
    )
    done = 0
    # Only a transaction of its own may set its lock timeout (SET LOCAL would outlive a savepoint).
    wait = wait or connection.vendor != "postgresql" or connection.in_atomic_block
    for start in range(0, len(ids), CHUNK):
        try:
            done += _refresh_chunk(ids[start : start + CHUNK], day, wait)
        except OperationalError as exc:
            if wait or not _lock_timed_out(exc):
                raise
            return done
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return done


def _refresh_chunk(ids: list[int], day: dt.date, wait: bool = True) -> int:
    with transaction.atomic():
        if not wait:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{READER_LOCK_TIMEOUT}'")
        qs = LedgerItem.objects.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        items = list(
            qs.select_related("ledger", "lead_unit", "org_unit").prefetch_related("co_units", "milestones")
        )
        if not items:
            return 0
        closed = closed_days(i.pk for i in items if i.status == "closed")
        found, changed = evaluations(items, day, closed=closed), []
        for item in items:
            _store(item, found[item.pk])
            item.closed_on = closed.get(item.pk)
            changed.append(item)
        if connection.features.has_select_for_update_skip_locked:  # rows locked FOR UPDATE: one statement
            LedgerItem.objects.bulk_update(changed, sorted(LIGHT_FIELDS))
            return len(changed)
        # No row locks (SQLite): conditional on the version read, so a service that saved meanwhile (and
        # cleared light_on) wins and the item is evaluated again on the next read.
        return sum(
            LedgerItem.objects.filter(pk=i.pk, version=i.version).update(
                **{f: getattr(i, f) for f in LIGHT_FIELDS}
            )
            for i in changed
        )


def red_since(before: str, since: dt.date | None, colour: str, day: dt.date) -> dt.date | None:
    """When a red light began: kept while the item stays red, ``day`` when a stored light of another colour
    turns red, None otherwise (not red, or red at its first evaluation: no change was seen).

    >>> d = dt.date(2026, 12, 8)
    >>> red_since("green", None, "red", d), red_since("red", dt.date(2026, 12, 1), "red", d)
    (datetime.date(2026, 12, 8), datetime.date(2026, 12, 1))
    >>> red_since("", None, "red", d), red_since("red", d, "green", d)
    (None, None)
    """
    if colour != "red":
        return None
    if before == "red":
        return since
    return day if before else None


def _store(item: LedgerItem, e: ItemEvaluation) -> None:
    """Copy one evaluation onto the row (the caller writes ``LIGHT_FIELDS``)."""
    item.red_since = red_since(item.light_colour, item.red_since, e.light.colour, e.day)
    item.light_on, item.light_colour, item.light_label = e.day, e.light.colour, e.light.label[:16]
    item.light_reason, item.light_approximate = e.light.reason[:300], e.light.approximate
    item.status_shown, item.overdue, item.overdue_workdays = (
        e.status_shown[:16],
        e.overdue,
        e.overdue_workdays,
    )
    item.reports_on_time, item.reports_late, item.reports_missing = (
        e.reports.on_time,
        e.reports.late,
        e.reports.missing,
    )
