"""Users (each with one role, one unit and one org unit) and API tokens for machine clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    PLAN_OWNER = "plan_owner", _("方案管理员")
    UNIT_REPORTER = "unit_reporter", _("责任单位填报员")
    REVIEWER = "reviewer", _("审核员")
    LEADER = "leader", _("领导（只读）")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.LEADER)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("所属行政区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    @property
    def can_edit_plans(self) -> bool:
        return self.role in (Role.ADMIN, Role.PLAN_OWNER, Role.REVIEWER)

    @property
    def can_publish(self) -> bool:
        return self.role in (Role.ADMIN, Role.PLAN_OWNER)


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
