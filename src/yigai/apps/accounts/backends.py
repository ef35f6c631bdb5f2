"""Password login that refuses disabled and expired accounts with a reason the login page can show."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone

from yigai.apps.accounts.models import User


def account_refusal(user: User) -> str | None:
    """Why this account may not log in now ("inactive", "expired"), or None."""
    if not user.is_active:
        return "inactive"
    if user.expires_on is not None and user.expires_on < timezone.localdate():
        return "expired"
    return None


class AccountBackend(ModelBackend):
    """ModelBackend that also refuses expired accounts (at login and for existing sessions). When the
    password was right but the account is refused, ``request.account_refusal`` says why."""

    def user_can_authenticate(self, user: Any) -> bool:
        return account_refusal(user) is None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and request is not None and username and password:
            candidate = User._default_manager.filter(username=username).first()
            if candidate is not None and account_refusal(candidate) and candidate.check_password(password):
                request.account_refusal = account_refusal(candidate)  # type: ignore[attr-defined]  # for the form
        return user
