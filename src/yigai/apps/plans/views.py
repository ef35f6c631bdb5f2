"""Plan pages: each view parses input, calls one selector or service, renders (CONVENTIONS.md §4)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yigai.apps import publishing
from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.caching.services import Snapshot, fragment, snapshot
from yigai.apps.indicators.services.targets import target_suggest
from yigai.apps.jobs.services import JobsBusy, job_create
from yigai.apps.orgunits.selectors import orgunit_list
from yigai.apps.plans import selectors, services
from yigai.apps.plans.forms import (
    ImportForm,
    LinkForm,
    RegionForm,
    SplitForm,
    TargetForm,
    TaskForm,
    split_units,
)
from yigai.apps.plans.models import Plan, Target
from yigai.apps.plans.services.imports import DOCUMENT_EXTENSIONS
from yigai.apps.plans.services.review import ReviewError
from yigai.core.indicators import Suggestion
from yigai.core.params import db_int
from yigai.core.permissions import Perm, may


@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    plans = selectors.plan_list(user=request.user)
    return render(request, "plans/list.html", {"plans": plans})


@login_required
def plan_import(request: AuthedRequest) -> HttpResponse:
    if not may(request.user, Perm.PUBLISH_PLANS):
        raise PermissionDenied(_("无权导入方案"))
    places = selectors.region_choices(user=request.user)
    form = ImportForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:  # the quick checks answer at once; the parse runs as a background job (ADR 0005)
            name = services.document_check(name=upload.name, data=data, quick=True)
        except services.ImportRejected as exc:
            form.add_error("file", exc.message)
        else:
            region = form.cleaned_data.get("region")
            try:
                job = job_create(kind="plan_import", user=request.user, file_name=name, data=data,
                                 params={"region": region.pk if region else None})  # fmt: skip
            except JobsBusy as exc:
                form.add_error("file", exc.message)
                return render(request, "plans/import.html", {"form": form}, status=429)
            job.refresh_from_db()
            if job.state == job.State.DONE:  # the queue ran it already (immediate mode)
                messages.success(request, job.message)
                return redirect(job.result_url)
            if job.state == job.State.FAILED:
                form.add_error("file", job.message)
            else:
                return redirect("jobs:detail", pk=job.pk)
    context = {"form": form, "accept": ",".join(DOCUMENT_EXTENSIONS),
               "max_mb": f"{settings.MAX_UPLOAD_BYTES / 1048576:g}"}  # fmt: skip
    return render(request, "plans/import.html", context, status=400 if form.errors else 200)


#: The task outline is read from plans (tasks, sections, targets, unit links) and unit names.
OUTLINE_DATA = ("plans", "units")


def _suggest(target: Target) -> list[Suggestion]:
    return target_suggest(target=target)


def _detail_context(request: AuthedRequest, plan: Plan, at: Snapshot) -> dict[str, object]:
    user = request.user
    can_edit = selectors.may_change_plan(user=user, plan=plan)
    # the tasks this reader may see (the API's selector): the outline is cached per visible set
    visible = list(selectors.plan_tasks(user=user, plan=plan).values_list("pk", flat=True))
    scope = hashlib.sha256(",".join(map(str, visible)).encode()).hexdigest()[:16]
    context: dict[str, object] = {
        "plan": plan,
        "can_edit": can_edit,
        "can_publish": selectors.may_change_plan(user=user, plan=plan, publish=True),
        "n_tasks": len(visible),
        "n_targets": plan.n_targets,  # type: ignore[attr-defined]
    }
    context["targets"] = selectors.plan_targets(plan=plan, suggest=_suggest if can_edit else None)
    context["hints"] = selectors.plan_hints(plan=plan)
    if can_edit:
        candidates = selectors.plan_list(user=user).exclude(pk=plan.pk)
        context["link_form"] = LinkForm(initial={"parent": plan.implements_id}, candidates=candidates)
        context["target_form"] = TargetForm(plan=plan, auto_id="new-target-%s")
        if plan.status != "published":
            places = selectors.region_choices(user=user)
            context["region_form"] = RegionForm(initial={"org_unit": plan.org_unit_id}, places=places)

    def outline() -> str:  # the same for every reader who may open the plan, but for the edit controls
        rows = selectors.plan_outline(plan=plan, user=user)
        return render_to_string(
            "plans/_outline.html", {"outline": rows, "can_edit": can_edit}, request=request
        )

    context["outline_html"] = fragment("plan_outline", (plan.pk, can_edit, scope), at, outline)
    return context


@login_required
def plan_detail(request: AuthedRequest, ref: str) -> HttpResponse:
    at = snapshot(*OUTLINE_DATA)  # before the plan is read (ADR 0004)
    plan = selectors.access_plan(user=request.user, ref=ref)
    return render(request, "plans/detail.html", _detail_context(request, plan, at))


@login_required
def plan_preview(request: AuthedRequest, ref: str) -> HttpResponse:
    """What publishing would make: items per unit, what cannot be assigned, why it cannot be published yet."""
    plan = selectors.access_plan(user=request.user, ref=ref, for_publish=True)
    return render(
        request, "plans/preview.html", {"plan": plan, "preview": publishing.publish_preview(plan=plan)}
    )


@login_required
@require_POST
def plan_region(request: AuthedRequest, ref: str) -> HttpResponse:
    plan = selectors.access_plan(user=request.user, ref=ref, for_edit=True)
    form = RegionForm(request.POST, places=selectors.region_choices(user=request.user))
    if not form.is_valid():
        messages.error(request, _("请选择有效的行政区划"))
        return redirect("plans:detail", ref=plan.pk)
    try:
        services.plan_set_region(plan=plan, org_unit=form.cleaned_data["org_unit"], actor=request.user)
        messages.success(request, _("已更新方案所属行政区划：%(place)s") % {"place": plan.org_unit.name})
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("plans:detail", ref=plan.pk)


def _target_fields(data: dict[str, object]) -> dict[str, object]:
    keys = ("indicator", "comparator", "value", "value_max", "unit", "year", "scope", "quote", "task")
    return {k: data.get(k) for k in keys}


@login_required
def target_edit(request: AuthedRequest, target_id: int) -> HttpResponse:
    target = selectors.access_target(user=request.user, target_id=target_id)
    form = TargetForm(request.POST or None, plan=target.plan, initial=TargetForm.initial_for(target))
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(target=target, actor=request.user, **_target_fields(form.cleaned_data))
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存目标：%(name)s") % {"name": target.indicator})
            return redirect(f"{reverse('plans:detail', kwargs={'ref': target.plan_id})}#target-{target.pk}")
    return render(request, "plans/target_edit.html", {"target": target, "form": form})


@login_required
@require_POST
def target_add(request: AuthedRequest, ref: str) -> HttpResponse:
    plan = selectors.access_plan(user=request.user, ref=ref, for_edit=True)
    form = TargetForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            target = services.target_add(plan=plan, actor=request.user, **_target_fields(form.cleaned_data))
        except ReviewError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已添加目标：%(name)s") % {"name": target.indicator})
            return redirect(f"{reverse('plans:detail', kwargs={'ref': plan.pk})}#target-{target.pk}")
    else:
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("目标未添加：%(errors)s") % {"errors": errors})
    return redirect(f"{reverse('plans:detail', kwargs={'ref': plan.pk})}#targets")


@login_required
@require_POST
def target_delete(request: AuthedRequest, target_id: int) -> HttpResponse:
    target = selectors.access_target(user=request.user, target_id=target_id)
    plan_id, name = target.plan_id, target.indicator
    services.target_delete(target=target, actor=request.user)
    messages.success(request, _("已删除目标：%(name)s") % {"name": name})
    return redirect(f"{reverse('plans:detail', kwargs={'ref': plan_id})}#targets")


@login_required
@require_POST
def plan_publish(request: AuthedRequest, ref: str) -> HttpResponse:
    plan = selectors.access_plan(user=request.user, ref=ref, for_publish=True)
    try:
        n = publishing.plan_publish(plan=plan, actor=request.user)
    except publishing.PublishRefused as exc:
        for reason in exc.reasons:
            messages.error(request, reason)
        return redirect("plans:preview", ref=plan.pk)
    messages.success(request, _("已发布：%(plan)s（生成责任分解 %(n)s 条）") % {"plan": plan, "n": n})
    return redirect("plans:detail", ref=plan.pk)


@login_required
@require_POST
def plan_link(request: AuthedRequest, ref: str) -> HttpResponse:
    plan = selectors.access_plan(user=request.user, ref=ref, for_edit=True)
    parent_ref = request.POST.get("parent") or ""
    parent = selectors.access_plan(user=request.user, ref=parent_ref) if parent_ref else None
    try:
        services.plan_link_parent(plan=plan, parent=parent)
        messages.success(request, _("已更新上级方案"))
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("plans:detail", ref=plan.pk)


@login_required
def task_edit(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, task_id=task_id, for_edit=True)
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.task_update(
            task=task, section=data.pop("section"),
            lead_units=split_units(data.pop("lead_units")), co_units=split_units(data.pop("co_units")),
            **{k: data[k] for k in ("number", "title", "text", "deadline", "deadline_text")},
        )  # fmt: skip
        if request.htmx:
            return render(request, "plans/_task.html", {"task": task, "can_edit": True})
        messages.success(request, _("已保存"))
        return redirect("plans:detail", ref=task.plan_id)
    template = "plans/_task_form.html" if request.htmx else "plans/task_edit.html"
    return render(request, template, {"task": task, "form": form})


@login_required
def task_card(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, task_id=task_id)
    return render(request, "plans/_task.html", {"task": task, "can_edit": True})


@login_required
def task_split(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = selectors.access_task(user=request.user, task_id=task_id, for_edit=True)
    form = SplitForm(request.POST or None, initial={"parts": task.text})
    if request.method == "POST" and form.is_valid():
        try:
            parts = services.task_split(task=task, texts=form.texts())
        except ReviewError as exc:
            form.add_error("parts", str(exc))
        else:
            messages.success(request, _("已拆分为 %(n)s 项任务") % {"n": len(parts)})
            return redirect("plans:detail", ref=task.plan_id)
    return render(request, "plans/task_split.html", {"task": task, "form": form})


@login_required
@require_POST
def task_merge(request: AuthedRequest, ref: str) -> HttpResponse:
    plan = selectors.access_plan(user=request.user, ref=ref, for_edit=True)
    ids = [i for i in map(db_int, request.POST.getlist("task")) if i is not None]
    tasks = list(
        selectors.task_list(user=request.user, filters=selectors.TaskFilters(plan=plan.pk)).filter(pk__in=ids)
    )
    try:
        merged = services.task_merge(tasks=tasks)
        messages.success(request, _("已合并为任务 %(number)s") % {"number": merged.number or merged.pk})
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("plans:detail", ref=plan.pk)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.TaskFilters(
        plan=db_int(g.get("plan")),
        unit=g.get("unit", "").strip(), org_unit=g.get("org_unit", "").strip(),
        deadline_from=_date(g.get("deadline_from")), deadline_to=_date(g.get("deadline_to")),
        section=g.get("section", "").strip(), q=g.get("q", "").strip(),
    )  # fmt: skip
    tasks = selectors.task_list(user=request.user, filters=filters)
    page = Paginator(tasks, 50).get_page(g.get("page"))
    context = {"page": page, "filters": filters, "org_units": orgunit_list().exclude(level="facility")}
    template = "plans/_task_rows.html" if request.htmx else "plans/tasks.html"
    return render(request, template, context)
