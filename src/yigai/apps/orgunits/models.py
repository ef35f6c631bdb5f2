"""The org-unit tree (行政区划): nodes, dated parent links, groups, population per year.

``OrgUnit.parent`` and ``OrgUnit.path`` describe the *current* reporting tree (fast subtree queries:
``path__startswith``); :class:`OrgUnitLink` keeps every parent link with its validity so the tree on any
past date can be rebuilt after a boundary change (DHIS2 keeps only the latest tree).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")
    FACILITY = "facility", _("机构")


class OrgUnit(models.Model):
    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=400, db_index=True)

    class Meta:
        ordering = ("path",)
        verbose_name = pgettext_lazy("model", "行政区划")

    def __str__(self) -> str:
        return self.name


class OrgUnitLink(models.Model):
    """A parent link valid from ``valid_from`` (inclusive, null = since ever) to ``valid_to`` (exclusive)."""

    child = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="child_links")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("child", "valid_from")


class OrgUnitGroup(models.Model):
    """A named set of org units (环京, 医共体试点 …), independent of the tree."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    is_demo = models.BooleanField(_("示例数据"), default=False)
    members = models.ManyToManyField(OrgUnit, related_name="groups", blank=True)

    def __str__(self) -> str:
        return self.name


class Population(models.Model):
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="population")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveBigIntegerField(_("常住人口"))
    source = models.CharField(max_length=200, blank=True)
    is_demo = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        constraints = (models.UniqueConstraint(fields=["org_unit", "year"], name="population_unique_year"),)
        ordering = ("org_unit", "year")
