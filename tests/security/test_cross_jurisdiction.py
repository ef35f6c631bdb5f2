"""Cross-jurisdiction suite (issue 6, 等保 8.1.4.2; ASVS 8.2.2): the route inventory and the controls.

Every URL pattern and every API operation must be classified in cross_jurisdiction_routes.py (REFUSE,
LEAK, ROLE, SELF, PUBLIC — the meanings are there), so a new route fails
:func:`test_every_route_is_classified` until someone decides how it is checked, and every classified route
must have its cases in cross_jurisdiction_cases.py. The cases run in test_cross_jurisdiction_html.py
(Django views) and test_cross_jurisdiction_api.py (the API); the controls below show that the same
clients do see their own things and can write, so a refusal there means refused.
"""

from __future__ import annotations

import pytest
from cross_jurisdiction_cases import leak_cases, ledger_sheet, refusal_cases, upload
from cross_jurisdiction_routes import API, LEAK, REFUSE, ROLE, ROUTES, Clients, Req, dormant, ninja_path
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world) -> Clients:
    return Clients(world.users)


def test_every_route_is_classified(sec) -> None:
    ops = sec.api_operations()
    paths = {op.split(" ", 1)[1] for op in ops}
    walked = set()
    for pattern, _name in sec.django_routes():
        if pattern.startswith("api/") and ninja_path(pattern) in paths:
            continue  # an API operation: classified by method below
        walked.add(pattern)
    assert walked - set(ROUTES) == set(), "new URL patterns: classify them in ROUTES (and add cases)"
    stale = {k for k in set(ROUTES) - walked if not dormant(k, walked)}
    assert stale == set(), "stale entries in ROUTES"
    assert ops - set(API) == set(), "new API operations: classify them in API (and add cases)"
    assert set(API) - ops == set(), "stale entries in API"


def test_every_classified_route_has_its_checks(world) -> None:
    refusals, leaks = refusal_cases(world), leak_cases(world)
    for key, kinds in {**ROUTES, **API}.items():
        if REFUSE in kinds or ROLE in kinds:
            assert refusals.get(key), f"{key}: no refusal case"
        if LEAK in kinds:
            assert leaks.get(key), f"{key}: no leak case"
    assert set(refusals) <= set(ROUTES) | set(API) and set(leaks) <= set(ROUTES) | set(API)


# ---- controls: the same clients do see their own things and can write (so a 404 above means refused) --


def test_controls_insiders_see_and_write(world, clients, sec) -> None:
    answer_text = sec.answer_text
    a, x = world.item_a, world.item_x
    text = {
        "rep_a": answer_text(clients.send(Req("rep_a", "GET", f"/ledger/plan/{world.bd.pk}/"))),
        "unit_x": answer_text(clients.send(Req("unit_x", "GET", "/api/ledger/items", {"plan": str(world.bd.pk)}, api=True))),
        "rep_a_item": answer_text(clients.send(Req("rep_a", "GET", f"/ledger/items/{a.code}/"))),
        "owner": answer_text(clients.send(Req("owner_bd", "GET", f"/ledger/plan/{world.bd.pk}/export.xlsx"))),
    }  # fmt: skip
    assert a.code in text["rep_a"] and "清苑区专属事项甲" in text["rep_a"]
    assert x.code in text["unit_x"] and "市卫健委专属事项乙" in text["unit_x"]
    assert "QY7731" in text["rep_a_item"] and "QY4402" in text["rep_a_item"]
    assert all(m in text["owner"] for m in (a.code, x.code, "QY7731", "WJ5519"))
    evidence = clients.send(Req("rep_a", "GET", f"/ledger/evidence/{world.evidence_a.pk}/"))
    assert evidence.status_code == 200
    values = answer_text(clients.send(Req("rep_a", "GET", "/api/indicators/values", api=True)))
    assert "7731.25" in values
    # a write with the same CSRF machinery goes through for the insider (so 404/403 above were refusals)
    reply = clients.send(
        Req(
            "rep_a", "POST", f"/ledger/items/{a.code}/notices/{world.notice_a.pk}/reply/", {"reply": "已整改"}
        )
    )
    assert reply.status_code == 302
    world.notice_a.refresh_from_db()
    assert world.notice_a.reply == "已整改"
    own_sheet = upload(ledger_sheet(world, a.code, "本县改写的进展"))
    preview = clients.send(Req("rep_a", "POST", "/ledger/import/", {"file": own_sheet}))
    assert preview.status_code == 200 and "本县改写的进展" in preview.content.decode()
    no_token = Client(enforce_csrf_checks=True)
    no_token.force_login(world.users["rep_a"])
    assert no_token.post(f"/ledger/items/{a.code}/action/", {"action": "start"}).status_code == 403
