"""Production overrides: secrets must come from the environment; nothing insecure is defaulted."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"生产环境必须设置环境变量 {name}")
    return value


SECRET_KEY = _required("YIGAI_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = [h for h in _required("YIGAI_ALLOWED_HOSTS").split(",") if h]
SESSION_COOKIE_SECURE = os.environ.get("YIGAI_INSECURE_COOKIES") != "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("YIGAI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# HTTPS only (等保 8.1.4.1c; ASVS 3.4.1): HSTS for a year with subdomains, redirect plain HTTP. Behind a
# TLS-terminating proxy set YIGAI_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto header.
SECURE_HSTS_SECONDS = int(os.environ.get("YIGAI_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = os.environ.get("YIGAI_SSL_REDIRECT", "1") == "1"
if os.environ.get("YIGAI_PROXY_SSL_HEADER") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("生产环境的 YIGAI_SECRET_KEY 过弱：至少 50 个字符、随机生成")

# The cache holds what every gunicorn worker may reuse — page bodies, map data and target status, keyed by
# the generations of the data they were built from (ADR 0004) — so it must be shared by the workers: the database cache needs no extra service on
# an offline intranet (SQLite and PostgreSQL alike); `yigai` creates its table with the migrations
# (createcachetable). Rate-limit counters do not use it: they live in their own table (yigai.apps.throttle).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "yigai_cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}
