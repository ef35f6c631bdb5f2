"""Authentication events into the audit log: logins (success and failure), logouts, lockouts."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from yigai.apps.audit.models import Result
from yigai.apps.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    username = str(credentials.get("username") or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        actor=username, action="auth.login", result=Result.FAILED, request=request,
        details={"reason": "locked" if locked else "bad_credentials"},
    )  # fmt: skip


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        reason = getattr(request, "logout_reason", "user")  # "idle" / "absolute" from the session limits
        audit_record(actor=user, action="auth.logout", request=request, details={"reason": reason})


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(sender: Any, request: HttpRequest, username: str | None = None, **kwargs: Any) -> None:
    audit_record(
        actor=username or "", action="auth.lockout", result=Result.DENIED, request=request,
        details={"ip_address": kwargs.get("ip_address")},
    )  # fmt: skip
