"""Users (each with one role, one unit and one org unit), their password history, and API tokens for
machine clients.

三员分立 (GB/T 22239 8.1.4.2d, 8.1.5): the system administrator (users, org units, configuration), the
security administrator (roles, password/lockout/second-factor policy) and the audit administrator (reads
the audit log) are three roles of the single ``role`` column, so no account can hold two of them; the
database also refuses a superuser flag on any account but the system administrator's.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yigai.core.permissions import ADMIN_ROLES, Role

# The one Role (yigai.core.permissions); its names marked here for translation (Django's catalogue), in the
# order of the enum.
ROLE_CHOICES = [
    (Role.ADMIN.value, _("系统管理员")),
    (Role.PLAN_OWNER.value, _("方案管理员")),
    (Role.UNIT_REPORTER.value, _("责任单位填报员")),
    (Role.REVIEWER.value, _("审核员")),
    (Role.LEADER.value, _("领导（只读）")),
    (Role.SECURITY_ADMIN.value, _("安全管理员")),
    (Role.AUDIT_ADMIN.value, _("审计管理员")),
    (Role.ANALYST.value, _("统计/信息中心")),
]
__all__ = ["ADMIN_ROLES", "ROLE_CHOICES", "ApiToken", "PasswordHistory", "Role", "User"]


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=ROLE_CHOICES, default=Role.LEADER.value)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.SET_NULL
    )
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("所属行政区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    expires_on = models.DateField(_("账号有效期至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Stamped when an operator re-enables the account: the dormancy clock restarts there (else a dormant
    # account re-enabled on request would be disabled again at its very next login).
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")  # as AbstractUser.Meta (Django's catalogue translates it)
        verbose_name_plural = _("users")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(is_superuser=False) | models.Q(role="admin"),
                name="accounts_user_superuser_only_system_admin",
                violation_error_message=_("三员分立：只有系统管理员账号可以是超级用户"),
            ),
        )

    def set_password(self, raw_password: str | None) -> None:
        """Also stamps the time, from which the password's expiry is counted."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_admin_role(self) -> bool:
        """One of the three administrator roles (second factor required)."""
        return self.role in ADMIN_ROLES


class PasswordHistory(models.Model):
    """A hash of a password the user has had (the current one included): a new password may not equal any
    of the last ``PASSWORD_HISTORY`` (等保 8.1.4.1a). Older rows are deleted, never kept beyond the limit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


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
