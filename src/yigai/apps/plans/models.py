"""A stored plan: the document, its outline (sections), tasks, targets and unit links.

Fields mirror :mod:`yigai.core.plan` (the yigai.plan/1 contract); ``adapters.py`` maps between them.
``TaskUnit`` keeps what the document says (lead/co, as written); ``TaskAssignment`` is what publishing
makes of it: one row per concrete (unit, org unit), placeholders such as 各县（市、区）政府 expanded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yigai.core.plan import RATIO_UNIT, ratio_text


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Plan(models.Model):
    source = models.CharField(_("文件名"), max_length=255, db_index=True)
    content_hash = models.CharField(_("内容SHA-256"), max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    issued_on_text = models.CharField(max_length=40, blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    org_unit = models.ForeignKey("orgunits.OrgUnit", verbose_name=_("行政区划"), on_delete=models.PROTECT)
    #: False while the region is only the importer's (the issuer lies outside the tree): not publishable.
    region_confirmed = models.BooleanField(_("行政区划已确认"), default=True)
    implements = models.ForeignKey(
        "self", verbose_name=_("落实的上级方案"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="implemented_by",
    )  # fmt: skip
    is_demo = models.BooleanField(_("示例数据"), default=False)
    extractor = models.CharField(_("抽取规则版本"), max_length=16, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("source", "pk")
        verbose_name = pgettext_lazy("model", "方案")

    def __str__(self) -> str:
        return self.title or self.source


class Hinted(models.Model):
    """Why the extractor read a task or target so (:class:`yigai.core.plan.Hint`): rule, span, confidence.
    Rows without a hint (older extractions, hand-made rows) leave them empty."""

    hint_rule = models.CharField(_("识别规则"), max_length=64, blank=True)
    hint_span = models.CharField(_("匹配原文"), max_length=300, blank=True)
    hint_confidence = models.FloatField(_("置信度"), null=True, blank=True)

    class Meta:
        abstract = True


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(max_length=500)
    depth = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("plan", "order")

    def __str__(self) -> str:
        return self.title


class Task(Hinted):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    ext_id = models.CharField(_("抽取编号"), max_length=32, blank=True)
    number = models.CharField(_("序号"), max_length=32, blank=True)
    path = models.JSONField(default=list, blank=True)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    text = models.TextField(_("内容"), blank=True)
    units_as_written = models.TextField(_("责任单位（原文）"), blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限（原文）"), max_length=200, blank=True)
    deadline_source = models.CharField(max_length=16, blank=True)
    milestones = models.JSONField(_("节点"), default=list, blank=True)
    recurring = models.CharField(_("周期"), max_length=64, blank=True)
    order = models.PositiveIntegerField(default=0)
    edited = models.BooleanField(_("已人工修改"), default=False)

    class Meta:
        ordering = ("plan", "order", "pk")
        verbose_name = pgettext_lazy("model", "任务")

    def __str__(self) -> str:
        return self.title or self.text[:40]


class Target(Hinted):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")
    ext_id = models.CharField(max_length=32, blank=True)
    indicator = models.CharField(_("指标"), max_length=300)
    comparator = models.CharField(max_length=16)
    value = models.FloatField(null=True, blank=True)
    value_max = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    per = models.CharField(max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    due = models.DateField(null=True, blank=True)
    recurring = models.CharField(max_length=64, blank=True)
    scope = models.CharField(max_length=100, blank=True)
    condition = models.CharField(max_length=300, blank=True)
    quote = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    edited = models.BooleanField(_("已人工修改"), default=False)

    class Meta:
        ordering = ("plan", "order", "pk")
        verbose_name = pgettext_lazy("model", "目标")

    def __str__(self) -> str:
        return self.indicator

    @property
    def comparator_label(self) -> str:
        """ "≥", "提高" …, with the recurrence the plan states: "每年提高" (2 points each year, not once)."""
        label = str(COMPARATOR_LABELS.get(self.comparator, self.comparator))
        every = RECURRENCE_WORDS.get(self.recurring)
        return f"{every}{label}" if every else label

    @property
    def is_ratio(self) -> bool:
        return self.unit == RATIO_UNIT

    @property
    def value_text(self) -> str:
        """The value as people write it: "1:1.6" for a ratio, "每千人口3.2人" (never a bare "3.2人" for a
        per-population target), "90–95%"."""
        text = target_value_text(self.value, self.value_max, self.unit)
        per = self.per.strip()
        if not per or text == "—":
            return text
        return f"{per if per.startswith('每') else '每' + per}{text}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def target_value_text(value: float | None, value_max: float | None, unit: str) -> str:
    """ "1:1.6" for a ratio (unit 比, value N of 1:N), else the number(s) and unit ("90–95%")."""
    if unit == RATIO_UNIT and value is not None:
        return ratio_text(value) + (f"–{ratio_text(value_max)}" if value_max is not None else "")
    span = _number(value) + (f"–{_number(value_max)}" if value_max is not None else "")
    return f"{span}{unit}" if span else "—"


#: How a recurring target's comparator reads ("yearly" + "提高" → "每年提高"); values as core.parse.dates gives them.
RECURRENCE_WORDS = {"yearly": _("每年"), "half-yearly": _("每半年"), "quarterly": _("每季度"),
                    "monthly": _("每月"), "weekly": _("每周")}  # fmt: skip

COMPARATOR_LABELS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<",
                     "increase_by": _("提高"), "decrease_by": _("降低"), "range": _("介于")}  # fmt: skip


class LinkRole(models.TextChoices):
    """A unit's part in a task (牵头 or 配合) — not a user's role, which is yigai.core.permissions.Role."""

    LEAD = "lead", _("牵头")
    CO = "co", _("配合")


class TaskUnit(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    role = models.CharField(max_length=8, choices=LinkRole.choices)
    as_written = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("task", "-role", "order")  # lead before co


class TaskAssignment(models.Model):
    """A concrete responsibility created at publication: this unit in this org unit answers for the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT)
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT)
    role = models.CharField(max_length=8, choices=LinkRole.choices)
    #: A placeholder that names no place of the plan's region: one row at the region, for the owner to assign.
    needs_assignment = models.BooleanField(_("待分配"), default=False)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["task", "unit", "org_unit", "role"], name="assignment_unique"),
        )
