"""Login, lockout page, password change, second-factor enrolment and verification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from yigai.apps.accounts import otp
from yigai.apps.accounts.forms import LoginForm, TokenForm
from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.audit.services import audit_record


class LoginView(auth_views.LoginView):
    """Django's login; after a failed password the page says how many attempts remain before lockout."""

    template_name = "login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]  # narrower form
        failures = getattr(self.request, "axes_failures_since_start", None)  # set by django-axes
        context = self.get_context_data(form=form)
        if failures is not None and not form.refusal:
            context["remaining"] = max(0, _failure_limit() - int(failures))
            context["lockout_minutes"] = _lockout_minutes()
        return self.render_to_response(context)


login_view = LoginView.as_view()


def lockout_response(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' answer once a username is locked: the login page with the reason, status 429."""
    minutes = _lockout_minutes()
    message = _("登录失败次数过多，该账号已锁定 %(minutes)s 分钟，请稍后再试。") % {"minutes": minutes}
    return render(request, "login.html", {"form": LoginForm(request), "lockout": message}, status=429)


def _lockout_minutes() -> int:
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def _failure_limit() -> int:
    from django.conf import settings

    return int(settings.AXES_FAILURE_LIMIT)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("plans:list")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "password_expired": bool(self.request.GET.get("expired")),
        }

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="auth.password_change", request=self.request)
        messages.success(self.request, _("密码已修改"))
        return response


password_change = login_required(PasswordChangeView.as_view())


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else str(reverse_lazy("plans:list"))


@login_required
def otp_setup(request: AuthedRequest) -> HttpResponse:
    """Enrolment: QR code and secret for an authenticator app, confirmed by the first code."""
    try:
        device = otp.otp_device_start(user=request.user)
    except PermissionError:
        return redirect("accounts:otp_verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.otp_device_confirm(request=request, user=request.user, token=form.cleaned_data["token"]):
            messages.success(request, _("动态口令已绑定"))
            return redirect(_next(request))
        form.add_error("token", _("动态口令不正确，请核对手机时间后重试"))
    context = {
        "form": form,
        "qr": otp.otp_qr_svg(device),
        "secret": otp.otp_secret(device),
        "next": _next(request),
    }
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponse:
    """The second step of an administrator's login."""
    if not otp.otp_enrolled(user=request.user):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.otp_verify(request=request, user=request.user, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("动态口令不正确或已使用，请等待下一个口令"))
    context = {"form": form, "next": _next(request)}
    return render(request, "accounts/otp_verify.html", context, status=400 if form.errors else 200)
