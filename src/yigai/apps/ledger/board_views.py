"""Ledger pages for the whole plan: warning board (预警看板), timeline (挂图作战), Excel export and upload.

The upload is two background jobs (ADR 0005, :mod:`yigai.apps.ledger.excel_jobs`): the file is read and
its diff shown on the job page (nothing written); the user confirms, and the same file (kept as the
preview job's input, which only its uploader may confirm) is read again and applied by a second job. If
what would be applied changed in between, that job shows the new diff to confirm instead. When the queue
runs jobs at once (tests), the upload and confirm pages show the finished job's result themselves.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.audit.services import audit_record
from yigai.apps.caching.services import fragment, snapshot, visibility_key
from yigai.apps.jobs.models import Job
from yigai.apps.jobs.selectors import own_job
from yigai.apps.jobs.services import JobsBusy, job_create, job_file, job_room_check
from yigai.apps.ledger import board, selectors
from yigai.apps.ledger.excel_export import ledger_export
from yigai.apps.ledger.excel_reading import quick_check
from yigai.apps.ledger.figures import children_rollup
from yigai.apps.ledger.services import lights_ensure
from yigai.apps.ledger.views import COLOUR_CHOICES
from yigai.core.params import db_int

SESSION_KEY = "ledger_upload"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_filters(request: AuthedRequest, plan_id: int) -> selectors.ItemFilters:
    g = request.GET
    return selectors.ItemFilters(
        plan=plan_id, unit=g.get("unit", "").strip(), org_unit=g.get("org_unit", "").strip(),
        parent=g.get("parent", "").strip(),
    )  # fmt: skip


#: What the board shows is read from the ledger, unit names and org units.
BOARD_DATA = ("ledger", "units", "orgunits", "plans")


@login_required
def warning_board(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """The board body is built once per reader visibility, plan, filters and day, and again only after a
    write to what it shows (:mod:`yigai.apps.caching`)."""
    user = request.user
    lights_ensure()  # the day's first read refreshes the stored lights (a write): before the snapshot
    at = snapshot(*BOARD_DATA)  # before anything the page shows is read (ADR 0004)
    plan = board.access_ledger_plan(user=user, plan_id=plan_id)
    f = _plan_filters(request, plan.pk)

    def build() -> str:
        data = board.warning_board(selectors.lights_query(user=user, filters=f))
        context = {"plan": plan, "board": data, "filters": f, "places": board.places_in(plan.pk, user)}
        return render_to_string("ledger/_board.html", context, request=request)

    parts = (visibility_key(user), plan.pk, f.unit, f.org_unit, timezone.localdate())
    content = fragment("warning_board", parts, at, build)
    return render(request, "ledger/board.html", {"plan": plan, "content": content})


@login_required
def timeline(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """Top-level items, a split item's parent coloured by its worst child and expanding (``?parent=``) to
    its places' copies; a chosen place (or ``?children=1``) shows every item."""
    lights_ensure()
    plan = board.access_ledger_plan(user=request.user, plan_id=plan_id)
    f = _plan_filters(request, plan.pk)
    colour = request.GET.get("colour", "").strip()
    items = selectors.lights_query(user=request.user, filters=replace(f, colour=colour))
    top_only = request.GET.get("children") != "1" and not f.org_unit and not f.parent
    if top_only:  # county copies of one task would repeat the same bar; show them when a county is chosen
        items = items.filter(parent__isnull=True)
    rows = items.select_related("lead_unit", "org_unit").prefetch_related("milestones")
    lights = [selectors.ItemLight.stored(i) for i in rows]
    rollups = children_rollup(user=request.user, parents=[x.item.pk for x in lights]) if top_only else {}
    expand = f"{reverse('ledger:timeline', args=[plan.pk])}?parent="
    context = {
        "plan": plan, "filters": f, "colour": colour, "colours": COLOUR_CHOICES, "top_only": top_only,
        "places": board.places_in(plan.pk, request.user), "n": len(lights),
        "chart": board.timeline_data(lights, timezone.localdate(), rollups, expand),
    }  # fmt: skip
    return render(request, "ledger/timeline.html", context)


@login_required
def export(request: AuthedRequest, plan_id: int) -> HttpResponse:
    lights_ensure()
    plan = board.access_ledger_plan(user=request.user, plan_id=plan_id)
    name, data = ledger_export(plan=plan, user=request.user)
    audit_record(
        actor=request.user, action="ledger.export", obj=plan, request=request, details={"file": name}
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = _disposition(name)
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''{quote(name)}"


KINDS = ("ledger_preview", "ledger_apply")


def _pending(request: AuthedRequest) -> Job | None:
    """The user's import job awaiting confirmation: the one the form names, else the session's."""
    raw = request.POST.get("job") or str((request.session.get(SESSION_KEY) or {}).get("job", ""))
    if (pk := db_int(raw)) is None:
        return None
    job = own_job(user=request.user, pk=pk, kinds=KINDS)  # another user's job: 404
    result = job.result or {}
    if not result.get("confirmable") or result.get("confirmed") or not job_file(job).is_file():
        return None
    return job


def _remember(request: AuthedRequest, job: Job) -> None:
    """One pending import per session: a new upload drops the file an earlier preview kept."""
    earlier = _pending(request) if "job" not in request.POST else None
    if earlier is not None and earlier.pk != job.pk:
        job_file(earlier).unlink(missing_ok=True)
    request.session[SESSION_KEY] = {"job": job.pk}


def _shown(request: AuthedRequest, job: Job) -> HttpResponse:
    """The job page, or — when the queue ran the job already (immediate mode) — its result right here."""
    job.refresh_from_db()
    if not job.finished:
        return redirect("jobs:detail", pk=job.pk)
    status = 200 if job.state == Job.State.DONE else (400 if job.kind == "ledger_preview" else 409)
    if job.state == Job.State.DONE and (job.result or {}).get("applied"):
        messages.success(request, job.message)
    elif job.state == Job.State.FAILED and not (job.result or {}).get("preview"):
        messages.error(request, job.message)  # failed before any preview: limits, memory, time
    return render(request, "ledger/upload.html", {"job": job, "mine": True}, status=status)


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    """GET: the upload form; POST: quick checks, then a background job reads the file and shows its diff
    (nothing is written yet)."""
    if request.method != "POST":
        return render(request, "ledger/upload.html", {})
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, _("请选择要上传的 Excel 文件"))
        return render(request, "ledger/upload.html", {}, status=400)
    name, data = upload_file.name or "upload.xlsx", upload_file.read()
    refused = quick_check(file_name=name, data=data)
    if refused:
        messages.error(request, refused)
        return render(request, "ledger/upload.html", {}, status=400)
    try:
        job = job_create(kind="ledger_preview", user=request.user, file_name=name, data=data, params={})
    except JobsBusy as exc:
        messages.error(request, exc.message)
        return render(request, "ledger/upload.html", {}, status=429)
    _remember(request, job)
    return _shown(request, job)


@login_required
@require_POST
def confirm(request: AuthedRequest) -> HttpResponse:
    """Hand the confirmed preview's file to an apply job (the preview is used up: one confirm each)."""
    preview_job = _pending(request)
    if preview_job is None:
        messages.error(request, _("没有待确认的上传文件，请重新上传"))
        return redirect("ledger:upload")
    try:  # before the preview's file is handed over: a full queue leaves it confirmable
        job_room_check(user=request.user)
    except JobsBusy as exc:
        messages.error(request, exc.message)
        return render(request, "ledger/upload.html", {"job": preview_job, "mine": True}, status=429)
    path = job_file(preview_job)
    data = path.read_bytes()
    path.unlink()
    preview_job.result = {**preview_job.result, "confirmed": True}
    preview_job.save(update_fields=["result", "updated_at"])
    job = job_create(
        kind="ledger_apply", user=request.user, file_name=preview_job.file_name, data=data,
        params={"digest": request.POST.get("digest", ""), "preview": preview_job.pk},
    )  # fmt: skip
    request.session[SESSION_KEY] = {"job": job.pk}  # confirmable in its turn if the diff moved
    return _shown(request, job)
