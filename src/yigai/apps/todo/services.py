"""The one write of the 待办: marking one's own reminders read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.audit.services import audit_record
from yigai.apps.ledger.models import Notification


@transaction.atomic
def reminders_mark_read(*, user: User) -> int:
    """Mark every unread in-app reminder of ``user`` (theirs only) read; the number marked."""
    n = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if n:
        audit_record(actor=user, action="reminders.read", details={"count": n})
    return n
