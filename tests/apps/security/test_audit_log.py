"""Audit: hash chain and tamper detection, append-only refusals, retention, who may read it, what is recorded."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from typer.testing import CliRunner

from yigai.apps.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from yigai.apps.audit.services import AuditRetentionError, audit_prune, audit_record, audit_verify
from yigai.cli import app

pytestmark = pytest.mark.django_db


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _tamper(sql: str, params: list[object]) -> None:
    """Change stored rows behind the application's back, as a database owner could."""
    with connection.cursor() as cursor:
        if on_postgres():
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
        cursor.execute(sql, params)
        if on_postgres():
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")


@pytest.fixture
def chain(make_user) -> list[AuditEvent]:
    user = make_user("u1", "plan_owner", "130600")
    return [audit_record(actor=user, action=f"test.step{i}", details={"i": i, "名": "值"}) for i in range(5)]


def test_chain_links_and_verifies(chain) -> None:
    first = AuditEvent.objects.order_by("seq").first()
    assert first is not None and first.prev_hash == "0" * 64 and chain[1].prev_hash == chain[0].hash
    report = audit_verify()
    assert report.ok and report.checked == AuditEvent.objects.count()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (chain[-1].seq, chain[-1].hash)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE audit_auditevent SET action = 'test.other' WHERE seq = %s", "hash"),
        ("UPDATE audit_auditevent SET details = '{\"i\": 99}' WHERE seq = %s", "hash"),
        ("DELETE FROM audit_auditevent WHERE seq = %s", "seq"),
    ],
)
def test_tampering_is_detected_by_cli(chain, orgunits, sql, reason) -> None:
    target = chain[2].seq
    _tamper(sql, [target])
    report = audit_verify()
    assert report.broken is not None and (report.broken.seq, report.broken.reason) == (target, reason)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and f"第 {target} 条" in result.output


def test_cut_tail_detected_by_head(chain) -> None:
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [chain[-1].seq])
    broken = audit_verify().broken
    assert broken is not None and broken.reason == "head"


def test_cli_verify_ok(chain, orgunits) -> None:
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "审计链完整" in result.output


def test_append_only_through_the_application(chain) -> None:
    event = chain[0]
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert audit_verify().ok


def test_database_trigger_refuses_raw_sql(chain) -> None:
    if not on_postgres():
        pytest.skip(
            "the append-only trigger exists on PostgreSQL only (SQLite: application refusals + verify)"
        )
    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert audit_verify().ok


def test_retention_prune(make_user, monkeypatch) -> None:
    real_now = timezone.now()
    monkeypatch.setattr("yigai.apps.audit.services.timezone.now", lambda: real_now - dt.timedelta(days=200))
    user = make_user("u1", "plan_owner", "130600")
    old = [audit_record(actor=user, action="test.old") for _ in range(3)]
    monkeypatch.setattr("yigai.apps.audit.services.timezone.now", lambda: real_now)
    recent = audit_record(actor=user, action="test.recent")
    with pytest.raises(AuditRetentionError):
        audit_prune(before=real_now - dt.timedelta(days=179))
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in old]).count() == 3
    assert audit_prune(before=real_now - dt.timedelta(days=181)) >= 3
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    report = audit_verify()
    assert report.ok and report.first_seq == old[-1].seq + 1
    assert AuditEvent.objects.filter(action="audit.prune").exists()


def test_cli_prune_refuses_recent(orgunits) -> None:
    result = CliRunner().invoke(app, ["audit", "prune", "--before", timezone.localdate().isoformat()])
    assert result.exit_code == 1 and "180" in result.output


def test_only_audit_admin_reads_the_log(verified, chain) -> None:
    auditor, _ = verified("aud", "audit_admin")
    page = auditor.get("/audit/")
    assert page.status_code == 200 and "test.step4" in page.content.decode()
    csv = auditor.get("/audit/", {"format": "csv", "action": "test."})
    assert csv.status_code == 200 and "attachment" in csv["Content-Disposition"]
    assert b"test.step0" in csv.content
    assert AuditEvent.objects.filter(action="audit.export", actor_username="aud").exists()
    for role in ("admin", "security_admin"):
        other, _ = verified(f"x_{role}", role)
        assert other.get("/audit/").status_code == 403
        assert AuditEvent.objects.filter(
            action="audit.view", actor_username=f"x_{role}", result="denied"
        ).exists()
    owner, _ = verified("own", "plan_owner")
    assert owner.get("/audit/").status_code == 403


def test_login_logout_and_failures_recorded(client, make_user) -> None:
    make_user("u", "leader", "130000")
    client.post("/login/", {"username": "u", "password": "wrong"})
    assert client.post("/login/", {"username": "u", "password": "pw-test-123"}).status_code == 302
    client.post("/logout/")
    rows = list(AuditEvent.objects.filter(actor_username="u").order_by("seq").values_list("action", "result"))
    assert rows == [("auth.login", "failed"), ("auth.login", "success"), ("auth.logout", "success")]
    login = AuditEvent.objects.get(actor_username="u", action="auth.login", result="success")
    assert login.ip == "127.0.0.1" and login.actor_role == "leader"


def test_plan_token_and_role_changes_recorded(owner_client_factory, make_user, fake_extract) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yigai.apps.accounts.services import api_token_create

    client, owner = owner_client_factory()
    client.post("/plans/import/", {"file": SimpleUploadedFile("p.txt", "任务".encode())})
    plan_id = AuditEvent.objects.get(action="plan.import").object_id
    client.post(f"/plans/{plan_id}/publish/")
    publish = AuditEvent.objects.get(action="plan.publish")
    assert (publish.actor_username, publish.object_id, publish.object_type) == (
        "owner",
        plan_id,
        "plans.plan",
    )
    api_token_create(user=owner, name="t")
    assert AuditEvent.objects.filter(action="token.create", object_type="accounts.apitoken").exists()
    assert AuditEvent.objects.filter(action="user.create", object_repr="owner").exists()
    assert audit_verify().ok


@pytest.fixture
def owner_client_factory(client, make_user):
    def make():
        owner = make_user("owner", "plan_owner", "130600", "市卫生健康委")
        client.force_login(owner)
        return client, owner

    return make


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork(make_user) -> None:
    if not on_postgres():
        pytest.skip("concurrent writers need PostgreSQL row locks (SQLite serialises the whole database)")
    user = make_user("u1", "plan_owner", "130600")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                audit_record(actor=user, action=f"test.thread{n}.{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(action__startswith="test.thread").count() == 40
    assert audit_verify().ok
