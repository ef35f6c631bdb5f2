"""Ledger pages for the whole plan: warning board (预警看板), timeline (挂图作战), Excel export and upload.

The upload is two steps: the file is read and its diff shown (nothing written); the user confirms, and
the same file (kept under ``YIGAI_DATA_DIR/ledger_uploads/``, named in the user's session only) is read
again and applied. If what would be applied changed in between, the new diff is shown instead.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from pathlib import Path

from django.conf import settings
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
from yigai.apps.ledger import board, excel_import, selectors
from yigai.apps.ledger.excel_export import ledger_export
from yigai.apps.ledger.figures import children_rollup
from yigai.apps.ledger.services import lights_ensure
from yigai.apps.ledger.views import COLOUR_CHOICES

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


def _upload_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "ledger_uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(request: AuthedRequest) -> tuple[str, bytes] | None:
    saved = request.session.get(SESSION_KEY) or {}
    token, name = saved.get("token", ""), saved.get("name", "")
    path = _upload_dir() / f"{token}.xlsx"
    if not token.isalnum() or not path.is_file():
        return None
    return name, path.read_bytes()


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    """GET: the upload form; POST: read the file and show its diff (nothing is written yet)."""
    if request.method != "POST":
        return render(request, "ledger/upload.html", {"preview": None})
    upload_file = request.FILES.get("file")
    if upload_file is None:
        messages.error(request, _("请选择要上传的 Excel 文件"))
        return render(request, "ledger/upload.html", {"preview": None}, status=400)
    name, data = upload_file.name or "upload.xlsx", upload_file.read()
    preview = excel_import.preview(user=request.user, file_name=name, data=data)
    if not preview.errors and preview.changes:
        token = secrets.token_hex(16)
        (_upload_dir() / f"{token}.xlsx").write_bytes(data)
        _forget(request)
        request.session[SESSION_KEY] = {"token": token, "name": name}
    status = 400 if preview.errors else 200
    return render(request, "ledger/upload.html", {"preview": preview}, status=status)


def _forget(request: AuthedRequest) -> None:
    saved = request.session.pop(SESSION_KEY, None) or {}
    token = saved.get("token", "")
    if token.isalnum():
        (_upload_dir() / f"{token}.xlsx").unlink(missing_ok=True)


@login_required
@require_POST
def confirm(request: AuthedRequest) -> HttpResponse:
    stored = _stored(request)
    if stored is None:
        messages.error(request, _("没有待确认的上传文件，请重新上传"))
        return redirect("ledger:upload")
    name, data = stored
    again = excel_import.preview(user=request.user, file_name=name, data=data)
    if again.errors or again.digest() != request.POST.get("digest"):
        messages.error(request, _("预览后台账又有变化，请核对下面最新的改动后再确认"))
        return render(request, "ledger/upload.html", {"preview": again}, status=409)
    try:
        done = excel_import.apply(user=request.user, file_name=name, data=data)
    except excel_import.ImportRejected as exc:
        again.errors = exc.errors
        return render(request, "ledger/upload.html", {"preview": again}, status=409)
    _forget(request)
    messages.success(request, excel_import.summary(done, applied=True))
    return render(request, "ledger/upload.html", {"preview": done, "applied": True})
