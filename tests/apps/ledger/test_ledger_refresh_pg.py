"""The refresh under concurrency on PostgreSQL (its SKIP LOCKED path): a refresh skips the rows another
transaction holds instead of waiting, two refreshes at once split the rows without writing any twice, and
what they store equals one evaluation of every item."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from yigai.apps.ledger import services
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import warnings_all

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's (make unit-pg)"
    ),
]


def _stored() -> dict[str, tuple]:
    return {
        i.code: (i.light_colour, i.light_reason, i.status_shown, i.overdue, i.reports_missing)
        for i in LedgerItem.objects.all()
    }


def test_a_refresh_skips_rows_another_transaction_holds(plan) -> None:
    today = timezone.localdate()
    ids = list(LedgerItem.objects.order_by("pk").values_list("pk", flat=True))
    held = ids[::3]
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(LedgerItem.objects.select_for_update().filter(pk__in=held))
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        assert services.lights_refresh(today=today) == len(ids) - len(held)  # did not wait for them
        assert holder.is_alive() and not release.is_set()
        assert set(LedgerItem.objects.filter(light_on__isnull=True).values_list("pk", flat=True)) == set(held)
    finally:
        release.set()
        holder.join()
    assert services.lights_refresh(today=today) == len(held)  # the next refresh takes the rest
    assert services.lights_refresh(today=today) == 0


def test_two_refreshes_at_once_split_the_rows(plan) -> None:
    today = timezone.localdate()
    total = LedgerItem.objects.count()
    start, done = threading.Barrier(2), [0, 0]

    def refresh(n: int) -> None:
        try:
            start.wait(10)
            done[n] = services.lights_refresh(today=today, force=True)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=refresh, args=(n,)) for n in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert total <= sum(done) <= 2 * total  # every row written, none lost; a row may be written by both
    assert not LedgerItem.objects.exclude(light_on=today).exists()
    evaluated = {
        x.item.code: (x.warning.colour, x.warning.reason, x.status_label, x.overdue, x.reports.missing)
        for x in warnings_all(on=today)
    }
    assert _stored() == evaluated
