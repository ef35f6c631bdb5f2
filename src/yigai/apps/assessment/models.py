"""Stored schemes, frozen stages (read-only snapshots), the reviewer's evidence marks, 自评 and 申诉.

A frozen stage is written once by ``services.stage_freeze`` and never updated: its ``snapshot`` holds the
scheme text, the inputs and the results; ``digest`` (SHA-256 of the canonical JSON) is also recorded in the
audit chain, so a later change to the row is visible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SchemeRecord(models.Model):
    key = models.CharField(_("方案代码"), max_length=64, unique=True)
    name = models.CharField(_("方案名称"), max_length=200)
    text = models.TextField(_("方案（YAML）"))
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("key",)
        verbose_name = pgettext_lazy("model", "考核方案")

    def __str__(self) -> str:
        return self.name


class FrozenStage(models.Model):
    scheme = models.ForeignKey(SchemeRecord, on_delete=models.PROTECT, related_name="frozen")
    stage = models.CharField(_("阶段"), max_length=32)
    as_of = models.DateField(_("评估日"))
    label = models.CharField(_("阶段名称"), max_length=100)
    snapshot = models.JSONField()
    digest = models.CharField(max_length=64)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    frozen_at = models.DateTimeField()

    class Meta:
        ordering = ("scheme", "as_of")
        constraints = (
            models.UniqueConstraint(fields=["scheme", "stage"], name="assessment_stage_frozen_once"),
        )
        verbose_name = pgettext_lazy("model", "已冻结阶段")


class EvidenceMark(models.Model):
    """The reviewer's mark of an item's evidence (the evidence_quality rule reads the last one by the day)."""

    MARKS = (("good", _("佐证充分")), ("fair", _("佐证基本充分")), ("poor", _("佐证不足")))
    item = models.ForeignKey("ledger.LedgerItem", on_delete=models.CASCADE, related_name="+")
    mark = models.CharField(_("评定"), max_length=8, choices=MARKS)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        ordering = ("item", "marked_at", "pk")


class SelfAssessment(models.Model):
    """自评: a unit's own score for a stage, with its account and evidence (text and file names)."""

    scheme = models.ForeignKey(SchemeRecord, on_delete=models.CASCADE, related_name="self_assessments")
    stage = models.CharField(_("阶段"), max_length=32)
    unit_key = models.CharField(_("被考核单位"), max_length=200)
    score = models.FloatField(_("自评得分"))
    text = models.TextField(_("自评说明"))
    evidence = models.TextField(_("佐证材料"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["scheme", "stage", "unit_key"], name="assessment_one_self"),
        )


class Objection(models.Model):
    """申诉 against a stage's score, and the assessor's reply."""

    scheme = models.ForeignKey(SchemeRecord, on_delete=models.CASCADE, related_name="objections")
    stage = models.CharField(_("阶段"), max_length=32)
    unit_key = models.CharField(_("被考核单位"), max_length=200)
    component = models.CharField(_("考核项"), max_length=64, blank=True)
    text = models.TextField(_("申诉理由"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    reply = models.TextField(_("答复"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-submitted_at", "pk")


class SelfAssessmentEvidence(models.Model):
    """A 佐证材料 file of a 自评, checked and stored by the ledger's evidence machinery (type by bytes, size
    limit, random name outside the web root); a frozen stage records its name, size and SHA-256."""

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="files")
    stored_name = models.CharField(max_length=200, unique=True)  # random; never the user's file name
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(max_length=100)  # sniffed from the bytes
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ("self_assessment", "uploaded_at", "pk")
