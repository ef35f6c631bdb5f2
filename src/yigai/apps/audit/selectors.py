"""Reads of the audit log: only the audit administrator (审计管理员) may read it (三员分立)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import User
from yigai.apps.audit.models import AuditEvent
from yigai.core.permissions import Perm, may


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""  # prefix: "auth." matches every authentication event
    result: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def access_audit_log(*, user: User) -> None:
    """Raise PermissionDenied unless ``user`` is the audit administrator."""
    if not may(user, Perm.READ_AUDIT):
        raise PermissionDenied(_("只有审计管理员可以查看审计记录"))


def audit_list(*, user: User, filters: AuditFilters | None = None) -> QuerySet[AuditEvent]:
    access_audit_log(user=user)
    f = filters or AuditFilters()
    qs = AuditEvent.objects.order_by("-seq")
    if f.username:
        qs = qs.filter(actor_username__icontains=f.username)
    if f.action:
        qs = qs.filter(action__startswith=f.action)
    if f.result:
        qs = qs.filter(result=f.result)
    if f.date_from:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_at__date__lte=f.date_to)
    return qs
