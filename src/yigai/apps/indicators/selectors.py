"""Reads of indicator data, always through the user's jurisdiction (CONVENTIONS.md §5).

Every role reads the values of its own org-unit subtree (a county user: that county and its facilities);
admins read everything. Views and APIs reach an org unit only through :func:`access_org_unit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role, User
from yigai.apps.indicators.locks import is_locked
from yigai.apps.indicators.models import (
    Approval,
    DataElement,
    DataValue,
    ImportBatch,
    Indicator,
    IndicatorTarget,
)
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators import Period, PeriodError, default_catalogue
from yigai.core.indicators.text import formula_text
from yigai.core.permissions import Perm, may


def visible_org_units(*, user: User | None) -> QuerySet[OrgUnit]:
    """Org units whose values ``user`` may read (None: the command line, everything)."""
    if user is None or user.role == Role.ADMIN:
        return OrgUnit.objects.all()
    if user.org_unit is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(path__startswith=user.org_unit.path)


def access_org_unit(*, user: User | None, code: str, for_edit: bool = False) -> OrgUnit:
    org = visible_org_units(user=user).filter(code=str(code).strip()).first()
    if org is None:
        raise Http404(_("找不到行政区划或无权查看：%(code)s") % {"code": code})
    if for_edit and user is not None and not may(user, Perm.IMPORT_VALUES):
        raise PermissionDenied(_("无权填报数据"))
    return org


def indicator_list(*, group: str = "", q: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.prefetch_related("data_elements")
    if group:
        qs = qs.filter(group=group)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
    return qs.order_by("order", "code")


def indicator_list_readable(*, group: str = "", q: str = "") -> list[dict[str, Any]]:
    """The catalogue as people read it: each indicator's fields with its formula in words
    (``年末执业（助理）医师数 ÷ 年末常住人口数 × 1000``, never ``#{…}`` codes) and its bounds."""
    cat = default_catalogue()
    fields = ("code", "name", "numerator", "denominator", "factor", "unit", "per", "direction", "decimals",
              "definition", "group", "national")  # fmt: skip
    out = []
    for ind in indicator_list(group=group, q=q):
        core = cat.indicators.get(ind.code)
        row: dict[str, Any] = {f: getattr(ind, f) for f in fields}
        row["formula"] = formula_text(core, cat) if core else f"{ind.numerator_text} ÷ {ind.denominator_text}"
        row["bounds"] = core.bounds if core else (None, None)
        out.append(row)
    return out


def indicator_get(*, code: str) -> Indicator:
    found = Indicator.objects.filter(code=code.strip().upper()).first()
    if found is None:
        raise Http404(_("未知指标：%(code)s") % {"code": code})
    return found


def element_list() -> QuerySet[DataElement]:
    return DataElement.objects.order_by("code")


@dataclass(frozen=True)
class ValueFilters:
    data_element: str = ""
    indicator: str = ""
    org_unit: str = ""  # the unit and everything below it
    period: str = ""


def value_list(*, user: User | None, filters: ValueFilters | None = None) -> QuerySet[DataValue]:
    f = filters or ValueFilters()
    qs = DataValue.objects.filter(org_unit__in=visible_org_units(user=user))
    if f.data_element:
        qs = qs.filter(data_element__code=f.data_element)
    if f.indicator:
        qs = qs.filter(data_element__indicators__code=f.indicator)
    if f.org_unit:
        org = access_org_unit(user=user, code=f.org_unit)
        qs = qs.filter(org_unit__path__startswith=org.path)
    if f.period:
        try:
            qs = qs.filter(period=str(Period.parse(f.period)))
        except PeriodError as exc:
            raise ValueError(str(exc)) from None
    return qs.select_related("data_element", "org_unit").order_by(
        "data_element__code", "org_unit__path", "period"
    )


@dataclass(frozen=True)
class EntryCell:
    element: DataElement
    option: str
    option_name: str
    value: DataValue | None


def entry_form(
    *, org_unit: OrgUnit, period: str, elements: QuerySet[DataElement]
) -> tuple[list[EntryCell], bool]:
    """The cells of a data-entry form (one per element and option) and whether the period is locked."""
    stored = {
        (d.data_element_id, d.disaggregation): d
        for d in DataValue.objects.filter(org_unit=org_unit, period=period, data_element__in=elements)
    }
    cells = []
    for de in elements:
        cells.append(EntryCell(de, "", "", stored.get((de.pk, ""))))
        cells += [EntryCell(de, o["code"], o["name"], stored.get((de.pk, o["code"]))) for o in de.options]
    return cells, is_locked(org_unit, period)


def approval_list(*, org_unit: OrgUnit, period: str) -> QuerySet[Approval]:
    codes = [c for c in org_unit.path.split("/") if c]
    return Approval.objects.filter(org_unit__code__in=codes, period=period).select_related(
        "org_unit", "approved_by"
    )


def batch_list(*, user: User | None) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.select_related("imported_by")
    return qs if user is None or user.role == Role.ADMIN else qs.filter(imported_by=user)


def target_list(*, user: User | None, plan: int | None = None) -> QuerySet[IndicatorTarget]:
    """Targets of plans the user may see."""
    from yigai.apps.plans.selectors import plan_list, plan_list_all

    plans = plan_list_all() if user is None else plan_list(user=user)
    qs = IndicatorTarget.objects.filter(plan__in=plans.values("pk"))
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    return qs.select_related("indicator", "org_unit", "plan", "plan_target").order_by("plan_id", "due", "pk")
