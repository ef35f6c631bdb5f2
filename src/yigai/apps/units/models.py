"""The unit directory (责任单位): departments per level, their aliases, and placeholders (各市 …)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Unit(models.Model):
    name = models.CharField(_("名称"), max_length=200, unique=True)
    level = models.CharField(_("层级"), max_length=16, blank=True)  # province / city / county / "" unknown
    kind = models.CharField(_("类别"), max_length=32, blank=True)  # department / government / placeholder …
    known = models.BooleanField(
        _("目录内"), default=False
    )  # False: first seen in a plan, not in the directory
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    expands_to = models.CharField(_("展开到层级"), max_length=16, blank=True)  # placeholders: city / county
    org_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("所属行政区划"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ("name",)
        verbose_name = pgettext_lazy("model", "责任单位")

    def __str__(self) -> str:
        return self.name

    @property
    def is_placeholder(self) -> bool:
        return bool(self.expands_to)
