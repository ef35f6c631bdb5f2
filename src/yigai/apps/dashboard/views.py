"""Dashboard pages: the leader's overview with the map, map data (JSON), scorecards (+ Excel), the briefing.

Each view parses input, calls one selector or builder, renders (CONVENTIONS.md §4). The scope (which org
unit is shown) always comes from :func:`~.inputs.access_scope`: the user's own or one inside it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import Role
from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.assessment.selectors import latest_frozen
from yigai.apps.audit.services import audit_record
from yigai.apps.caching.services import cached, fragment, snapshot, visibility_key
from yigai.apps.dashboard import geo, mapdata, scorecards
from yigai.apps.dashboard.briefing import briefing_docx
from yigai.apps.dashboard.inputs import access_scope, areas_below, collect, targets_in
from yigai.apps.dashboard.summary import summarise, target_counts
from yigai.apps.indicators.computing import completeness_threshold
from yigai.apps.indicators.status import StatusRow
from yigai.apps.ledger.board import ledger_plans, sees_plan
from yigai.apps.ledger.services import lights_ensure
from yigai.core.params import db_int

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: leaders start on the dashboard, whoever has a 待办 on it, everyone else on the
    plan list."""
    from yigai.apps.todo.selectors import has_todo

    user = request.user
    if user.is_authenticated and getattr(user, "role", "") == Role.LEADER:
        return redirect("dashboard:index")
    if user.is_authenticated and has_todo(user):
        return redirect("todo:index")
    return redirect("plans:list")


def _plan(request: AuthedRequest) -> int | None:
    pk = db_int(request.GET.get("plan"))
    if pk is None:
        return None
    return pk if sees_plan(user=request.user, plan_id=pk) else None


#: What the dashboard shows is read from these kinds of data (their generations key the cached body).
DASHBOARD_DATA = ("ledger", "plans", "indicators", "orgunits", "units")
#: The indicator side alone (target status, the map's choices): a ledger write does not rebuild it.
INDICATOR_DATA = ("plans", "indicators", "orgunits")


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The dashboard body is built once per reader visibility, scope, plan and day, and again only after a
    write to what it shows (:mod:`yigai.apps.caching`): leaders open it far more often than items change.
    Its indicator side is cached apart, so a progress report rebuilds only the ledger side."""
    user = request.user
    lights_ensure()  # the day's first read refreshes the stored lights (a write): before the snapshot
    at = snapshot(*DASHBOARD_DATA)  # before anything the page shows is read (ADR 0004)
    scope = access_scope(user=user, code=request.GET.get("org", ""))
    plan = _plan(request)
    today, seen = timezone.localdate(), visibility_key(user)
    final = completeness_threshold()  # which values are final changes every figure on the page

    def targets() -> list[StatusRow]:
        return targets_in(user=user, scope=scope, plan=plan, today=today)

    def choices() -> dict[str, Any]:
        return {
            "indicators": [{"code": i.code, "name": i.name} for i in mapdata.indicator_choices()],
            "targets": mapdata.target_menu(user=user),
        }

    def build() -> str:
        indicator_side = at.only(*INDICATOR_DATA)
        rows = cached("dashboard_targets", (seen, scope.pk, plan, today, final), indicator_side, targets)
        summary = summarise(collect(user=user, scope=scope, plan=plan, targets=rows))
        map_config = {
            "scope": scope.code, "plan": plan or "",
            "geoUrl": reverse("dashboard:geometry"), "dataUrl": reverse("dashboard:map_data"),
            **cached("dashboard_choices", (seen,), indicator_side, choices),
        }  # fmt: skip
        own = access_scope(user=user)
        context = {
            "summary": summary, "scope": scope, "plan": plan, "plans": ledger_plans(user=user),
            "targets": target_counts(summary.total), "overdue": summary.overdue(15), "map_config": map_config,
            "up": scope.parent if scope.pk != own.pk and scope.parent_id else None,
        }  # fmt: skip
        return render_to_string("dashboard/_content.html", context, request=request)

    content = fragment("dashboard", (seen, scope.pk, plan, today, final), at, build)
    assessment = latest_frozen(user=user)  # outside the cached body: a freeze is not one of its data
    return render(
        request, "dashboard/index.html", {"content": content, "scope": scope, "assessment": assessment}
    )


@login_required
def map_data(request: AuthedRequest) -> JsonResponse:
    """The map's colours and texts (the dashboard page asks on every view), cached like the page."""
    g, user = request.GET, request.user
    lights_ensure()
    at = snapshot(*DASHBOARD_DATA)
    scope = access_scope(user=user, code=g.get("org", ""))
    mode = g.get("mode", "warning")
    indicator = g.get("indicator", "") if mode == "indicator" else ""  # the others do not change the answer
    target = g.get("target", "") if mode == "target" else ""
    parts = (
        visibility_key(user),
        scope.pk,
        mode,
        indicator,
        target,
        timezone.localdate(),
        completeness_threshold(),
    )

    def build() -> dict[str, Any]:
        return mapdata.map_payload(user=user, scope=scope, mode=mode, indicator=indicator, target=target)

    try:
        payload = cached("map_data", parts, at, build)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


@login_required
def geometry(request: AuthedRequest) -> JsonResponse:
    """Boundaries (示意图) of the areas below a scope the user may see."""
    scope = access_scope(user=request.user, code=request.GET.get("org", ""))
    data = geo.collection([o.code for o in areas_below(scope)])
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def scorecard_page(request: AuthedRequest) -> HttpResponse:
    scope = access_scope(user=request.user, code=request.GET.get("org", ""))
    by = "unit" if request.GET.get("by") == "unit" else "area"
    sort = request.GET.get("sort", "")
    rows = scorecards.scorecard_rows(summarise(collect(user=request.user, scope=scope)), by=by, sort=sort)
    context = {"scope": scope, "by": by, "sort": sort, "rows": rows, "columns": scorecards.COLUMNS}
    return render(request, "dashboard/scorecards.html", context)


@login_required
def scorecard_export(request: AuthedRequest) -> HttpResponse:
    scope = access_scope(user=request.user, code=request.GET.get("org", ""))
    data = scorecards.scorecard_xlsx(summarise(collect(user=request.user, scope=scope)))
    audit_record(actor=request.user, action="scorecards.export", request=request, details={"org": scope.code})
    return _attachment(data, XLSX, _("考核评分表_%(name)s.xlsx") % {"name": scope.name}, "scorecards.xlsx")


@login_required
def briefing(request: AuthedRequest) -> HttpResponse:
    scope, plan = access_scope(user=request.user, code=request.GET.get("org", "")), _plan(request)
    # a plan's briefing counts that plan alone: its subtitle says which, as `yigai report briefing --plan` does
    title = next((p.title or p.source for p in ledger_plans(user=request.user) if p.pk == plan), "")
    result = briefing_docx(collect(user=request.user, scope=scope, plan=plan), plan_title=title)
    audit_record(actor=request.user, action="briefing.export", request=request,
                 details={"org": scope.code, "plan": plan})  # fmt: skip
    return _attachment(result.data, DOCX, _("工作简报_%(name)s.docx") % {"name": scope.name}, "briefing.docx")


def _attachment(data: bytes, content_type: str, name: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response
