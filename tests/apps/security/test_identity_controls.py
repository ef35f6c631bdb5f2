"""等保 level 3 identity controls added by issue 6: dormant accounts are disabled, passwords may not repeat
the last five, and administrator roles (second factor) get no API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from yigai.apps.accounts.models import ApiToken, PasswordHistory, User
from yigai.apps.accounts.selectors import user_dormant_list, user_is_dormant
from yigai.apps.accounts.services import (
    TokenRefused,
    api_token_create,
    user_password_set,
    user_set_active,
    users_disable_dormant,
)
from yigai.apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-test-123"  # make_user's
NEW = ("Qy7-lake-Sun", "Rz8-hill-Moon", "Sx9-river-Star", "Tw1-field-Sky", "Uv2-stone-Wind", "Vu3-cloud-Rain")


def _idle(user: User, days: int, *, logged_in: bool = True) -> None:
    """As if the account was created, and (optionally) last logged in, ``days`` days ago."""
    then = timezone.now() - dt.timedelta(days=days)
    User.objects.filter(pk=user.pk).update(date_joined=then, last_login=then if logged_in else None)
    user.refresh_from_db()


# Dormant accounts ---------------------------------------------------------------------------------------


def test_dormancy_counts_from_the_latest_use(make_user) -> None:
    never = make_user("never", "leader", "130000")
    _idle(never, 120, logged_in=False)  # never logged in: counts from date_joined
    fresh = make_user("fresh", "leader", "130000")
    _idle(fresh, 120)
    User.objects.filter(pk=fresh.pk).update(last_login=timezone.now() - dt.timedelta(days=10))
    machine = make_user("machine", "plan_owner", "130600")
    _idle(machine, 200, logged_in=False)
    api_token_create(user=machine, name="t")  # a token made or used recently is use of the account
    ApiToken.objects.filter(user=machine).update(created_at=timezone.now() - dt.timedelta(days=200))
    assert [u.username for u in user_dormant_list(days=90)] == ["machine", "never"]
    ApiToken.objects.filter(user=machine).update(last_used_at=timezone.now() - dt.timedelta(days=5))
    assert [u.username for u in user_dormant_list(days=90)] == ["never"]
    fresh.refresh_from_db()
    assert user_is_dormant(user=never, days=90) and not user_is_dormant(user=fresh, days=90)
    assert not user_is_dormant(user=never, days=0)  # 0 turns the rule off
    assert not user_is_dormant(user=never, days=121)


def test_dormant_login_refused_disabled_and_audited(client, make_user) -> None:
    user = make_user("old", "plan_owner", "130600")
    _idle(user, 91)
    wrong = client.post("/login/", {"username": "old", "password": "nope"}).content.decode()
    assert "未使用" not in wrong and User.objects.get(pk=user.pk).is_active  # no state, no change
    page = client.post("/login/", {"username": "old", "password": PASSWORD}).content.decode()
    assert "该账号已超过 90 天未使用，已自动停用" in page and "_auth_user_id" not in client.session
    assert not User.objects.get(pk=user.pk).is_active
    row = AuditEvent.objects.get(action="user.disable", object_repr="old")
    assert (row.actor_username, row.result, row.ip) == ("old", "success", "127.0.0.1")
    assert row.details["reason"] == "dormant" and row.details["source"] == "login"
    assert row.details["days"] == 90 and row.details["last_activity"].startswith(str(user.last_login.date()))
    assert AuditEvent.objects.filter(actor_username="old", action="auth.login", result="failed").count() == 2
    again = client.post("/login/", {"username": "old", "password": PASSWORD}).content.decode()
    assert "该账号已停用" in again  # from now on an ordinary disabled account


@pytest.mark.parametrize("role", ["admin", "security_admin", "audit_admin"])
def test_admin_roles_are_not_exempt(client, make_user, role, caplog) -> None:
    boss = make_user("boss", role, "130000")
    _idle(boss, 100)
    page = client.post("/login/", {"username": "boss", "password": PASSWORD}).content.decode()
    assert "天未使用" in page and not User.objects.get(pk=boss.pk).is_active
    row = AuditEvent.objects.get(action="user.disable")
    if role == "security_admin":  # the last one: disabled all the same, but never silently
        assert row.details["security_admins_left"] == 0
        assert "last enabled security administrator" in caplog.text
    else:
        assert "security_admins_left" not in row.details


def test_recent_login_and_setting_zero_keep_the_account(client, make_user, settings) -> None:
    user = make_user("u", "leader", "130000")
    _idle(user, 30)
    assert client.post("/login/", {"username": "u", "password": PASSWORD}).status_code == 302
    client.post("/logout/")
    _idle(user, 400)
    settings.DORMANT_DAYS = 0
    assert client.post("/login/", {"username": "u", "password": PASSWORD}).status_code == 302
    assert not AuditEvent.objects.filter(action="user.disable").exists()


def test_reenabling_restarts_the_clock(client, make_user) -> None:
    user = make_user("u", "leader", "130000")
    _idle(user, 200)
    client.post("/login/", {"username": "u", "password": PASSWORD})
    user.refresh_from_db()
    assert not user.is_active
    user_set_active(actor=None, user=user, active=True)
    assert user.activated_at is not None and not user_is_dormant(user=user)
    assert client.post("/login/", {"username": "u", "password": PASSWORD}).status_code == 302


def test_sweep_dry_run_disables_nothing(make_user) -> None:
    old, _ = make_user("old", "leader", "130000"), make_user("new", "leader", "130000")
    _idle(old, 95, logged_in=False)
    before = AuditEvent.objects.count()
    report = users_disable_dormant(days=90, dry_run=True)
    assert [(a.username, a.idle_days) for a in report.accounts] == [("old", 95)]
    assert User.objects.get(pk=old.pk).is_active and AuditEvent.objects.count() == before
    report = users_disable_dormant(days=90)
    assert not User.objects.get(pk=old.pk).is_active and User.objects.get(username="new").is_active
    row = AuditEvent.objects.get(action="user.disable")
    assert row.actor_username.startswith("cli") and row.details["source"] == "cli"
    assert users_disable_dormant(days=90).accounts == ()  # disabled accounts are not listed again


def test_sweep_reports_the_last_security_admin(make_user) -> None:
    sec1, sec2 = make_user("sec1", "security_admin", "130000"), make_user("sec2", "security_admin", "130000")
    _idle(sec1, 100)
    report = users_disable_dormant(days=90, dry_run=True)
    assert report.security_admins_left == 1 and not report.locks_out_security_admins
    _idle(sec2, 100)
    report = users_disable_dormant(days=90, dry_run=True)
    assert report.security_admins_left == 0 and report.locks_out_security_admins
    assert users_disable_dormant(days=90).locks_out_security_admins
    assert not User.objects.filter(role="security_admin", is_active=True).exists()


# Password history ---------------------------------------------------------------------------------------


def test_password_history_rejects_the_last_five(make_user) -> None:
    user = make_user("u", "leader", "130000")  # its first password is the first entry
    for password in NEW[:4]:
        user_password_set(actor=None, user=user, password=password)
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for reused in (PASSWORD, *NEW[:4]):  # the current password and the four before it
        with pytest.raises(ValidationError) as refused:
            user_password_set(actor=None, user=user, password=reused)
        assert "新密码不能与最近 5 次使用过的密码相同" in refused.value.messages
    user_password_set(actor=None, user=user, password=NEW[4])  # new: accepted; the oldest drops out
    assert PasswordHistory.objects.filter(user=user).count() == 5
    validate_password(PASSWORD, user)  # six passwords ago: allowed again
    assert AuditEvent.objects.filter(action="auth.password_change", object_repr="u").count() == 5
    user.refresh_from_db()
    assert user.check_password(NEW[4])


def test_history_limit_setting(make_user, settings) -> None:
    settings.PASSWORD_HISTORY = 2
    user = make_user("u", "leader", "130000")
    user_password_set(actor=None, user=user, password=NEW[0])
    user_password_set(actor=None, user=user, password=NEW[1])
    with pytest.raises(ValidationError):
        validate_password(NEW[0], user)
    validate_password(PASSWORD, user)  # three passwords ago
    assert PasswordHistory.objects.filter(user=user).count() == 2
    settings.PASSWORD_HISTORY = 0
    validate_password(NEW[1], user)  # the check is off (even the current password)


def test_password_set_before_the_history_still_counts(make_user) -> None:
    user = make_user("u", "leader", "130000")
    PasswordHistory.objects.all().delete()  # an account from before the history table
    with pytest.raises(ValidationError):
        validate_password(PASSWORD, user)


def test_change_password_form_rejects_reuse(make_user) -> None:
    user = make_user("u", "leader", "130000")
    user_password_set(actor=None, user=user, password=NEW[0])
    client = Client()
    client.force_login(user)
    data = {"old_password": NEW[0], "new_password1": PASSWORD, "new_password2": PASSWORD}
    refused = client.post("/account/password/", data)
    assert refused.status_code == 200 and "新密码不能与最近 5 次使用过的密码相同" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW[0])
    ok = {"old_password": NEW[0], "new_password1": NEW[1], "new_password2": NEW[1]}
    assert client.post("/account/password/", ok).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 3  # the form's save records it too


# API tokens and the second factor -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "security_admin", "audit_admin"])
def test_no_tokens_for_admin_roles(make_user, role) -> None:
    user = make_user("boss", role, "130000")
    with pytest.raises(TokenRefused, match="动态口令"):
        api_token_create(user=user, name="t")
    assert not ApiToken.objects.exists()
    row = AuditEvent.objects.get(action="token.create")
    assert row.result == "denied" and row.details["reason"] == "admin_role"


def test_admin_role_tokens_refused_on_use(client, make_user) -> None:
    """A token issued before the rule, or before its user became an administrator, stops working."""
    user = make_user("o", "plan_owner", "130600")
    key = api_token_create(user=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/plans", **auth).status_code == 200
    User.objects.filter(pk=user.pk).update(role="admin", is_staff=True, is_superuser=True)
    refused = client.get("/api/plans", **auth)
    assert refused.status_code == 403 and "不能使用 API 令牌" in refused.json()["detail"]
    row = AuditEvent.objects.get(action="token.use")
    assert (row.actor_username, row.result, row.details) == ("o", "denied", {"reason": "admin_role"})
    english = client.get("/api/plans", HTTP_ACCEPT_LANGUAGE="en", **auth).json()["detail"]
    assert "second factor" in english


@pytest.mark.parametrize(
    ("change", "message"),
    [({"is_active": False}, "该账号已停用"), ({"expires_on": dt.date(2020, 1, 1)}, "该账号已过有效期")],
)
def test_tokens_of_disabled_and_expired_accounts_refused(client, make_user, change, message) -> None:
    user = make_user("o", "plan_owner", "130600")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}
    User.objects.filter(pk=user.pk).update(**change)
    refused = client.get("/api/plans", **auth)
    assert refused.status_code == 403 and message in refused.json()["detail"]
    assert client.get("/api/plans", HTTP_AUTHORIZATION="Bearer yg_unknown").status_code == 401


def test_dormant_token_refused_and_account_disabled(client, make_user) -> None:
    user = make_user("o", "plan_owner", "130600")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}
    _idle(user, 100)
    old = timezone.now() - dt.timedelta(days=100)
    ApiToken.objects.filter(user=user).update(created_at=old, last_used_at=old)
    refused = client.get("/api/plans", **auth)
    assert refused.status_code == 403 and "天未使用" in refused.json()["detail"]
    assert not User.objects.get(pk=user.pk).is_active
    assert AuditEvent.objects.get(action="user.disable").details["source"] == "token"


def test_account_used_only_through_its_token_stays_enabled(client, make_user) -> None:
    user = make_user("o", "plan_owner", "130600")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')}"}
    _idle(user, 100, logged_in=False)
    ApiToken.objects.filter(user=user).update(last_used_at=timezone.now() - dt.timedelta(days=3))
    assert client.get("/api/plans", **auth).status_code == 200
    assert User.objects.get(pk=user.pk).is_active and not AuditEvent.objects.filter(action="user.disable")
