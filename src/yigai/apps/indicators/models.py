"""Indicator data in the database.

``DataElement`` and ``Indicator`` mirror the shipped YAML catalogue (the YAML stays the source of truth;
:func:`~yigai.apps.indicators.services.catalogue.catalogue_sync` refreshes these rows idempotently).
``DataValue`` is one reported number with its provenance; ``Approval`` locks an org unit and period
(county → city → province); ``IndicatorTarget`` is a plan target confirmed against a catalogue indicator.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DataElement(models.Model):
    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    value_type = models.CharField(max_length=16)
    aggregation = models.CharField(max_length=16)
    period_type = models.CharField(max_length=16, default="year")
    org_aggregation = models.CharField(max_length=16, default="sum")
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    disaggregation = models.CharField(max_length=64, blank=True)
    options = models.JSONField(default=list, blank=True)  # [{"code": …, "name": …}]
    definition = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    min_value = models.FloatField(_("最小值"), null=True, blank=True)  # local checks, not in the YAML
    max_value = models.FloatField(_("最大值"), null=True, blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = pgettext_lazy("model", "数据项")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    numerator = models.CharField(max_length=500)
    denominator = models.CharField(max_length=500)
    factor = models.PositiveIntegerField(default=1)
    unit = models.CharField(_("单位"), max_length=32)
    per = models.CharField(max_length=32, blank=True)
    decimals = models.PositiveSmallIntegerField(default=2)
    direction = models.CharField(max_length=16)
    definition = models.TextField(blank=True)
    numerator_text = models.CharField(max_length=300, blank=True)
    denominator_text = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=64, blank=True)
    standard = models.CharField(max_length=200, blank=True)
    national = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    data_elements = models.ManyToManyField(DataElement, related_name="indicators", blank=True)

    class Meta:
        ordering = ("order", "code")
        verbose_name = pgettext_lazy("model", "指标")

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One imported file; the content hash makes re-importing the same file a no-op."""

    file_name = models.CharField(_("文件名"), max_length=255)
    content_hash = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("-imported_at", "-pk")


class DataValue(models.Model):
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="data_values")
    period = models.CharField(_("期间"), max_length=8)  # canonical: 2023, 2023Q1, 202301
    period_type = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField(db_index=True)
    disaggregation = models.CharField(max_length=32, blank=True, default="")  # "" = total
    value = models.FloatField(_("数值"))
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="values"
    )
    source_file = models.CharField(max_length=255, blank=True)  # file name, or "表单录入"
    source_hash = models.CharField(max_length=64, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(auto_now=True)
    outlier_z = models.FloatField(null=True, blank=True)
    outlier_mod_z = models.FloatField(null=True, blank=True)
    is_outlier = models.BooleanField(_("疑似异常"), default=False)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["data_element", "org_unit", "period", "disaggregation"], name="datavalue_unique"
            ),
        )
        ordering = ("data_element", "org_unit", "period", "disaggregation")


class Approval(models.Model):
    """An org unit's values for a period are approved (and locked) at the org unit's level."""

    org_unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="approvals")
    period = models.CharField(_("期间"), max_length=8)
    level = models.CharField(_("层级"), max_length=16)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["org_unit", "period"], name="approval_unique"),)
        ordering = ("period", "org_unit")


class IndicatorTarget(models.Model):
    """A plan target linked to an indicator, for one org unit or for every org unit of a level."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="indicator_targets")
    plan_target = models.OneToOneField(
        "plans.Target", null=True, blank=True, on_delete=models.SET_NULL, related_name="indicator_target"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="indicator_targets"
    )
    scope_level = models.CharField(_("适用层级"), max_length=16, blank=True)  # "" = org_unit itself
    comparator = models.CharField(max_length=16)
    value = models.FloatField()
    value_max = models.FloatField(null=True, blank=True)
    due = models.DateField(_("完成时限"))
    recurring = models.CharField(max_length=64, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)  # the suggestion's score when linked
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ("plan", "due", "pk")
        verbose_name = pgettext_lazy("model", "指标目标")

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.comparator} {self.value}"
