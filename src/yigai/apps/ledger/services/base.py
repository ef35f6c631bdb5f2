"""Helpers shared by the ledger services: locking an item at an expected version, saving it guarded."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.services.errors import Conflict, LedgerError
from yigai.apps.ledger.services.lights import STALE_LIGHT


def item_current(item: LedgerItem) -> dict[str, Any]:
    """What a :class:`Conflict` shows: the stored values a stale editor has not seen."""
    return {
        "id": item.pk, "code": item.code, "version": item.version, "status": item.status,
        "status_label": item.get_status_display(), "progress": item.progress,
        "progress_text": item.progress_text, "deadline": item.deadline.isoformat(),
        "pending_deadline": item.pending_deadline.isoformat() if item.pending_deadline else None,
        "title": item.title, "text": item.text, "responsible_leader": item.responsible_leader,
        "responsible_office": item.responsible_office,
    }  # fmt: skip


def item_lock(*, item: LedgerItem | int, expected_version: int | None) -> LedgerItem:
    """The item's row, locked for this transaction, if it is still at ``expected_version``."""
    pk = item if isinstance(item, int) else item.pk
    locked = LedgerItem.objects.select_for_update().select_related("ledger__plan", "org_unit").get(pk=pk)
    if expected_version is None:
        raise LedgerError("缺少版本号：请先读取事项再提交修改", "version_required")
    if locked.version != expected_version:
        raise Conflict(item_current(locked), expected_version)
    return locked


def item_save(item: LedgerItem, fields: list[str]) -> None:
    """Save ``fields`` and bump the version, only if nobody saved in between (guards SQLite too); the
    item's stored light is marked stale in the same statement (what :func:`lights_invalidate` writes)."""
    values = {f: getattr(item, f) for f in fields} | STALE_LIGHT
    rows = LedgerItem.objects.filter(pk=item.pk)
    if rows.filter(version=item.version).update(version=F("version") + 1, **values) != 1:
        raise Conflict(item_current(rows.get()), item.version)
    item.version += 1
    item.light_on = None
