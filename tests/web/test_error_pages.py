"""Error pages: Chinese HTML for pages, JSON for /api/ paths, for 403/404/500 and the rate limit (429);
the demo server (`yigai run` / `yigai serve`, settings without YIGAI_DEBUG) never shows Django's debug page."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from yigai.web import urls as site_urls


def _boom(request):  # a page that crashes
    raise RuntimeError("secret internals")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("boom/", _boom),
    path("api/boom/", _boom),
    path("forbidden/", _forbidden),
    path("api/forbidden/", _forbidden),
    *site_urls.urlpatterns,
]
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def quiet_client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/no-such-page/", 404, "页面不存在"),
        ("/forbidden/", 403, "没有权限"),
        ("/boom/", 500, "服务器出错"),
    ],
)
def test_pages_get_a_chinese_html_error_page(quiet_client, url, status, words) -> None:
    response = quiet_client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert words in page and "返回首页" in page
    assert "secret internals" not in page and "Traceback" not in page and "urlpatterns" not in page.lower()


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/no-such-endpoint", 404, "不存在"),
        ("/api/forbidden/", 403, "没有权限"),
        ("/api/boom/", 500, "服务器出错"),
    ],
)
def test_api_paths_get_chinese_json(quiet_client, url, status, words) -> None:
    response = quiet_client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert words in json.loads(response.content)["detail"]


def test_rate_limited_login_page_is_html_not_raw_json(client, settings) -> None:
    settings.LOGIN_RATE_LIMIT = "1/60"
    client.post("/login/", {"username": "x", "password": "y"})
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 429 and response["Retry-After"]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "分钟后" in page and "再试" in page  # the retry page says when to try again (web/security.py)


def test_rate_limited_api_stays_json(client, settings) -> None:
    settings.API_RATE_LIMIT = "1/60"
    client.get("/api/plans")
    response = client.get("/api/plans")
    assert response.status_code == 429
    assert json.loads(response.content)["detail"] == "请求过于频繁，请稍后再试"


def test_demo_server_settings_have_debug_off() -> None:
    """`make run` imports the settings without YIGAI_DEBUG: DEBUG must be off so no debug page is shown."""
    env = {k: v for k, v in os.environ.items() if k not in ("YIGAI_DEBUG", "YIGAI_ENV")}
    env["DJANGO_SETTINGS_MODULE"] = "yigai.web.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
