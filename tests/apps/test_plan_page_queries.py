"""The plan page's queries do not grow with its targets (a deferred-field re-fetch and an unjoined indicator
link cost 243 queries on the load data)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yigai.apps.plans.services import plan_store_document
from yigai.core.plan import Target

pytestmark = pytest.mark.django_db


def _targets(n: int) -> tuple[Target, ...]:
    return tuple(
        Target(id=f"G{i}", task_id="T1", indicator=f"指标{i}", comparator=">=", value=i, unit="%",
               quote="加强培养", year=2025)
        for i in range(1, n + 1)
    )  # fmt: skip


def _queries(client, plan) -> int:
    client.get(f"/plans/{plan.pk}/")  # warm the fragment caches
    with CaptureQueriesContext(connection) as q:
        assert client.get(f"/plans/{plan.pk}/").status_code == 200
    return len(q.captured_queries)


def test_plan_page_queries_flat_in_the_number_of_targets(client, orgunits, make_user, fake_document) -> None:
    client.force_login(make_user("owner", "plan_owner", "130600", "市卫生健康委"))
    small = plan_store_document(document=fake_document(targets=_targets(2)), content_hash="q2")
    large = plan_store_document(document=fake_document(targets=_targets(20)), content_hash="q20")
    assert _queries(client, large) == _queries(client, small)
