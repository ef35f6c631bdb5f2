"""Group robots (群机器人) of 企业微信 and 钉钉: where a unit's or a plan's reminders and 督办 also go.

Imported by :mod:`yigai.apps.ledger.models`; kept apart so the robot settings do not crowd the ledger rows.
A robot is configured for one 责任单位 (every reminder addressed to that unit or about an item it leads)
or for one plan (every reminder about that plan's items). Sending: :mod:`yigai.apps.ledger.services.robots`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")


class GroupRobot(models.Model):
    kind = models.CharField(_("类型"), max_length=16, choices=RobotKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    # 企业微信: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; 钉钉: …/robot/send?access_token=…
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)  # 钉钉 "加签" (SEC…); never shown
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pk",)
        verbose_name = pgettext_lazy("model", "群机器人")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, plan__isnull=True)
                | models.Q(unit__isnull=True, plan__isnull=False),
                name="robot_for_unit_or_plan",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    @property
    def channel(self) -> str:
        """The ReminderSend channel: one per robot, so each robot is sent and retried on its own."""
        return f"robot:{self.pk}"
