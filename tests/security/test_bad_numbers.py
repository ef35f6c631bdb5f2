"""Probe (session 4): a number in the query or a form that is not a database integer — 30 digits, or a
Unicode digit such as ``²`` (``str.isdigit`` says yes, ``int`` says no) — was a 500 on several pages
(``/todo/notices/?plan=999…``: "Python int too large to convert to SQLite INTEGER"; PostgreSQL: "bigint out
of range"). Each page now treats it as no such object: the page without that filter, or 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HUGE, SUPERSCRIPT = "9" * 30, "²"


@pytest.mark.parametrize("raw", [HUGE, SUPERSCRIPT])
@pytest.mark.parametrize(
    "url",
    ["/todo/notices/?plan={}", "/dashboard/?plan={}", "/plans/tasks/?plan={}", "/ledger/items/{}/",
     "/dashboard/map-data/?target={}", "/ledger/?plan={}"],
)  # fmt: skip
def test_a_number_beyond_the_database_is_not_a_server_error(client, make_user, url: str, raw: str) -> None:
    client.force_login(make_user("owner", "plan_owner", "130600", "市卫生健康委"))
    client.raise_request_exception = False
    assert client.get(url.format(raw)).status_code in (200, 404)


@pytest.mark.parametrize("raw", [HUGE, SUPERSCRIPT])
def test_an_evidence_mark_for_a_bad_item_number_is_404(client, make_user, raw: str) -> None:
    client.force_login(make_user("reviewer", "reviewer", "130600"))
    client.raise_request_exception = False
    url = reverse("assessment:mark", args=["golden", "2024", "130606"])
    assert client.post(url, {"item": raw, "mark": "poor"}).status_code == 404


def test_db_int() -> None:
    from yigai.core.params import db_int

    assert [db_int(s) for s in ("12", " 7 ", "", "-1", "1e3", HUGE, SUPERSCRIPT, "٣", str(2**63 - 1))] == [
        12, 7, None, None, None, None, None, None, 2**63 - 1]  # fmt: skip
