"""Ledger API: scoped lists with colours, ETag / If-Match (428, 412 with current values), multipart
progress reports with evidence, evidence download only for users who may see the item."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yigai.apps.accounts.services import api_token_create
from yigai.apps.ledger.models import LedgerItem

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}


def test_list_is_scoped_and_filterable(client, t1, users) -> None:
    lead = client.get("/api/ledger/items", **bearer(users["lead"])).json()
    assert [i["code"] for i in lead] == [t1.code]
    assert (
        lead[0]["colour"] == "red" and "已逾期" in lead[0]["reason"] and lead[0]["status_label"] == "已逾期"
    )
    assert client.get("/api/ledger/items", **bearer(users["other"])).json() == []
    reviewer = bearer(users["reviewer"])
    everything = client.get("/api/ledger/items", **reviewer).json()
    assert len(everything) == LedgerItem.objects.count()
    t2 = client.get("/api/ledger/items?unit=县（市、区）&colour=red", **reviewer).json()
    assert t2 and all(i["responsible_unit"].endswith("人民政府") for i in t2)
    assert client.get("/api/ledger/items?colour=green&on=2024-01-02", **reviewer).json()
    assert client.get("/api/ledger/warnings?on=2024-01-02", **reviewer).status_code == 200


def test_transition_needs_if_match(client, t1, users) -> None:
    auth = bearer(users["lead"])
    detail = client.get(f"/api/ledger/items/{t1.code}", **auth)
    assert detail.status_code == 200 and detail["ETag"] == '"1"'
    assert detail.json()["allowed_actions"] == ["start", "report_progress", "request_extension"]
    url = f"/api/ledger/items/{t1.pk}/transitions"
    missing = client.post(url, {"action": "start"}, content_type="application/json", **auth)
    assert missing.status_code == 428
    ok = client.post(url, {"action": "start"}, content_type="application/json", HTTP_IF_MATCH='"1"', **auth)
    assert ok.status_code == 200 and ok["ETag"] == '"2"' and ok.json()["status"] == "in_progress"
    stale = client.post(
        url, {"action": "request_close"}, content_type="application/json", HTTP_IF_MATCH='"1"', **auth
    )
    assert stale.status_code == 412 and stale.json()["current"]["version"] == 2
    assert stale.json()["current"]["status"] == "in_progress"
    refused = client.post(
        url, {"action": "request_close"}, content_type="application/json", HTTP_IF_MATCH='"2"', **auth
    )
    assert refused.status_code == 400 and "佐证材料" in refused.json()["detail"]
    leader = client.post(url, {"action": "start"}, content_type="application/json", HTTP_IF_MATCH='"2"',
                         **bearer(users["leader"]))  # fmt: skip
    assert leader.status_code == 400
    other = client.post(url, {"action": "start"}, content_type="application/json", HTTP_IF_MATCH='"2"',
                        **bearer(users["other"]))  # fmt: skip
    assert other.status_code == 404


def test_report_with_evidence_and_download(client, t1, users) -> None:
    auth = bearer(users["lead"])
    url = f"/api/ledger/items/{t1.pk}/reports"
    upload = SimpleUploadedFile("验收报告.pdf", PDF, content_type="text/plain")
    response = client.post(
        url, {"text": "已完成", "percent": "100", "files": [upload]}, HTTP_IF_MATCH='"1"', **auth
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["progress"] == 100 and body["reports"][0]["text"] == "已完成"
    [ev] = body["evidence"]
    assert ev["content_type"] == "application/pdf" and ev["name"] == "验收报告.pdf"
    bad = client.post(
        url,
        {"text": "x", "files": [SimpleUploadedFile("a.pdf", b"MZ")]},
        HTTP_IF_MATCH=response["ETag"],
        **auth,
    )
    assert bad.status_code == 400 and "只接受" in bad.json()["detail"]
    assert client.post(url, {"text": "x"}, **auth).status_code == 428
    download = client.get(f"/api/ledger/evidence/{ev['id']}", **auth)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/api/ledger/evidence/{ev['id']}", **bearer(users["reviewer"])).status_code == 200
    assert client.get(f"/api/ledger/evidence/{ev['id']}", **bearer(users["other"])).status_code == 404
    assert client.get(f"/api/ledger/evidence/{ev['id']}", **bearer(users["county"])).status_code == 404
    assert client.get(f"/api/ledger/evidence/{ev['id']}").status_code == 401


@pytest.mark.parametrize("on", ["9999-12-30", "2741-08-11", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_an_evaluation_day_far_away_is_refused_before_any_evaluation(
    client, t1, users, monkeypatch, on
) -> None:
    """Probe and fuzzer (session 4): ``/api/ledger/warnings?on=9999-12-30`` evaluated every visible item (15 s
    on the loaded demo host) and then failed on a date overflow; ``?on=2741-08-11`` computed seven centuries of
    expected reports (over 10 s). Any other day is evaluated afresh, so a day outside 2000 .. ten years ahead
    is a 422 naming the range, before anything is evaluated."""
    from yigai.apps.ledger import selectors

    monkeypatch.setattr(selectors, "lights_evaluated", lambda *a, **k: pytest.fail("evaluated"))
    for url in (f"/api/ledger/warnings?on={on}", f"/api/ledger/items?on={on}"):
        answer = client.get(url, **bearer(users["reviewer"]))
        assert answer.status_code == 422
        assert "评估日期应在 2000-01-01 至" in str(answer.json())
