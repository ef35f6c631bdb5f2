"""API: token auth (hashed at rest), jurisdiction-scoped reads, import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yigai.apps.accounts.models import ApiToken
from yigai.apps.accounts.services import api_token_create
from yigai.apps.plans.services import plan_store_document
from yigai.apps.publishing import plan_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(orgunits, fake_document):
    bd = plan_store_document(document=fake_document(), content_hash="bd")
    sjz = plan_store_document(document=fake_document(issuer="石家庄市人民政府办公室"), content_hash="sjz")
    plan_publish(plan=bd)
    plan_publish(plan=sjz)
    return bd, sjz


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test')}"}


def test_requires_auth(client, published) -> None:
    assert client.get("/api/plans").status_code == 401
    assert client.get("/api/plans", HTTP_AUTHORIZATION="Bearer yg_wrong").status_code == 401


def test_token_is_hashed_at_rest(make_user) -> None:
    key = api_token_create(user=make_user("o", "plan_owner", "130600"), name="t")  # admins get none
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_scoped_lists(client, published, make_user) -> None:
    bd, _ = published
    owner = make_user("o", "plan_owner", "130600", "市卫生健康委")
    plans = client.get("/api/plans", **bearer(owner)).json()
    assert [p["id"] for p in plans] == [bd.pk] and plans[0]["n_tasks"] == 3
    reporter = make_user("r", "unit_reporter", "130608", "清苑区人民政府")
    tasks = client.get("/api/tasks", **bearer(reporter)).json()
    assert [(t["plan_id"], t["title"]) for t in tasks] == [(bd.pk, "建设县域医共体")]
    assert client.get(f"/api/plans/{published[1].pk}", **bearer(reporter)).status_code == 404
    detail = client.get(f"/api/plans/{bd.source}", **bearer(owner)).json()
    t1 = next(t for t in detail["tasks"] if t["number"] == "1")
    assert t1["milestones"] == [{"due": "2024-10-31", "text": "10月底前完成摸底"}]
    assert t1["targets"][0]["value"] == 3.2


def test_import_endpoint(client, make_user, fake_extract) -> None:
    owner = make_user("o", "plan_owner", "130600", "市卫生健康委")
    upload = SimpleUploadedFile("p.txt", "内容".encode())
    response = client.post("/api/plans", {"file": upload}, **bearer(owner))
    assert response.status_code == 201 and response.json()["n_tasks"] == 3
    again = client.post("/api/plans", {"file": SimpleUploadedFile("q.txt", "内容".encode())}, **bearer(owner))
    assert again.status_code == 200 and again.json()["created"] is False
    empty = client.post("/api/plans", {"file": SimpleUploadedFile("e.txt", b"")}, **bearer(owner))
    assert empty.status_code == 400 and "文件为空" in empty.json()["detail"]
    leader = make_user("l", "leader", "130000")
    upload = SimpleUploadedFile("z.txt", "别的".encode())
    assert client.post("/api/plans", {"file": upload}, **bearer(leader)).status_code == 403


def test_openapi_docs(client, make_user) -> None:
    client.force_login(make_user("docs", "plan_owner", "130600"))  # behind login (API_DOCS_REQUIRE_LOGIN)
    assert client.get("/api/docs").status_code == 200
    assert "/api/tasks" in client.get("/api/openapi.json").content.decode()
