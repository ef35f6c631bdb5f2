"""One stored computation of the medical service circle: its method, the points with their times, the
ranked new-site suggestions per area, and the indicator-value batch it wrote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessRun(models.Model):
    created_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    method = models.CharField(_("方法"), max_length=32)  # 路网出行时间 | 直线距离估算
    network_file = models.CharField(_("路网文件"), max_length=255, blank=True)
    facilities_file = models.CharField(_("机构名录文件"), max_length=255)
    points_file = models.CharField(_("人口点文件"), max_length=255)
    year = models.PositiveSmallIntegerField(_("年度"))
    primary_minutes = models.FloatField()
    county_minutes = models.FloatField()
    batch = models.ForeignKey("indicators.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    objects: models.Manager[AccessRun] = models.Manager()

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = pgettext_lazy("model", "医疗服务圈测算")

    def __str__(self) -> str:
        return f"{self.year} {self.method}"


class AccessPoint(models.Model):
    run = models.ForeignKey(AccessRun, on_delete=models.CASCADE, related_name="points")
    county = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    longitude = models.FloatField()
    latitude = models.FloatField()
    population = models.PositiveIntegerField()
    primary_minutes = models.FloatField(null=True)  # None: no facility reachable
    county_minutes = models.FloatField(null=True)
    primary_covered = models.BooleanField()
    county_covered = models.BooleanField()
    objects: models.Manager[AccessPoint] = models.Manager()

    class Meta:
        indexes = (models.Index(fields=["run", "primary_covered", "-population"]),)


class AccessSite(models.Model):
    """A ranked place for one new 卫生院 within ``scope`` (a county, a city or the province)."""

    run = models.ForeignKey(AccessRun, on_delete=models.CASCADE, related_name="sites")
    scope = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    longitude = models.FloatField()
    latitude = models.FloatField()
    new_population = models.PositiveIntegerField()
    new_points = models.PositiveIntegerField()
    objects: models.Manager[AccessSite] = models.Manager()

    class Meta:
        ordering = ("scope", "rank")
