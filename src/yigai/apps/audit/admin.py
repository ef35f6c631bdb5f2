"""Read-only admin for audit events (used only where django.contrib.admin is installed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yigai.apps.audit.models import AuditEvent


class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = (
        "seq",
        "created_at",
        "actor_username",
        "actor_role",
        "action",
        "object_repr",
        "result",
        "ip",
    )
    list_filter = ("result", "action")
    search_fields = ("actor_username", "action", "object_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(AuditEvent, AuditEventAdmin)
