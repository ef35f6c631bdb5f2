"""Writes to the audit log: record an event (one line for any app), verify the chain, prune past retention.

``audit_record`` is safe to call from any service: it takes the chain head row ``FOR UPDATE`` (PostgreSQL)
so concurrent writers queue rather than fork, and ``seq`` and ``prev_hash`` are unique in the database, so
even a writer that slipped past the lock (SQLite has no row locks) fails instead of forking the chain. It
runs inside the caller's transaction: an event about a write that rolls back rolls back with it.

When ``actor`` is None the user of the request being served is used (set by
:class:`yigai.apps.audit.middleware.AuditContextMiddleware`), else the command-line operator.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from yigai.apps.audit.head import HeadFile, audit_key, head_append, head_append_now, head_mac, replay
from yigai.apps.audit.models import RETENTION_DAYS, AuditChainHead, AuditEvent, Result
from yigai.core.audit import Broken, ChainRow, event_hash, verify_chain

__all__ = ["audit_key", "audit_prune", "audit_record", "audit_restored", "audit_verify", "head_mac"]

current_request: ContextVar[HttpRequest | None] = ContextVar("yigai_audit_request", default=None)


class AuditRetentionError(ValueError):
    """A prune that would remove events younger than the retention period."""


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no passwd entry in some containers
        return "cli"


def _actor_fields(actor: Any, request: HttpRequest | None) -> dict[str, Any]:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if actor is None:
        return {
            "actor_id": None,
            "actor_username": "" if request is not None else _operator(),
            "actor_role": "",
        }
    if isinstance(actor, str):  # a name only: a failed login's attempted username, a system job
        return {"actor_id": None, "actor_username": actor[:150], "actor_role": ""}
    return {
        "actor_id": actor.pk,
        "actor_username": actor.get_username(),
        "actor_role": getattr(actor, "role", ""),
    }


def _where(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {"ip": None, "user_agent": ""}
    from yigai.apps.accounts.addresses import client_address  # trusted proxies' X-Forwarded-For

    return {
        "ip": client_address(request) or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def _object(obj: models.Model | None) -> dict[str, str]:
    if obj is None:
        return {"object_type": "", "object_id": "", "object_repr": ""}
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk or ""),
        "object_repr": str(obj)[:200],
    }


def _json_safe(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from a JSON column (dates as strings), so the hash survives."""
    return json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))  # type: ignore[no-any-return]  # a JSON object


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    result: Result | str = Result.SUCCESS,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: ``audit_record(actor=request.user, action="plan.publish", obj=plan)``.

    ``actor`` is a user, a bare username (failed logins), or None (the current request's user, else the
    command-line operator); ``result`` is success, denied or failed; ``details`` is any JSON object
    (never passwords, OTPs or full ID numbers).
    """
    request = request or current_request.get()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    event = AuditEvent(
        seq=head.seq + 1,
        created_at=timezone.now(),
        action=action[:64],
        result=Result(result),
        details=_json_safe(details),
        prev_hash=head.hash,
        **_actor_fields(actor, request),
        **_where(request),
        **_object(obj),
    )
    key = audit_key().secret if event.seq >= head.keyed_from else None
    event.hash = event_hash(event.chain_fields(), event.prev_hash, key=key)
    event.save()
    head.seq, head.hash = event.seq, event.hash
    head.mac = head_mac(head)
    head.save(update_fields=["seq", "hash", "mac"])
    head_append("event", head)
    return event


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    first_seq: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows() -> Iterator[ChainRow]:
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        yield ChainRow(fields=event.chain_fields(), prev_hash=event.prev_hash, hash=event.hash)


def audit_verify() -> VerifyReport:
    """Recompute the whole (keyed) chain, then check the head row's MAC, that no event was cut off the end,
    that a moved base has its prune, and that the head file outside the database agrees with the rows."""
    stored = AuditChainHead.objects.filter(pk=1).first()
    head = stored or AuditChainHead(pk=1)
    outside = replay()
    key = audit_key().secret
    checked, rewritten = 0, None

    def counted() -> Iterator[ChainRow]:
        nonlocal checked, rewritten
        for row in _rows():
            checked += 1
            seq = int(row.fields["seq"])
            if rewritten is None and outside.known.get(seq, row.hash) != row.hash:
                rewritten = seq
            yield row

    broken = verify_chain(
        counted(), anchor=head.base_hash, first_seq=head.base_seq + 1, key=key, keyed_from=head.keyed_from
    )
    broken = broken or _check_head(stored, head, checked) or outside.broken
    broken = broken or _check_outside(outside, head, checked, rewritten)
    return VerifyReport(checked=checked, first_seq=head.base_seq + 1, broken=broken)


def _check_head(stored: AuditChainHead | None, head: AuditChainHead, checked: int) -> Broken | None:
    last = head.base_seq + checked
    if stored is None and checked:
        return Broken(1, "head", "链头记录缺失（被删除）")
    if stored is not None and (stored.seq or stored.base_seq) and stored.mac != head_mac(stored):
        return Broken(head.seq, "head", "链头签名不符（链头被回退或改动，改动者没有审计链密钥）")
    if checked + head.base_seq != head.seq:
        return Broken(last + 1, "head", f"链头记录到第 {head.seq} 条，库中只到第 {last} 条（末尾记录被删除）")
    if head.base_seq:
        return _check_prune(head)
    return None


def _check_prune(head: AuditChainHead) -> Broken | None:
    """A moved base must come with its own prune event, and that prune must have kept the retention."""
    prune = next(
        (e for e in AuditEvent.objects.filter(action="audit.prune", seq__gt=head.base_seq).order_by("seq")
         if e.details.get("anchor_seq") == head.base_seq and e.details.get("anchor_hash") == head.base_hash),
        None,
    )  # fmt: skip
    if prune is None:
        return Broken(
            head.base_seq + 1,
            "base",
            f"第 {head.base_seq} 条之前的记录已不在，但没有对应的清理记录（audit.prune）",
        )
    before = dt.datetime.fromisoformat(str(prune.details.get("before")))
    if before > prune.created_at - dt.timedelta(days=RETENTION_DAYS):
        return Broken(
            prune.seq, "base", f"第 {prune.seq} 条清理删除了保留期（{RETENTION_DAYS} 天）以内的记录"
        )
    return None


def _check_outside(
    outside: HeadFile, head: AuditChainHead, checked: int, rewritten: int | None
) -> Broken | None:
    """The head file (append-only, outside the database) against the rows; an empty file checks nothing."""
    if not outside.lines:
        return None
    if rewritten is not None:
        return Broken(rewritten, "head_file", f"第 {rewritten} 条与链头文件记录的哈希不符（记录被改写）")
    last = head.base_seq + checked
    if outside.last_seq > last:
        return Broken(
            last + 1,
            "head_file",
            f"链头文件记到第 {outside.last_seq} 条，库中只到第 {last} 条（末尾记录被删除）",
        )
    if (head.base_seq, head.base_hash) != (outside.base_seq, outside.base_hash):
        return Broken(
            head.base_seq + 1, "head_file",
            f"链头起点（第 {head.base_seq} 条）与链头文件中的清理记录（第 {outside.base_seq} 条）不符（前面的记录被删除）",
        )  # fmt: skip
    return None


def audit_restored() -> None:
    """After a restore from backup: note in the head file that the chain was reset to the backup's head."""
    head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead(pk=1)
    head_append_now("restore", head)


@transaction.atomic
def audit_prune(*, before: dt.datetime, actor: Any = None) -> int:
    """Delete events older than ``before``; refuses anything within :data:`RETENTION_DAYS` days."""
    limit = timezone.now() - dt.timedelta(days=RETENTION_DAYS)
    if before > limit:
        raise AuditRetentionError(
            f"审计记录至少保留 {RETENTION_DAYS} 天：只能清理 {timezone.localtime(limit):%Y-%m-%d %H:%M} 之前的记录"
        )
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    # Only a prefix of the chain goes: everything before the first event that is still to be kept.
    kept = (
        AuditEvent.objects.filter(created_at__gte=before)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    old = AuditEvent.objects.filter(seq__lt=kept) if kept is not None else AuditEvent.objects.all()
    last = old.order_by("-seq").first()
    if last is None:
        return 0
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor
        ):  # the trigger lets only this transaction delete, and only old rows
            cursor.execute("SET LOCAL yigai.audit_prune = 'on'")
    deleted = AuditEvent.objects.filter(seq__lte=last.seq)._prune_delete()  # a prefix of the chain
    head.base_seq, head.base_hash = last.seq, last.hash
    head.mac = head_mac(head)
    head.save(update_fields=["base_seq", "base_hash", "mac"])
    head_append("prune", head)
    audit_record(
        actor=actor,
        action="audit.prune",
        details={
            "before": before.isoformat(),
            "deleted": deleted,
            "anchor_seq": last.seq,
            "anchor_hash": last.hash,
        },
    )
    return deleted
