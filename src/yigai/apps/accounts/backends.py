"""Password login that refuses disabled, expired and dormant accounts with a reason the login page can show."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import User


def account_refusal(user: User) -> str | None:
    """Why this account may not log in now ("inactive", "expired"), or None. Dormancy is not checked here
    (it costs a query and an open session is itself recent use): see ``user_disable_if_dormant``."""
    if not user.is_active:
        return "inactive"
    if user.expires_on is not None and user.expires_on < timezone.localdate():
        return "expired"
    return None


def refusal_message(reason: str) -> str:
    """The login page's (and the API's) words for a refusal reason."""
    from yigai.apps.accounts.selectors import dormant_days

    return {
        "inactive": _("该账号已停用，请联系系统管理员。"),
        "expired": _("该账号已过有效期，请联系系统管理员。"),
        "dormant": _("该账号已超过 %(days)s 天未使用，已自动停用，请联系系统管理员。")
        % {"days": dormant_days()},
    }[reason]


class AccountBackend(ModelBackend):
    """ModelBackend that also refuses expired accounts (at login and for existing sessions) and, at login,
    dormant ones — which it disables (audited). When the password was right but the account is refused,
    ``request.account_refusal`` says why."""

    def user_can_authenticate(self, user: Any) -> bool:
        return account_refusal(user) is None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from yigai.apps.accounts.services import user_disable_if_dormant

        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user_disable_if_dormant(user=user, request=request, source="login"):
            if request is not None:
                request.account_refusal = "dormant"  # type: ignore[attr-defined]  # for the form
            return None
        if user is None and request is not None and username and password:
            candidate = User._default_manager.filter(username=username).first()
            if candidate is not None and account_refusal(candidate) and candidate.check_password(password):
                request.account_refusal = account_refusal(candidate)  # type: ignore[attr-defined]  # for the form
        return user
