"""Audit events (append-only, hash-chained) and the chain head that serialises writers.

The application cannot change or remove an event: ``save()`` refuses updates, ``delete()`` refuses, the
default manager's querysets refuse ``update()``/``delete()``, and on PostgreSQL a trigger (migration 0002)
rejects UPDATE, DELETE and TRUNCATE from any client. The only removal is the retention prune of events
older than :data:`RETENTION_DAYS`, done by :func:`yigai.apps.audit.services.audit_prune`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from yigai.core.audit import GENESIS

RETENTION_DAYS = 180  # 《网络安全法》第二十一条：网络日志留存不少于六个月


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event through the application."""


class Result(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self) -> NoReturn:  # refuses instead of returning counts
        raise AppendOnlyError("审计记录只能追加，不能删除（过期记录由 yigai audit prune 清理）")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def _prune_delete(self) -> int:
        """The retention prune's delete (services.audit_prune only)."""
        return super().delete()[0]


AuditManager = models.Manager.from_queryset(AuditQuerySet)


class AuditEvent(models.Model):
    """Who did what to which object, with what result, from where, when; linked to the previous event."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(
        _("用户编号"), null=True, blank=True
    )  # no FK: users may go, events stay
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    actor_role = models.CharField(_("角色"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    result = models.CharField(_("结果"), max_length=8, choices=Result.choices, default=Result.SUCCESS)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前序哈希"), max_length=64, unique=True)  # unique: the chain cannot fork
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditManager()

    class Meta:
        ordering = ("-seq",)
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.result}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError("审计记录只能追加，不能修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计记录只能追加，不能删除")

    def chain_fields(self) -> dict[str, Any]:
        """The hashed content (everything but the two hashes and the database id)."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "result": self.result,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "details": self.details,
        }


class AuditChainHead(models.Model):
    """One row (pk=1): the last event's seq and hash, locked by every writer so the chain never forks.

    ``base_seq``/``base_hash`` anchor the chain after a retention prune (GENESIS before any prune);
    events from ``keyed_from`` on are HMAC-keyed (earlier ones, written before the key, plain SHA-256);
    ``mac`` is the HMAC of all of these (:func:`yigai.apps.audit.head.head_mac`), so the head cannot be
    rolled back or re-based without the key. A copy of the head lives outside the database (head file).
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)
    base_seq = models.BigIntegerField(default=0)
    base_hash = models.CharField(max_length=64, default=GENESIS)
    keyed_from = models.BigIntegerField(default=1)
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("审计链头")
