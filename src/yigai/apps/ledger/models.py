"""Ledger rows. Statuses are the stored ones of :class:`yigai.core.ledger.Status`; 已逾期 is computed.

Rules (who may do what, warnings, milestones, reminders) are in :mod:`yigai.core.ledger`; nothing here
has business logic beyond field definitions. Every write goes through ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yigai.core.ledger import Status as CoreStatus


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    WEEKLY = "weekly", _("周报")
    QUARTERLY = "quarterly", _("季报")


class ItemStatus(models.TextChoices):
    NOT_STARTED = CoreStatus.NOT_STARTED.value, _("未启动")
    IN_PROGRESS = CoreStatus.IN_PROGRESS.value, _("推进中")
    CLOSE_REQUESTED = CoreStatus.CLOSE_REQUESTED.value, _("申请销号")
    CLOSED = CoreStatus.CLOSED.value, _("已销号")
    WITHDRAWN = CoreStatus.WITHDRAWN.value, _("已撤销")


class Ledger(models.Model):
    """One per published plan: its report cadence, 预警 scheme and 倒排工期 template."""

    plan = models.OneToOneField("plans.Plan", on_delete=models.CASCADE, related_name="ledger")
    cadence = models.CharField(_("报送周期"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)
    scheme = models.CharField(_("预警方案"), max_length=64, default="default")
    milestone_spec = models.JSONField(_("倒排工期节点"), default=list, blank=True)  # [] = core DEFAULT_SPEC
    next_number = models.PositiveIntegerField(default=1)  # for item codes L<plan>-<nnnn>
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "台账")

    def __str__(self) -> str:
        return f"台账 {self.plan}"


class LedgerItem(models.Model):
    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("台账编号"), max_length=32, unique=True)  # "L3-0042": stable, used in Excel
    task = models.ForeignKey(
        "plans.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger_items"
    )
    section = models.ForeignKey(
        "plans.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger_items"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(_("目标任务"), max_length=500, blank=True)
    text = models.TextField(_("具体措施"), blank=True)
    lead_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    co_units = models.ManyToManyField("units.Unit", verbose_name=_("配合单位"), blank=True, related_name="+")
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("责任地区"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_leader = models.CharField(_("责任领导"), max_length=100, blank=True)
    responsible_office = models.CharField(_("责任处室"), max_length=100, blank=True)
    start = models.DateField(_("开始日期"))
    deadline = models.DateField(_("完成时限"))
    deadline_note = models.CharField(_("时限说明"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), null=True, blank=True)  # None: never reported
    progress_text = models.TextField(_("进展情况"), blank=True)
    close_requested_by = models.CharField(max_length=150, blank=True)  # username; approver must differ
    pending_deadline = models.DateField(_("申请延期至"), null=True, blank=True)
    pending_reason = models.TextField(_("延期理由"), blank=True)
    pending_requested_by = models.CharField(max_length=150, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency (ETag / If-Match)
    order = models.PositiveIntegerField(default=0)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the day's evaluation found (yigai.core.ledger.evaluate_item: 预警, overdue, reporting, shown
    # status), stored so that every surface filters, counts and paginates in SQL and reads the same values.
    # Written only by ``services.lights_refresh``; every service write calls ``services.lights_invalidate``
    # (light_on = NULL) and the next read (or the nightly ``yigai ledger warnings --refresh``) recomputes
    # it. ``light_on`` is the day the values hold for: a light depends on the date.
    light_on = models.DateField(null=True, blank=True, db_index=True)
    light_colour = models.CharField(max_length=8, blank=True)
    light_label = models.CharField(max_length=16, blank=True)
    light_reason = models.CharField(max_length=300, blank=True)
    light_approximate = models.BooleanField(default=False)
    status_shown = models.CharField(max_length=16, blank=True)  # as users read it: 已逾期, 待审核销号, …
    overdue = models.BooleanField(default=False)  # past the deadline and open on light_on
    overdue_workdays = models.PositiveIntegerField(default=0)
    closed_on = models.DateField(null=True, blank=True)  # day 销号 was approved (local time)
    reports_on_time = models.PositiveIntegerField(default=0)  # expected reports up to light_on, by state
    reports_late = models.PositiveIntegerField(default=0)
    reports_missing = models.PositiveIntegerField(default=0)
    # The day the refresh first found the item red after a stored light of another colour (None while it is
    # not red, or when it was red the first time it was evaluated): the 待办's "turned red since yesterday".
    red_since = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("ledger", "order", "pk")
        indexes = (
            models.Index(fields=["ledger", "light_colour"], name="ledger_item_light"),
            # lists page in this order (selectors.ORDER): an index walk instead of sorting the whole ledger
            models.Index(fields=["ledger", "order", "id"], name="ledger_item_order"),
        )
        verbose_name = pgettext_lazy("model", "台账事项")
        constraints = (
            models.UniqueConstraint(
                fields=["task", "org_unit"], condition=models.Q(task__isnull=False), name="ledger_item_task_place"
            ),
        )  # fmt: skip

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


#: The fields the light refresh writes (everything else that changes an item makes its light stale).
LIGHT_FIELDS = frozenset({
    "light_on", "light_colour", "light_label", "light_reason", "light_approximate", "status_shown",
    "closed_on", "reports_on_time", "reports_late", "reports_missing", "overdue", "overdue_workdays",
    "red_since",
})  # fmt: skip


class Milestone(models.Model):
    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=100)
    due = models.DateField(_("节点日期"))
    expected_progress = models.FloatField(_("应达进度（%）"))
    clamped = models.BooleanField(default=False)

    class Meta:
        ordering = ("item", "due", "pk")


class Transition(models.Model):
    """Append-only history (全程留痕): never updated or deleted by the services."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="transitions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    who = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()
    old_deadline = models.DateField(null=True, blank=True)
    new_deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("item", "at", "pk")


class ProgressReport(models.Model):
    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(default=True)  # False: a co-unit's contribution
    period_key = models.CharField(_("报送期"), max_length=16)  # 2026-11 / 2026-W47 / 2026-Q4
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    submitted_at = models.DateTimeField()
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("item", "submitted_at", "pk")


class Evidence(models.Model):
    """A 佐证材料 file kept under ``YIGAI_DATA_DIR/evidence/`` (outside the web root)."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    stored_name = models.CharField(max_length=200, unique=True)  # random; never the user's file name
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(max_length=100)  # sniffed from the bytes, not taken from the client
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("item", "uploaded_at", "pk")


class NoticeLevel(models.TextChoices):
    UNIT = "unit", _("责任单位")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


class SupervisionNotice(models.Model):
    """督办单: a demand for action on an item with a reply date; unanswered ones escalate one level."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="notices")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_on = models.DateField(_("下发日期"))
    level = models.CharField(
        _("督办层级"), max_length=16, choices=NoticeLevel.choices, default=NoticeLevel.UNIT
    )
    content = models.TextField(_("督办内容"))
    reply_by = models.DateField(_("回复期限"))
    reply = models.TextField(_("回复"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_to"
    )
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("item", "issued_on", "pk")
        verbose_name = pgettext_lazy("model", "督办单")


class HolidayOverride(models.Model):
    """An admin-entered calendar day (节假日 or 调休上班日) → :class:`yigai.core.ledger.DayOverride`."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("date",)
        verbose_name = pgettext_lazy("model", "节假日设置")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内通知")
    EMAIL = "email", _("电子邮件")
    WEBHOOK = "webhook", _("Webhook")


class SendStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ReminderSend(models.Model):
    """One reminder through one channel. (key, channel) is unique: each channel is sent and retried
    on its own, so a failed webhook is retried without repeating the in-app notice."""

    key = models.CharField(max_length=40)  # yigai.core.ledger.reminder_key
    channel = models.CharField(max_length=16, choices=Channel.choices)
    item = models.ForeignKey(LedgerItem, null=True, on_delete=models.SET_NULL, related_name="reminders")
    kind = models.CharField(max_length=32)
    message = models.TextField()
    recipients = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=SendStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["key", "channel"], name="reminder_send_once"),)


class Notification(models.Model):
    """An in-app message."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    item = models.ForeignKey(LedgerItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    message = models.TextField()
    key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "pk")


from yigai.apps.ledger.robot_models import GroupRobot as GroupRobot  # noqa: E402  # 企业微信/钉钉 群机器人
from yigai.apps.ledger.robot_models import RobotKind as RobotKind  # noqa: E402
