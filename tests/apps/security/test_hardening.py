"""Web hardening: CSRF on every POST form, security headers and CSP (no inline scripts), the production
deploy check, rate limits (429), upload sniffing."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from yigai.core.uploads import UploadRejected, sniff_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(orgunits, fake_document):
    from yigai.apps.plans.services import plan_store_document

    return plan_store_document(document=fake_document(), content_hash="h")


def _post_routes(plan) -> list[str]:
    task = plan.tasks.order_by("order").first()
    return [
        reverse("logout"),
        reverse("set_language"),
        reverse("plans:import"),
        reverse("plans:publish", args=[plan.pk]),
        reverse("plans:link", args=[plan.pk]),
        reverse("plans:merge", args=[plan.pk]),
        reverse("plans:task_edit", args=[task.pk]),
        reverse("plans:task_split", args=[task.pk]),
        reverse("orgunits:population"),
        reverse("accounts:password_change"),
        reverse("accounts:otp_setup"),
        reverse("accounts:otp_verify"),
        reverse("audit:verify"),
    ]


def test_csrf_enforced_on_every_post_form(plan, make_user) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("owner", "plan_owner", "130600", "市卫生健康委"))
    for url in _post_routes(plan):
        assert client.post(url, {}).status_code == 403, url
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/login/", {"username": "owner", "password": "pw-test-123"}).status_code == 403
    page = anonymous.get("/login/")
    token = page.cookies["csrftoken"].value
    data = {"username": "owner", "password": "pw-test-123", "csrfmiddlewaretoken": token}
    assert anonymous.post("/login/", data).status_code == 302


def test_every_post_form_in_templates_carries_the_token() -> None:
    import yigai

    for path in Path(yigai.__file__).parent.rglob("*.html"):
        text, name = path.read_text(encoding="utf-8"), path.name
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", text, flags=re.S | re.I):
            assert "{% csrf_token %}" in form, f"{name}: a POST form without {{% csrf_token %}}"


HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("url", ["/login/", "/plans/", "/plans/tasks/", "/orgunits/", "/api/docs"])
def test_security_headers_and_csp(client, make_user, url) -> None:
    if url != "/login/":  # the login page redirects a logged-in user
        client.force_login(make_user("owner", "plan_owner", "130600", "市卫生健康委"))
    response = client.get(url)
    assert response.status_code == 200
    for header, value in HEADERS.items():
        assert response[header] == value
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    html = response.content.decode()
    inline = [
        s for s in re.findall(r"<script\b[^>]*>", html) if "src=" not in s and "application/json" not in s
    ]
    assert inline == [], "inline scripts are blocked by the CSP: move them to static files"
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handlers are blocked by the CSP"
    assert "cdn" not in html.lower()


def _deploy_check(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("YIGAI_") and k != "DATABASE_URL"}
    cmd = [
        sys.executable,
        "-c",
        "from yigai.cli import main; main()",
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**base, **env})


def test_deploy_check_clean_with_production_settings(tmp_path) -> None:
    env = {
        "YIGAI_ENV": "production",
        "YIGAI_DATA_DIR": str(tmp_path),
        "YIGAI_ALLOWED_HOSTS": "yigai.example.org",
    }
    keys = {"YIGAI_AUDIT_KEY": "ci-audit-" + "a1" * 20, "YIGAI_BACKUP_KEY": "ci-backup-" + "b2" * 20}
    ok = _deploy_check(**env, **keys, YIGAI_SECRET_KEY="ci-dummy-" + "k7Qz" * 12)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "no issues" in ok.stdout
    no_audit_key = _deploy_check(
        **env, YIGAI_BACKUP_KEY=keys["YIGAI_BACKUP_KEY"], YIGAI_SECRET_KEY="ci-dummy-" + "k7Qz" * 12
    )
    assert no_audit_key.returncode != 0 and "YIGAI_AUDIT_KEY" in no_audit_key.stderr
    assert not (tmp_path / "keys").exists()  # never created silently in production
    missing = _deploy_check(**env)
    assert missing.returncode != 0 and "YIGAI_SECRET_KEY" in missing.stderr
    weak = _deploy_check(**env, YIGAI_SECRET_KEY="short")
    assert weak.returncode != 0 and "过弱" in weak.stderr
    no_hosts = _deploy_check(**{**env, "YIGAI_ALLOWED_HOSTS": ""}, YIGAI_SECRET_KEY="ci-dummy-" + "k7Qz" * 12)
    assert no_hosts.returncode != 0 and "YIGAI_ALLOWED_HOSTS" in no_hosts.stderr


def test_api_rate_limit(client, settings, make_user) -> None:
    from yigai.apps.accounts.services import api_token_create

    settings.API_RATE_LIMIT = "3/60"
    key = api_token_create(user=make_user("o", "plan_owner", "130600"), name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert [client.get("/api/plans", **auth).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/plans", **auth)
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60
    assert client.get("/api/plans", HTTP_AUTHORIZATION="Bearer yg_other").status_code == 401  # per token


def test_login_rate_limit_per_address(client, settings, make_user) -> None:
    """The wide cap per address, whatever the account (per address and account: test_access_hardening)."""
    settings.LOGIN_ADDRESS_RATE_LIMIT = "2/300"
    make_user("a", "leader", "130000")
    for _ in range(2):
        assert client.post("/login/", {"username": "a", "password": "x"}).status_code == 200
    assert client.post("/login/", {"username": "b", "password": "x"}).status_code == 429
    assert (
        Client(REMOTE_ADDR="10.1.1.1").post("/login/", {"username": "a", "password": "x"}).status_code == 200
    )


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("report.pdf", b"MZ\x90\x00\x03", "executable"),
        ("report.pdf", b"PK\x03\x04 not a pdf", "mismatch"),
        ("photo.png", b"\xff\xd8\xff\xe0 jpeg", "mismatch"),
        ("table.xlsx", _zip({"a.xml": b"\x00" * 5_000_000}), "archive"),
        ("tool.exe", b"MZ", "extension"),
        ("big.txt", b"x" * 2048, "too_large"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_sniff_upload_rejects(name, data, code) -> None:
    allowed = (".pdf", ".png", ".xlsx", ".txt")
    with pytest.raises(UploadRejected) as info:
        sniff_upload(name, data, allowed=allowed, max_bytes=1024 * 1024 if code != "too_large" else 1024)
    assert info.value.code == code


def test_sniff_upload_accepts_and_cleans_names() -> None:
    ok = sniff_upload(
        "../../evil/进展报告.XLSX", _zip({"xl/workbook.xml": b"<x/>"}), allowed=(".xlsx",), max_bytes=10**6
    )
    assert (ok.name, ok.ext, ok.kind) == ("进展报告.xlsx", ".xlsx", "zip")
    text = sniff_upload("notes.txt", "一、重点任务".encode("gb18030"), allowed=(".txt",), max_bytes=10**6)
    assert text.kind == "text"
