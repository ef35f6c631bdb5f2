"""The provenance of a record computation: which engine read which batches, when, and what it stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordRun(models.Model):
    """One ``yigai records compute`` (command line, page or job). Holds no record and no value: the
    values are :class:`~yigai.apps.indicators.models.DataValue` rows of ``values_batch``."""

    engine = models.CharField(_("计算引擎"), max_length=16)
    master = models.CharField(max_length=200, blank=True)
    indicators = models.JSONField(default=list)
    period = models.CharField(_("期间"), max_length=8, blank=True)
    batches = models.JSONField(default=list)  # [{dataset, hash, file, rows}]
    weights = models.CharField(_("DRG 权重表"), max_length=200, blank=True)
    rows_read = models.BigIntegerField(default=0)
    cells = models.PositiveIntegerField(default=0)
    outside = models.PositiveIntegerField(default=0)  # values under codes outside the org-unit tree
    started_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    summary = models.JSONField(
        default=list
    )  # province and city rows: [{indicator, org_unit, period, value, …}]
    values_batch = models.ForeignKey(
        "indicators.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="record_runs"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: models.Manager[RecordRun] = models.Manager()

    class Meta:
        ordering = ("-pk",)
