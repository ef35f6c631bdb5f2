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
