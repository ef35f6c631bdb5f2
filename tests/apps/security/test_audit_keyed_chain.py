"""The keyed audit chain and its head outside the database (issue 13, finding 7): the four tamperings of the
probe — cut the tail and roll the head back, delete the first rows and rewrite base_seq/base_hash, delete
every row, rewrite a row and recompute the later hashes — are each detected by ``yigai audit verify``, both
by an attacker holding only the database and by one who also holds the key (then the head file catches it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.utils import timezone
from typer.testing import CliRunner

from yigai.apps.audit.models import AuditChainHead, AuditEvent
from yigai.apps.audit.services import audit_key, audit_prune, audit_record, audit_verify, head_mac
from yigai.cli import app
from yigai.core.audit import canonical, event_hash

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: the head file is written on commit


def _sql(sql: str, params: list[object] | None = None) -> None:
    """Change stored rows behind the application's back, as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")


def _set_head(*, with_key: bool, **fields: object) -> None:
    """Move the head row as an attacker would; with the key, its MAC is recomputed too."""
    head = AuditChainHead.objects.get(pk=1)
    for name, value in fields.items():
        setattr(head, name, value)
    head.mac = head_mac(head) if with_key else head.mac
    AuditChainHead.objects.filter(pk=1).update(**fields, mac=head.mac)


@pytest.fixture
def chain(make_user) -> list[AuditEvent]:
    user = make_user("u1", "plan_owner", "130600")
    return [audit_record(actor=user, action=f"test.step{i}", details={"i": i}) for i in range(6)]


def _broken(expect: str) -> None:
    report = audit_verify()
    assert report.broken is not None, "tampering not detected"
    assert expect in report.broken.message, report.broken.message
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "审计链被破坏" in result.output


def test_intact_chain_verifies_and_the_head_is_outside_the_database(chain, settings) -> None:
    assert audit_verify().ok
    lines = [json.loads(x) for x in settings.AUDIT_HEAD_FILE.read_text().splitlines()]
    assert [x["seq"] for x in lines][-6:] == [e.seq for e in chain]
    assert lines[-1]["hash"] == chain[-1].hash


def test_hashes_are_keyed(chain) -> None:
    """Plain SHA-256 no longer reproduces a stored hash: recomputing needs the key."""
    e = chain[2]
    plain = hashlib.sha256(canonical(e.chain_fields()) + e.prev_hash.encode()).hexdigest()
    assert e.hash != plain and e.hash == event_hash(e.chain_fields(), e.prev_hash, key=audit_key().secret)


@pytest.mark.parametrize("with_key", [False, True])
def test_cut_tail_and_head_rolled_back(chain, with_key) -> None:
    keep = chain[3]
    _sql("DELETE FROM audit_auditevent WHERE seq > %s", [keep.seq])
    _set_head(with_key=with_key, seq=keep.seq, hash=keep.hash)
    _broken("链头文件" if with_key else "链头签名不符")


@pytest.mark.parametrize("with_key", [False, True])
def test_first_rows_deleted_and_base_rewritten(chain, with_key) -> None:
    cut = chain[2]
    _sql("DELETE FROM audit_auditevent WHERE seq <= %s", [cut.seq])
    _set_head(with_key=with_key, base_seq=cut.seq, base_hash=cut.hash)
    _broken("清理" if with_key else "链头签名不符")


@pytest.mark.parametrize("head_too", [False, True])
def test_every_row_deleted(chain, head_too) -> None:
    _sql("DELETE FROM audit_auditevent")
    if head_too:
        AuditChainHead.objects.all().delete()
    _broken("链头文件" if head_too else "末尾记录被删除")


@pytest.mark.parametrize("with_key", [False, True])
def test_row_rewritten_and_later_hashes_recomputed(chain, with_key) -> None:
    key = audit_key().secret if with_key else None
    events = list(AuditEvent.objects.order_by("seq"))
    target = chain[2].seq
    prev = events[0].prev_hash
    for e in events:
        if e.seq < target:
            prev = e.hash
            continue
        fields = e.chain_fields()
        if e.seq == target:
            fields["action"] = "test.rewritten"
        new = (
            event_hash(fields, prev, key=key)
            if key
            else hashlib.sha256(canonical(fields) + prev.encode()).hexdigest()
        )
        _sql("UPDATE audit_auditevent SET action = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                 [fields["action"], prev, new, e.seq])  # fmt: skip
        prev = new
    _set_head(with_key=with_key, hash=prev)
    _broken("链头文件" if with_key else "哈希不符")


def test_head_file_edited_is_detected(chain, settings) -> None:
    path = settings.AUDIT_HEAD_FILE
    lines = path.read_text().splitlines()
    last = json.loads(lines[-1])
    last["hash"] = "f" * 64
    path.write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n")
    _broken("链头文件第")


def test_prune_leaves_its_event_and_the_head_file_follows(make_user, monkeypatch, settings) -> None:
    real_now = timezone.now()
    monkeypatch.setattr("yigai.apps.audit.services.timezone.now", lambda: real_now - dt.timedelta(days=200))
    user = make_user("u1", "plan_owner", "130600")
    for _ in range(3):
        audit_record(actor=user, action="test.old")
    monkeypatch.setattr("yigai.apps.audit.services.timezone.now", lambda: real_now)
    audit_record(actor=user, action="test.recent")
    assert audit_prune(before=real_now - dt.timedelta(days=181)) >= 3
    report = audit_verify()
    assert report.ok and report.first_seq > 1
    kinds = [json.loads(x)["kind"] for x in settings.AUDIT_HEAD_FILE.read_text().splitlines()]
    assert "prune" in kinds
    prune = AuditEvent.objects.get(action="audit.prune")
    assert prune.details["anchor_seq"] == report.first_seq - 1


def test_restore_resets_the_head_file_and_the_chain_still_verifies(
    chain, settings, tmp_path, make_user
) -> None:
    """A restore rolls the chain back to the backup's head on purpose: the head file notes it, so verify
    does not mistake the events written after the backup (and gone with the restore) for a cut tail."""
    from yigai.apps.backup.services import backup_create, backup_restore

    settings.DATA_DIR = tmp_path / "data"
    info = backup_create(out_dir=tmp_path / "b")
    for i in range(3):
        audit_record(actor=chain[0].actor_username, action=f"test.after{i}")
    assert backup_restore(path=info.path).ok
    assert audit_verify().ok
    kinds = [json.loads(x)["kind"] for x in settings.AUDIT_HEAD_FILE.read_text().splitlines()]
    assert kinds[-2:] == ["restore", "event"]


def test_the_head_also_goes_to_the_log(make_user, caplog) -> None:
    import logging

    chain_log = logging.getLogger("yigai.audit.chain")  # its own handler, not propagated to the root
    caplog.set_level("INFO", logger="yigai.audit.chain")
    chain_log.addHandler(caplog.handler)
    try:
        event = audit_record(actor=make_user("u2", "plan_owner", "130600"), action="test.logged")
    finally:
        chain_log.removeHandler(caplog.handler)
    assert any(
        event.hash in r.getMessage() and f'"seq":{event.seq}' in r.getMessage() for r in caplog.records
    )
