"""Indicator pages: catalogue, data entry per org unit and period, target status per plan, import.

Each view parses input, calls one selector or service, renders (CONVENTIONS.md §4).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.audit.services import audit_record
from yigai.apps.indicators import selectors, services
from yigai.apps.indicators.models import DataElement
from yigai.apps.indicators.services.targets import LinkError
from yigai.apps.indicators.services.targets import target_link as target_link_service
from yigai.apps.indicators.status import plan_alignment, target_status
from yigai.apps.plans.selectors import access_plan, access_target, plan_list
from yigai.core.indicators import Period, PeriodError
from yigai.core.permissions import Perm, may


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("数据文件（CSV 或 Excel .xlsx；长表或宽表）"))
    data_element = forms.CharField(label=gettext_lazy("宽表的数据项（可不填）"), required=False)


@login_required
def catalogue(request: AuthedRequest) -> HttpResponse:
    services.catalogue_ensure()
    rows = selectors.indicator_list_readable(q=request.GET.get("q", "").strip())
    return render(request, "indicators/catalogue.html", {"indicators": rows, "q": request.GET.get("q", "")})


def _entry_elements() -> list[DataElement]:
    """The data elements behind the planning indicators (not the hospital performance set)."""
    return list(
        DataElement.objects.filter(indicators__national=False, period_type="year").distinct().order_by("code")
    )


def _period(raw: str) -> str:
    try:
        return str(Period.parse(raw or "2024"))
    except PeriodError as exc:
        raise PermissionDenied(str(exc)) from None


@login_required
def entry(request: AuthedRequest) -> HttpResponse:
    services.catalogue_ensure()
    user = request.user
    default = user.org_unit.code if user.org_unit else "130000"
    org = selectors.access_org_unit(
        user=user, code=request.GET.get("org") or request.POST.get("org") or default
    )
    period = _period(request.GET.get("period") or request.POST.get("period", ""))
    elements = DataElement.objects.filter(pk__in=[e.pk for e in _entry_elements()]).order_by("code")
    problems: list[object] = []
    if request.method == "POST":
        selectors.access_org_unit(user=user, code=org.code, for_edit=True)
        entries: dict[tuple[str, str], float | str | None] = {}
        for key in request.POST:
            raw = request.POST.get(key, "")
            if key.startswith("v:") and raw.strip():
                code, _sep, option = key[2:].partition(":")
                entries[(code, option)] = raw.strip()
        try:
            n = services.values_enter(user=user, org_unit=org, period=period, entries=entries)
        except services.ValuesRejected as exc:
            problems = list(exc.problems)
        else:
            messages.success(request, _("已保存 %(n)s 个数值") % {"n": n})
            return redirect(f"{request.path}?org={org.code}&period={period}")
    cells, locked = selectors.entry_form(org_unit=org, period=period, elements=elements)
    context = {
        "org": org, "period": period, "cells": cells, "locked": locked, "problems": problems,
        "orgs": selectors.visible_org_units(user=user).exclude(level="facility"),
        "approvals": selectors.approval_list(org_unit=org, period=period),
        "can_edit": may(user, Perm.IMPORT_VALUES) and not locked,
        "can_approve": may(user, Perm.APPROVE_VALUES),
    }  # fmt: skip
    template = "indicators/_entry_form.html" if request.htmx else "indicators/entry.html"
    return render(request, template, context, status=400 if problems else 200)


@login_required
@require_POST
def approve(request: AuthedRequest) -> HttpResponse:
    org = selectors.access_org_unit(user=request.user, code=request.POST.get("org", ""))
    period = _period(request.POST.get("period", ""))
    action = (
        services.approval_withdraw if request.POST.get("action") == "withdraw" else services.approval_approve
    )
    try:
        action(user=request.user, org_unit=org, period=period)
        messages.success(
            request, _("已更新审核状态：%(org)s %(period)s") % {"org": org.name, "period": period}
        )
    except services.ApprovalError as exc:
        messages.error(request, str(exc))
    return redirect(f"/indicators/entry/?org={org.code}&period={period}")


@login_required
def targets(request: AuthedRequest) -> HttpResponse:
    plans = plan_list(user=request.user).filter(indicator_targets__isnull=False).distinct().order_by("pk")
    ref = request.GET.get("plan") or (str(plans[0].pk) if plans else "")
    plan = access_plan(user=request.user, ref=ref) if ref else None
    rows = target_status(targets=list(selectors.target_list(user=request.user, plan=plan.pk))) if plan else []
    visible = set(selectors.visible_org_units(user=request.user).values_list("code", flat=True))
    context = {
        "plans": plans, "plan": plan, "rows": [r for r in rows if r.org_unit in visible],
        "alignment": plan_alignment(plan=plan) if plan else [],
    }  # fmt: skip
    return render(request, "indicators/targets.html", context)


@login_required
def import_values(request: AuthedRequest) -> HttpResponse:
    if not may(request.user, Perm.IMPORT_VALUES):
        raise PermissionDenied(_("无权导入数据"))
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[object] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.values_import(
                file_name=upload.name, data=upload.read(), user=request.user,
                data_element=form.cleaned_data["data_element"] or None,
            )  # fmt: skip
        except services.ValuesRejected as exc:
            problems = list(exc.problems)
        else:
            if result.already_imported:
                messages.success(request, _("该文件此前已导入（内容相同），未作改动"))
            else:
                messages.success(
                    request,
                    _("已导入：新增 %(c)s，更新 %(u)s，未变 %(n)s")
                    % {"c": result.created, "u": result.updated, "n": result.unchanged},
                )
            return redirect("indicators:import")
    context = {"form": form, "problems": problems, "batches": selectors.batch_list(user=request.user)[:20]}
    return render(request, "indicators/import.html", context, status=400 if problems else 200)


@login_required
@require_POST
def target_link(request: AuthedRequest, target_id: int) -> HttpResponse:
    """Link a plan target to a catalogue indicator from the plan's review page (audited like task edits)."""
    target = access_target(user=request.user, target_id=target_id)
    code = (request.POST.get("indicator") or "").strip()
    try:
        linked = target_link_service(target=target, indicator=code, user=request.user)
    except LinkError as exc:
        messages.error(request, str(exc))
    else:
        audit_record(
            actor=request.user, action="target.link", obj=target, details={"indicator": linked.indicator.code}
        )
        messages.success(request, _("已关联指标：%(name)s") % {"name": linked.indicator.name})
    return redirect(f"{reverse('plans:detail', kwargs={'ref': target.plan_id})}#target-{target.pk}")
