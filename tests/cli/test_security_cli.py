"""``yigai user disable-dormant`` and ``yigai token`` refusing the administrator roles, through Typer's runner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from yigai.apps.accounts.models import ApiToken, User
from yigai.apps.audit.models import AuditEvent
from yigai.cli import app

pytestmark = pytest.mark.django_db
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _idle(username: str, days: int) -> None:
    then = timezone.now() - dt.timedelta(days=days)
    User.objects.filter(username=username).update(date_joined=then, last_login=None)


@pytest.fixture
def accounts(make_user) -> None:
    for name, role in [("old", "plan_owner"), ("sec", "security_admin"), ("new", "leader")]:
        make_user(name, role, "130000")
    _idle("old", 120)
    _idle("sec", 100)


def test_dry_run_lists_and_disables_nothing(accounts) -> None:
    result = invoke("user", "disable-dormant", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["old", "sec"]  # longest unused first
    assert "120 天前" in lines[0] and "将停用（试运行，未做改动） 2 个超过 90 天未使用的账号" in result.stdout
    assert "没有启用状态的安全管理员" in result.stderr  # the warning shows in the dry run too
    assert User.objects.filter(is_active=True).count() == 3
    assert not AuditEvent.objects.filter(action="user.disable").exists()


def test_disables_and_audits_each_with_the_operator(accounts) -> None:
    result = invoke("user", "disable-dormant", "--days", "110")
    assert result.exit_code == 0, result.output
    assert "已停用 1 个超过 110 天未使用的账号" in result.stdout and "安全管理员" not in result.stderr
    assert set(User.objects.filter(is_active=True).values_list("username", flat=True)) == {"sec", "new"}
    row = AuditEvent.objects.get(action="user.disable")
    assert row.object_repr == "old" and row.actor_username.startswith("cli")
    assert row.details["reason"] == "dormant" and row.details["days"] == 110
    result = invoke("user", "disable-dormant")  # default 90 days: the security administrator too, loudly
    assert "已停用 1 个" in result.stdout and "yigai user disable 用户名 --enable" in result.stderr
    assert not User.objects.get(username="sec").is_active


def test_turned_off_and_bad_days(accounts, settings) -> None:
    settings.DORMANT_DAYS = 0
    result = invoke("user", "disable-dormant")
    assert result.exit_code == 0 and "YIGAI_DORMANT_DAYS=0" in result.stdout
    assert User.objects.filter(is_active=True).count() == 3
    assert invoke("user", "disable-dormant", "--days", "0").exit_code == 2


def test_help_is_chinese() -> None:
    result = invoke("user", "disable-dormant", "--help")
    assert "只列出，不停用" in result.stdout and "YIGAI_DORMANT_DAYS" in result.stdout


@pytest.mark.parametrize("role", ["admin", "security_admin", "audit_admin"])
def test_token_refused_for_admin_roles(make_user, role) -> None:
    make_user("boss", role, "130000")
    result = invoke("token", "boss")
    assert result.exit_code == 1 and "不能使用 API 令牌" in result.stderr
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.get(action="token.create").result == "denied"
    make_user("o", "plan_owner", "130600")
    assert invoke("token", "o").stdout.startswith("yg_")
