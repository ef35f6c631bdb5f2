"""督办: supervision notices on items, replies, and escalation of unanswered ones (unit → city → province)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import LedgerItem, NoticeLevel, SupervisionNotice
from yigai.apps.ledger.selectors import access_item_row
from yigai.apps.ledger.services.errors import LedgerError
from yigai.core.ledger import escalate
from yigai.core.permissions import Perm, may

#: Workdays an escalated notice gives for its reply.
ESCALATED_REPLY_WORKDAYS = 5


@transaction.atomic
def notice_issue(
    *,
    item: LedgerItem,
    user: User,
    content: str,
    reply_by: dt.date,
    level: str = NoticeLevel.UNIT,
    is_demo: bool = False,
) -> SupervisionNotice:
    """A reviewer or plan owner issues a 督办单 on an item in their jurisdiction."""
    access_item_row(user=user, item_id=item.pk)
    if not may(user, Perm.SUPERVISE):
        raise PermissionDenied("只有审核员或方案管理员可以下发督办单")
    if not content.strip():
        raise LedgerError("请填写督办内容", "content_required")
    today = timezone.localdate()
    if reply_by < today:
        raise LedgerError(f"回复期限 {reply_by.isoformat()} 早于今天", "reply_by_past")
    if level not in NoticeLevel.values:
        raise LedgerError(f"未知督办层级 {level!r}；可用：{'、'.join(NoticeLevel.values)}", "level")
    return SupervisionNotice.objects.create(
        item=item, issued_by=user, issued_on=today, level=level, content=content.strip(),
        reply_by=reply_by, is_demo=is_demo,
    )  # fmt: skip


@transaction.atomic
def notice_reply(*, notice: SupervisionNotice, user: User, reply: str) -> SupervisionNotice:
    """The responsible unit (lead or co) answers a 督办单; an answer is final."""
    item = access_item_row(user=user, item_id=notice.item_id)
    if not may(user, Perm.REPORT):
        raise PermissionDenied("督办单由责任单位回复")
    locked = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.replied_at is not None:
        raise LedgerError("该督办单已回复", "already_replied")
    if not reply.strip():
        raise LedgerError("请填写回复内容", "reply_required")
    del item
    locked.reply, locked.replied_at, locked.replied_by = reply.strip(), timezone.now(), user
    locked.save(update_fields=["reply", "replied_at", "replied_by"])
    return locked


@transaction.atomic
def notices_escalate(*, today: dt.date, dry_run: bool = False) -> list[SupervisionNotice]:
    """Every unanswered notice past its reply date goes one level up, once (the new notice points back
    at it through ``escalated_from``). Returns the notices made (or that would be, on a dry run)."""
    cal = adapters.calendar_from_db()
    made = []
    pending = SupervisionNotice.objects.filter(
        replied_at__isnull=True, reply_by__lt=today, escalated_to__isnull=True
    )
    for n in pending.select_related("item").exclude(item__status__in=["closed", "withdrawn"]):
        esc = escalate(adapters.notice(n), today)
        if esc is None:
            continue
        new = SupervisionNotice(
            item=n.item, issued_on=today, level=esc.to_level, content=f"{esc.message}。原督办内容：{n.content}",
            reply_by=cal.add_workdays(today, ESCALATED_REPLY_WORKDAYS), escalated_from=n, is_demo=n.is_demo,
        )  # fmt: skip
        if not dry_run:
            new.save()
        made.append(new)
    return made
