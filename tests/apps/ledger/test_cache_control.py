"""Cache-Control (issue 13, finding 13): no page or file holding ledger or personal data may be kept by a
browser or a shared proxy cache (``no-store``), and the API docs are behind login (a setting, on by
default)."""

from __future__ import annotations

import pytest
from django.test import Client

from yigai.apps.ledger.services import evidence_attach

from .conftest import PDF

pytestmark = pytest.mark.django_db


def test_pages_and_files_with_ledger_or_personal_data_are_no_store(
    plan, users, t1, make_user, otp_client
) -> None:
    ev = evidence_attach(item=t1, user=users["lead"], name="验收.pdf", data=PDF)
    owner = Client()
    owner.force_login(users["owner"])
    leader = Client()
    leader.force_login(users["leader"])
    auditor = otp_client(make_user("auditor", "audit_admin", "130000"))
    routes = [
        (owner, f"/ledger/items/{t1.code}/"),
        (owner, f"/ledger/plan/{plan.pk}/"),
        (owner, f"/ledger/plan/{plan.pk}/export.xlsx"),
        (owner, f"/ledger/evidence/{ev.pk}/"),
        (owner, f"/api/ledger/items/{t1.pk}"),
        (owner, f"/api/ledger/evidence/{ev.pk}"),
        (owner, "/indicators/entry/"),
        (leader, "/dashboard/"),
        (leader, "/dashboard/briefing/"),
        (leader, "/dashboard/scorecards/export/"),
        (auditor, "/audit/"),
        (auditor, "/audit/?format=csv"),
    ]
    for client, url in routes:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.get("Cache-Control", ""), f"{url}: {response.get('Cache-Control')}"


def test_static_files_stay_cacheable(client) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_api_docs_need_login_by_default(client, users) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 302 and "/login/" in docs["Location"]
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 401 and "登录" in schema.json()["detail"]
    client.force_login(users["lead"])
    assert client.get("/api/docs").status_code == 200
    assert "/api/tasks" in client.get("/api/openapi.json").content.decode()


def test_api_docs_can_be_made_public(client, settings) -> None:
    settings.API_DOCS_REQUIRE_LOGIN = False
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
