"""Identity: password rules, lockout, session limits, second factor for administrators, 三员分立, disabled,
expired and password-expired accounts."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from yigai.apps.accounts.models import Role, User
from yigai.apps.accounts.services import ThreeRolesError, user_role_set, user_upsert
from yigai.apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-test-123"


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Ab1!xyz", False),  # 7 characters
        ("abcdefgh12", False),  # two classes
        ("ABCDEFGH!!", False),  # two classes
        ("Zhangwei2026", False),  # contains the username
        ("Password1", False),  # a common password, though it has three classes
        ("Qy7-lake-Sun", True),
        ("长城-Beijing-7", True),  # Chinese counts as "other characters"
    ],
)
def test_password_rules(password, ok) -> None:
    user = User(username="zhangwei", display_name="张伟")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_new_users_get_checked_passwords(orgunits) -> None:
    from yigai.apps.orgunits.models import OrgUnit

    with pytest.raises(ValidationError):
        user_upsert(
            username="weak", password="abc12345", role="leader", org_unit=OrgUnit.objects.get(code="130000")
        )
    user, _ = user_upsert(
        username="ok", password="Qy7-lake-Sun", role="leader", org_unit=OrgUnit.objects.get(code="130000")
    )
    assert user.password.startswith("argon2$") and user.password_changed_at is not None


def test_lockout_after_five_failures(client, make_user) -> None:
    make_user("u", "leader", "130000")
    for _ in range(5):
        assert client.post("/login/", {"username": "u", "password": "wrong"}).status_code in (200, 429)
    locked = client.post("/login/", {"username": "u", "password": PASSWORD})
    assert locked.status_code == 429 and "锁定 15 分钟" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(actor_username="u", action="auth.login", result="failed").count() >= 5
    assert AuditEvent.objects.filter(actor_username="u", action="auth.lockout").exists()
    # another address is not locked out by this one's guessing (no deliberate lockouts)
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/login/", {"username": "u", "password": PASSWORD}).status_code == 302


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[key] = time.time() - ago
    session.save()


@pytest.mark.parametrize(
    ("key", "ago", "reason"), [("_yg_seen", 31 * 60, "idle"), ("_yg_login", 9 * 3600, "absolute")]
)
def test_session_limits(client, make_user, key, ago, reason) -> None:
    client.post("/login/", {"username": make_user("u", "leader", "130000").username, "password": PASSWORD})
    assert client.get("/plans/").status_code == 200
    _age_session(client, **{key: ago})
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    logout = AuditEvent.objects.filter(actor_username="u", action="auth.logout").get()
    assert logout.details == {"reason": reason}


def test_last_request_time_is_written_at_most_once_a_minute(client, make_user, monkeypatch) -> None:
    """Idle tracking rewrites the session row once a minute, not on every page (a write and a commit per
    request otherwise); a session older than that is stamped again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post("/login/", {"username": make_user("u", "leader", "130000").username, "password": PASSWORD})
    client.get("/plans/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/plans/").status_code == 200
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]
    _age_session(client, _yg_seen=61)
    frozen = time.time()
    monkeypatch.setattr(time, "time", lambda: frozen)  # a frozen clock: the stamp is exactly "now"
    client.get("/plans/")
    assert client.session["_yg_seen"] == frozen


def test_token_requests_get_no_session(client, make_user) -> None:
    from django.contrib.sessions.models import Session

    from yigai.apps.accounts.services import api_token_create

    key = api_token_create(user=make_user("machine", "plan_owner", "130600"), name="t")
    for _ in range(2):
        response = client.get("/api/plans", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200 and "sessionid" not in response.cookies
    assert not Session.objects.exists()


def _token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return str(totp.token()).zfill(device.digits)


@pytest.mark.parametrize("role", ["admin", "security_admin", "audit_admin"])
def test_admin_roles_need_second_factor(client, make_user, role) -> None:
    make_user("boss", role, "130000")
    client.post("/login/", {"username": "boss", "password": PASSWORD})
    first = client.get("/plans/")
    assert first.status_code == 302 and first["Location"].startswith("/account/otp/verify/")
    assert client.get("/api/plans").status_code == 403
    setup = client.get("/account/otp/verify/", follow=True)
    page = setup.content.decode()
    assert setup.redirect_chain[-1][0] == "/account/otp/setup/" and "<svg" in page and "密钥" in page
    device = TOTPDevice.objects.get(user__username="boss", confirmed=False)
    assert (
        client.post(
            "/account/otp/setup/", {"token": "000000" if _token(device) != "000000" else "111111"}
        ).status_code
        == 400
    )
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # guessing is slowed down (django-otp throttling)
    device.throttle_reset()  # as if the user waited for the throttle delay
    assert client.post("/account/otp/setup/", {"token": _token(device), "next": "/plans/"}).status_code == 302
    assert client.get("/plans/").status_code == 200
    assert AuditEvent.objects.filter(actor_username="boss", action="otp.enrol", result="success").exists()
    # next login: the confirmed device is asked for, and enrolment cannot be redone with the password alone
    client.post("/logout/")
    client.post("/login/", {"username": "boss", "password": PASSWORD})
    assert client.get("/account/otp/setup/")["Location"] == "/account/otp/verify/"
    assert client.get("/plans/").status_code == 302


def test_business_roles_need_no_second_factor(client, make_user) -> None:
    make_user("o", "plan_owner", "130600")
    client.post("/login/", {"username": "o", "password": PASSWORD})
    assert client.get("/plans/").status_code == 200


def test_three_roles_cannot_be_combined(make_user) -> None:
    sysadmin = make_user("sys", "admin", "130000")
    security = make_user("sec", "security_admin", "130000")
    leader = make_user("l", "leader", "130000")
    with pytest.raises(ThreeRolesError):
        make_user("sys", "audit_admin", "130000")  # user_upsert moving an admin to another admin role
    with pytest.raises(ThreeRolesError):
        user_role_set(actor=security, user=sysadmin, role=Role.AUDIT_ADMIN)
    with pytest.raises(ThreeRolesError):
        user_role_set(actor=sysadmin, user=leader, role=Role.PLAN_OWNER)  # only the security admin assigns
    with pytest.raises(ThreeRolesError):
        user_role_set(actor=security, user=security, role=Role.LEADER)  # never one's own role
    assert user_role_set(actor=security, user=leader, role=Role.PLAN_OWNER).role == Role.PLAN_OWNER
    assert AuditEvent.objects.filter(action="user.role_change", result="denied").count() == 3
    assert AuditEvent.objects.filter(action="user.role_change", result="success", object_repr="l").exists()
    security.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        security.save()  # the database refuses a superuser flag outside the system administrator


@pytest.mark.parametrize(
    ("change", "message"),
    [({"is_active": False}, "该账号已停用"), ({"expires_on": dt.date(2020, 1, 1)}, "该账号已过有效期")],
)
def test_disabled_and_expired_accounts_refused_clearly(client, make_user, change, message) -> None:
    user = make_user("u", "leader", "130000")
    User.objects.filter(pk=user.pk).update(**change)
    page = client.post("/login/", {"username": "u", "password": PASSWORD}).content.decode()
    assert message in page and "_auth_user_id" not in client.session
    wrong = client.post("/login/", {"username": "u", "password": "nope"}).content.decode()
    assert message not in wrong and "用户名或密码不正确" in wrong  # no account state without the password


def test_expired_account_session_ends(client, make_user) -> None:
    user = make_user("u", "leader", "130000")
    client.force_login(user)
    assert client.get("/plans/").status_code == 200
    User.objects.filter(pk=user.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert client.get("/plans/").status_code == 302


def test_expired_password_must_be_changed(make_user) -> None:
    user = make_user("u", "leader", "130000")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get("/plans/")
    assert response.status_code == 302 and response["Location"] == "/account/password/?expired=1"
    page = client.get(response["Location"])
    assert "密码已过期" in page.content.decode()
    token = page.cookies["csrftoken"].value
    data = {"old_password": PASSWORD, "new_password1": "Qy7-lake-Sun", "new_password2": "Qy7-lake-Sun"}
    assert client.post("/account/password/", data).status_code == 403  # no CSRF token
    assert client.post("/account/password/", {**data, "csrfmiddlewaretoken": token}).status_code == 302
    assert client.get("/plans/").status_code == 200
    assert AuditEvent.objects.filter(actor_username="u", action="auth.password_change").exists()


def test_otp_reset_only_by_security_admin(make_user) -> None:
    from yigai.apps.accounts.otp import otp_device_reset

    admin, security = make_user("sys", "admin", "130000"), make_user("sec", "security_admin", "130000")
    TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
    with pytest.raises(PermissionError):
        otp_device_reset(actor=admin, user=admin)
    assert otp_device_reset(actor=security, user=admin) == 1
    assert list(AuditEvent.objects.filter(action="otp.reset").values_list("result", flat=True)) == [
        "success",
        "denied",
    ]


def test_demo_admins_are_pre_enrolled(orgunits) -> None:
    import base64

    from yigai.web.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET

    assert base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode() == DEMO_TOTP_SECRET
    from yigai.apps.accounts.otp import otp_device_preset

    user = User.objects.create(username="d", role="admin", is_demo=False)
    with pytest.raises(PermissionError):
        otp_device_preset(user=user, key_hex=DEMO_TOTP_KEY)
