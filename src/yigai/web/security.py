"""Security middleware: session time limits, second factor for administrators, password expiry, CSP, rate
limits. Each is small and configured in :mod:`yigai.web.settings.security`."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]
# Paths a half-authenticated user (second factor or password change pending) may still reach.
OPEN_PATHS = ("/static/", "/i18n/", "/logout/", "/login/", "/account/otp/", "/account/password/")


#: The last-request time is written to the session at most this often (seconds; a tenth of the idle limit
#: when that is shorter): rewriting the session row on every request costs a database write and commit per
#: page, and a 30-minute idle limit does not need the second. The error is on the strict side: a session
#: may end up to this much before the idle limit, never after it.
SESSION_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Log out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, or ``SESSION_ABSOLUTE_TIMEOUT``
    seconds after login, whichever comes first (等保 8.1.4.1b; ASVS 7.3.1/7.3.2).

    Requests authenticated by an API token (``request.token_auth``) get no session (no row, no cookie)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        if request.user.is_authenticated:
            seen = request.session.get("_yg_seen", now)
            started = request.session.get("_yg_login", now)
            if (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                request.logout_reason = "idle" if now - seen > settings.SESSION_IDLE_TIMEOUT else "absolute"  # type: ignore[attr-defined]  # read by the audit receiver
                logout(request)
        response = self.get_response(request)
        if (
            request.user.is_authenticated
            and hasattr(request, "session")
            and not getattr(request, "token_auth", False)
        ):
            session = request.session
            if "_yg_login" not in session:
                session["_yg_login"] = now
            if now - session.get("_yg_seen", 0) >= min(
                SESSION_SEEN_RESOLUTION, settings.SESSION_IDLE_TIMEOUT / 10
            ):
                session["_yg_seen"] = now
        return response


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SecondFactorMiddleware:
    """Administrator roles must pass TOTP after the password (等保 8.1.4.1d): until then every page except
    enrolment/verification redirects there, and the API answers 403."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "is_admin_role", False)
            and not getattr(user, "is_verified", lambda: False)()  # set by django_otp's OTPMiddleware
            and not request.path.startswith(OPEN_PATHS)
        ):
            if _api(request):
                return JsonResponse({"detail": _("管理员账号须先完成动态口令验证")}, status=403)
            return redirect(f"/account/otp/verify/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def password_expired(user: object) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    changed = getattr(user, "password_changed_at", None)
    return bool(days) and changed is not None and (timezone.now() - changed).days >= days


class PasswordExpiryMiddleware:
    """A password older than ``PASSWORD_MAX_AGE_DAYS`` must be changed before anything else (ADR 0003)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PATHS) and password_expired(user):
            if _api(request):
                return JsonResponse({"detail": _("密码已过期，请先在网页上修改密码")}, status=403)
            return redirect("/account/password/?expired=1")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """``Content-Security-Policy`` from settings on every response that has none (scripts: own files only)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def _rate(spec: str) -> tuple[int, int]:
    count, _sep, seconds = spec.partition("/")
    return int(count), int(seconds or 60)


def _client_key(request: HttpRequest) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return "t:" + hashlib.sha256(auth[7:].strip().encode()).hexdigest()[:32]
    return "ip:" + (request.META.get("REMOTE_ADDR") or "-")


class RateLimitMiddleware:
    """Fixed-window limits: the API per token (or address), login posts per address; over the limit answers
    429 with ``Retry-After``. Counted in the database (:mod:`yigai.apps.throttle`), so every worker process
    shares one counter per client."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _api(request):
            limited = self._hit("api", _client_key(request), settings.API_RATE_LIMIT)
        elif request.path == "/login/" and request.method == "POST":
            limited = self._hit(
                "login", "ip:" + (request.META.get("REMOTE_ADDR") or "-"), settings.LOGIN_RATE_LIMIT
            )
        else:
            limited = None
        if limited is not None:  # JSON under /api/, the Chinese page elsewhere
            from yigai.web.errors import error_response

            return error_response(request, 429, retry_after=limited)
        return self.get_response(request)

    @staticmethod
    def _hit(scope: str, key: str, spec: str) -> int | None:
        """Count this request; the seconds to wait when over the limit, else None."""
        from yigai.apps.throttle.services import rate_hit

        limit, seconds = _rate(spec)
        return rate_hit(scope=scope, client=key, limit=limit, seconds=seconds, now=time.time())
