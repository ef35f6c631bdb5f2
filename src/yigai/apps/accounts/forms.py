"""Login and second-factor forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from yigai.apps.accounts.backends import refusal_message


class LoginForm(AuthenticationForm):
    """Django's form; a disabled, expired or dormant account (right password) gets its own message."""

    refusal = ""

    def get_invalid_login_error(self) -> ValidationError:
        reason = getattr(self.request, "account_refusal", None)
        if reason:
            self.refusal = refusal_message(reason)
            return ValidationError(self.refusal, code=reason)
        return super().get_invalid_login_error()


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("动态口令（6 位数字）"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()
