"""List reads load narrow rows: the API's plain-value rows equal the model rows field by field, and no list
page, board or API list issues more queries when the ledger holds more items (no per-row query hides
behind a deferred column or a missing prefetch)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yigai.apps.accounts.services import api_token_create
from yigai.apps.ledger import api
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import light_rows, light_values, lights_query, warnings_for
from yigai.apps.ledger.services import lights_ensure

pytestmark = pytest.mark.django_db


def test_value_rows_and_list_rows_equal_whole_rows(plan, users, t1) -> None:
    """The API's plain values and the lists' narrow rows give what the whole rows give (the item page's
    and the Excel export's), co-units in name order included."""
    from yigai.apps.ledger.services import progress_report_submit
    from yigai.apps.units.services import unit_ensure

    progress_report_submit(item=t1, user=users["lead"], text="推进", percent=30, expected_version=t1.version)
    t1.co_units.add(unit_ensure(name="市人力资源社会保障局"))  # created last, sorts first by name
    lights_ensure()  # selectors only read: the caller brings the stored evaluations up to date
    items = lights_query(user=users["reviewer"])
    assert items.count() > 3
    whole = [api._row(x) for x in warnings_for(user=users["reviewer"])]
    assert [r["co_units"] for r in whole if r["code"] == t1.code] == [
        ["市人力资源和社会保障局", "市医疗保障局", "市财政局"]
    ]
    assert [api._value_row(r) for r in light_values(items)] == whole
    assert [api._row(x) for x in light_rows(items)] == whole


def _copy_items(plan, n: int) -> None:
    """More items in the same places, with parents and co-units like the published ones."""
    originals = list(LedgerItem.objects.filter(ledger__plan=plan).prefetch_related("co_units"))
    for i in range(n):
        o = originals[i % len(originals)]
        copy = LedgerItem.objects.create(
            ledger=o.ledger, code=f"{o.code}-c{i}", title=o.title, text=o.text, lead_unit=o.lead_unit,
            org_unit=o.org_unit, parent=o.parent, start=o.start, deadline=o.deadline, order=o.order + 100 + i,
        )  # fmt: skip
        copy.co_units.set(o.co_units.all())


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
        assert response.status_code == 200
    return len(queries)


def test_lists_cost_the_same_queries_whatever_the_number_of_items(client, plan, users, settings) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }  # no fragment hits
    client.force_login(users["reviewer"])
    key = api_token_create(user=users["reviewer"], name="t")
    calls = {
        "list": lambda: client.get(reverse("ledger:items", args=[plan.pk])),
        "board": lambda: client.get(reverse("ledger:board", args=[plan.pk])),
        "dashboard": lambda: client.get(reverse("dashboard:index")),
        "api items": lambda: client.get("/api/ledger/items?limit=40", HTTP_AUTHORIZATION=f"Bearer {key}"),
        "api warnings": lambda: client.get("/api/ledger/warnings", HTTP_AUTHORIZATION=f"Bearer {key}"),
        "excel export": lambda: client.get(reverse("ledger:export", args=[plan.pk])),
    }
    for call in calls.values():  # the first reads of the day refresh the lights
        call()
    before = {name: _queries(call) for name, call in calls.items()}
    _copy_items(plan, 40)
    for call in calls.values():
        call()
    after = {name: _queries(call) for name, call in calls.items()}
    assert LedgerItem.objects.count() > 40 and after == before
