"""Issue 13, finding 5: a 1 GiB multipart body to the reports API was read whole (15.9 s, 1.1 GB) before
the 20 MB check refused it. Now a declared Content-Length over the cap is answered 413 without reading a
byte, and a file part stops streaming at the per-file limit whatever the request declared."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from yigai.apps.accounts.services import api_token_create
from yigai.apps.ledger.models import Evidence

pytestmark = pytest.mark.django_db
GIB = 1024**3


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def test_a_gib_declared_body_is_refused_unread(client, t1, users) -> None:
    token = api_token_create(user=users["lead"], name="t")
    response = client.generic(
        "POST",
        f"/api/ledger/items/{t1.pk}/reports",
        b"",
        content_type=MULTIPART_CONTENT,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IF_MATCH='"1"',
        CONTENT_LENGTH=str(GIB),
        **{"wsgi.input": Untouchable()},
    )
    assert response.status_code == 413
    assert "请求体过大（1024.0 MB），上限为 64 MB" in response.json()["detail"]


def test_the_ledger_page_refuses_it_too(client, users) -> None:
    client.force_login(users["lead"])
    response = client.generic(
        "POST", "/ledger/import/", b"", content_type=MULTIPART_CONTENT, CONTENT_LENGTH=str(GIB),
        **{"wsgi.input": Untouchable()},
    )  # fmt: skip
    assert response.status_code == 413 and "请求体过大" in response.content.decode()


def test_a_file_part_stops_at_the_per_file_limit(client, t1, users, settings) -> None:
    settings.MAX_UPLOAD_BYTES = settings.LEDGER_EVIDENCE_MAX_BYTES = 100_000
    token = api_token_create(user=users["lead"], name="t")
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * 300_000 + b"\n%%EOF\n")
    body = encode_multipart(BOUNDARY, {"text": "x", "files": [big]})
    response = client.generic(
        "POST", f"/api/ledger/items/{t1.pk}/reports", body, content_type=MULTIPART_CONTENT,
        HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IF_MATCH='"1"',
    )  # fmt: skip
    assert response.status_code in (400, 413)
    assert not Evidence.objects.exists()
