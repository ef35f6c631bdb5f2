"""The day's evaluation of every item, stored on the item (``LedgerItem.light_*`` and the report counts).

A light depends on the date (workdays to the deadline, 序时进度), on the item and its milestones, on the
ledger's scheme and on the workday calendar. Lists, the warning board and the dashboard read the stored
values, so they filter, count and paginate in SQL instead of evaluating every visible item per request.

Freshness: every write to an item clears its ``light_on`` (:func:`yigai.apps.ledger.services.base.item_save`,
milestone rebuilds, calendar changes clear all); :func:`lights_ensure` — called by every reader of stored
lights — recomputes the items whose ``light_on`` is not today. The nightly ``yigai ledger warnings
--refresh`` does the same work off-line so the first reader of the day does not wait.

Two workers refreshing at once split the rows: each locks the rows it evaluates with ``SKIP LOCKED`` on
PostgreSQL (SQLite serialises writers anyway), and a row written meanwhile by a service keeps the service's
``light_on = NULL`` because the update is conditional on the version the evaluation read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.db import OperationalError, connection, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import LIGHT_FIELDS, LedgerItem, ProgressReport, Transition
from yigai.core.ledger import (
    WarningScheme,
    WorkCalendar,
    completeness,
    due_periods,
    evaluate,
    status_label,
)

CHUNK = 1000
Progress = Callable[[int, int], None]


def stale(today: dt.date, items: QuerySet[LedgerItem] | None = None) -> QuerySet[LedgerItem]:
    qs = LedgerItem.objects.all() if items is None else items
    # Three index-friendly ranges instead of NOT (light_on = today), which scans every item.
    return qs.filter(Q(light_on__isnull=True) | Q(light_on__lt=today) | Q(light_on__gt=today))


def lights_invalidate(items: QuerySet[LedgerItem] | None = None) -> int:
    """Mark items (all, by default: a calendar change moves every workday count) for re-evaluation."""
    qs = LedgerItem.objects.all() if items is None else items
    return qs.update(light_on=None)


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
    cal = adapters.calendar_from_db()
    schemes: dict[int, WarningScheme] = {}
    done = 0
    # Only a transaction of its own may set its lock timeout (SET LOCAL would outlive a savepoint).
    wait = wait or connection.vendor != "postgresql" or connection.in_atomic_block
    for start in range(0, len(ids), CHUNK):
        try:
            done += _refresh_chunk(ids[start : start + CHUNK], day, cal, schemes, wait)
        except OperationalError as exc:
            if wait or not _lock_timed_out(exc):
                raise
            return done
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return done


def _refresh_chunk(
    ids: list[int], day: dt.date, cal: WorkCalendar, schemes: dict[int, WarningScheme], wait: bool = True
) -> int:
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
        pks = [i.pk for i in items]
        reports = _reports(pks)
        closed = _closed_days(pks)
        changed = []
        for item in items:
            scheme = schemes.get(item.ledger_id) or schemes.setdefault(
                item.ledger_id, adapters.scheme_for(item.ledger)
            )
            light = evaluate(adapters.snapshot(item), today=day, calendar=cal, scheme=scheme)
            counts = _report_counts(item, reports.get(item.pk, []), day, cal)
            item.light_on, item.light_colour, item.light_label = day, light.colour, light.label[:16]
            item.light_reason, item.light_approximate = light.reason[:300], light.approximate
            item.status_shown = status_label(adapters.item_state(item), day)[:16]
            item.closed_on = closed.get(item.pk) if item.status == "closed" else None
            item.reports_on_time, item.reports_late = counts["on_time"], counts["late"]
            item.reports_missing = counts["missing"]
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


def _reports(pks: list[int]) -> dict[int, list[ProgressReport]]:
    found: dict[int, list[ProgressReport]] = defaultdict(list)
    for r in ProgressReport.objects.filter(item_id__in=pks, is_lead=True).order_by("submitted_at", "pk"):
        found[r.item_id].append(r)
    return found


def _closed_days(pks: list[int]) -> dict[int, dt.date]:
    """The day each item was last approved closed (local time)."""
    rows = (
        Transition.objects.filter(item_id__in=pks, to_status="closed")
        .values("item_id")
        .annotate(at=Max("at"))
    )
    return {r["item_id"]: timezone.localdate(r["at"]) for r in rows}


def _report_counts(
    item: LedgerItem, rows: Iterable[ProgressReport], day: dt.date, cal: WorkCalendar
) -> Counter[str]:
    """Expected reports of the lead unit up to ``day`` by state, as the reporting rates count them."""
    window = adapters.expected_window(item, day)
    if window is None or item.lead_unit_id is None:
        return Counter()
    label = adapters.place_unit(item)
    periods = due_periods(*window, item.ledger.cadence, calendar=cal)  # type: ignore[arg-type]  # a Cadence choice
    entries = completeness(adapters.reports_for(rows, label), periods, day, units=[label], item_id=item.code)
    return Counter(e.state for e in entries)
