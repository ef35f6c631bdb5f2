"""Ledger pages: the plans' ledgers, one plan's items with filters, one item with its history and the
actions its reader may take. Each view parses, calls one selector or service, renders (CONVENTIONS.md §4).

Items reach a view only through :func:`access_item`; a save that hits a version conflict re-renders the
item page with the other person's values next to what the user typed, which stays in the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.audit.services import audit_record
from yigai.apps.caching.services import cached, fragment, snapshot, visibility_key
from yigai.apps.ledger import adapters, board, selectors, services
from yigai.apps.ledger.figures import children_rollup
from yigai.apps.ledger.models import LedgerItem, ProgressReport
from yigai.apps.ledger.services import lights_ensure
from yigai.core.ledger import Action, Role, Status, TransitionError, allowed_actions
from yigai.core.ledger.workflow import REASON_REQUIRED
from yigai.core.params import db_int
from yigai.core.permissions import Perm, may

COLOUR_CHOICES = (("red", _lazy("红")), ("orange", _lazy("橙")), ("yellow", _lazy("黄")), ("blue", _lazy("蓝")),
                  ("green", _lazy("绿")), ("grey", _lazy("灰（已销号、已撤销）")))  # fmt: skip


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "ledger/index.html", {"plans": board.ledger_plans(user=request.user)})


def _filters(request: AuthedRequest, plan_id: int) -> tuple[selectors.ItemFilters, str]:
    g = request.GET
    colour = g.get("colour", "").strip()
    f = selectors.ItemFilters(
        plan=plan_id, unit=g.get("unit", "").strip(), org_unit=g.get("org_unit", "").strip(),
        status=g.get("status", "").strip(), q=g.get("q", "").strip(), colour=colour,
        parent=g.get("parent", "").strip(),
    )  # fmt: skip
    return f, colour


#: What a ledger list shows is read from these kinds of data (their generations key the cached rows).
LIST_DATA = ("ledger", "units", "orgunits", "plans")


@login_required
def item_list(request: AuthedRequest, plan_id: int) -> HttpResponse:
    """One plan's items, filtered and paged. The rows (and the place filter's choices) are built once per
    reader visibility, plan, query and day, and again after a write to what they show (ADR 0004)."""
    user = request.user
    lights_ensure()  # the day's first read refreshes the stored lights (a write): before the snapshot
    at = snapshot(*LIST_DATA)  # before anything the page shows is read (ADR 0004)
    plan = board.access_ledger_plan(user=user, plan_id=plan_id)
    f, colour = _filters(request, plan.pk)
    seen, query = visibility_key(user), sorted(request.GET.items())

    def rows() -> str:
        page = Paginator(selectors.lights_query(user=user, filters=f), 50).get_page(request.GET.get("page"))
        shown: Any = page  # the rows shown become their lights (a Page is typed by what it paginates)
        shown.object_list = selectors.light_rows(cast(QuerySet[LedgerItem], page.object_list))
        rollups = children_rollup(user=user, parents=[x.item.pk for x in shown.object_list])
        for x in shown.object_list:  # a split item's parent shows its children's worst light, red count
            x.item.children_rollup = rollups.get(x.item.pk)
        return render_to_string("ledger/_rows.html", {"page": page}, request=request)

    if f.q or f.unit:  # free text: each keystroke would be a new entry nobody asks for again
        content = rows()
    else:
        content = fragment("ledger_rows", (seen, plan.pk, query, timezone.localdate()), at, rows)
    if request.htmx:
        return HttpResponse(content)
    places = cached("ledger_places", (seen, plan.pk), at, lambda: board.places_in(plan.pk, user))
    context = {
        "plan": plan, "filters": f, "colour": colour, "colours": COLOUR_CHOICES, "rows": content,
        "statuses": [*LedgerItem._meta.get_field("status").choices, ("overdue", _("已逾期"))],  # type: ignore[misc]
        "places": places,
    }  # fmt: skip
    return render(request, "ledger/items.html", context)


def _role(request: AuthedRequest, item: LedgerItem) -> Role | None:
    try:
        return selectors.item_role(user=request.user, item=item)
    except (PermissionDenied, ValueError):
        return None


def _actions(item: LedgerItem, role: Role | None) -> list[dict[str, Any]]:
    if role is None:
        return []
    found = []
    for action in allowed_actions(adapters.item_state(item), role):
        if action is Action.REPORT_PROGRESS:
            continue  # the report form below
        found.append({"value": action.value, "label": action.label, "reason": action in REASON_REQUIRED,
                      "date": action is Action.REQUEST_EXTENSION,
                      "danger": action in (Action.RETURN, Action.WITHDRAW, Action.REJECT_EXTENSION)})  # fmt: skip
    return found


def _reports(item: LedgerItem) -> list[tuple[ProgressReport, str, list[Any]]]:
    """Each report with the unit that wrote it, named of its place (廊坊市卫生健康委, not 市卫生健康委)."""
    evidence = list(item.evidence.all())
    rows = item.reports.select_related("unit", "item__org_unit", "submitted_by__org_unit")
    return [(r, adapters.report_author(r), [e for e in evidence if e.report_id == r.pk]) for r in rows]


def _history(item: LedgerItem) -> list[dict[str, Any]]:
    labels = {a.value: a.label for a in Action}
    statuses = {s.value: s.label for s in Status}
    return [{"t": t, "action": labels.get(t.action, t.action), "from": statuses.get(t.from_status, ""),
             "to": statuses.get(t.to_status, "")} for t in item.transitions.all()]  # fmt: skip


def _item_context(request: AuthedRequest, item: LedgerItem, **extra: Any) -> dict[str, Any]:
    user, role = request.user, _role(request, item)
    can_report = may(user, Perm.REPORT) and (
        role is Role.UNIT_REPORTER or selectors.is_co_reporter(user=user, item=item)
    )
    return {
        "item": item, "light": selectors.item_warning(item=item), "unit": adapters.place_unit(item),
        "co_units": adapters.co_unit_names(item), "role": role, "actions": _actions(item, role), "can_report": can_report and item.status not in ("closed", "withdrawn"),
        "can_issue": may(user, Perm.SUPERVISE), "can_reply": may(user, Perm.REPORT),
        "reports": _reports(item), "loose_evidence": item.evidence.filter(report__isnull=True),
        "transitions": _history(item), "notices": item.notices.select_related("issued_by", "replied_by"),
        "milestones": item.milestones.all(), "today": timezone.localdate(),
        "reply_default": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "typed": {}, "conflict": None, **extra,
    }  # fmt: skip


@login_required
def item_detail(request: AuthedRequest, code: str) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_id=code)
    return render(request, "ledger/item.html", _item_context(request, item))


def _version(request: AuthedRequest) -> int | None:
    return db_int(request.POST.get("version"))


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _refused(request: AuthedRequest, item: LedgerItem, exc: Exception, typed: dict[str, str]) -> HttpResponse:
    """Re-render the item page keeping what the user typed; on a conflict, show the stored values too."""
    fresh = selectors.access_item(user=request.user, item_id=item.pk)
    if isinstance(exc, services.Conflict):
        context = _item_context(request, fresh, typed=typed, conflict=exc)
        return render(request, "ledger/item.html", context, status=409)
    messages.error(request, str(exc) or _("无权办理此操作"))
    return render(request, "ledger/item.html", _item_context(request, fresh, typed=typed), status=400)


REFUSALS = (services.LedgerError, TransitionError, PermissionDenied)


@login_required
@require_POST
def item_action(request: AuthedRequest, code: str) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_id=code)
    p = request.POST
    typed = {
        "action": p.get("action", ""),
        "reason": p.get("reason", ""),
        "new_deadline": p.get("new_deadline", ""),
    }
    try:
        services.item_transition(
            item=item, action=typed["action"], user=request.user, expected_version=_version(request),
            reason=typed["reason"] or None, new_deadline=_date(typed["new_deadline"]),
        )  # fmt: skip
    except REFUSALS as exc:
        return _refused(request, item, exc, typed)
    messages.success(request, _("已办理：%(action)s") % {"action": Action(typed["action"]).label})
    return redirect("ledger:item", code=item.code)


@login_required
@require_POST
def item_report(request: AuthedRequest, code: str) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_id=code)
    p = request.POST
    typed = {"text": p.get("text", ""), "percent": p.get("percent", "")}
    files = [(f.name or "upload", f.read()) for f in request.FILES.getlist("files")]
    percent = db_int(typed["percent"])
    try:
        services.progress_report_submit(
            item=item, user=request.user, text=typed["text"], percent=percent,
            expected_version=_version(request), files=files,
        )  # fmt: skip
    except REFUSALS as exc:
        return _refused(request, item, exc, typed)
    messages.success(request, _("进展已报送"))
    return redirect("ledger:item", code=item.code)


@login_required
@require_POST
def notice_issue(request: AuthedRequest, code: str) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_id=code)
    typed = {"content": request.POST.get("content", ""), "reply_by": request.POST.get("reply_by", "")}
    reply_by = _date(typed["reply_by"])
    try:
        if reply_by is None:
            raise services.LedgerError(_("请填写回复期限（日期）"), "reply_by")
        services.notice_issue(item=item, user=request.user, content=typed["content"], reply_by=reply_by)
    except REFUSALS as exc:
        return _refused(request, item, exc, typed)
    messages.success(request, _("督办单已下发"))
    return redirect("ledger:item", code=item.code)


@login_required
@require_POST
def notice_reply(request: AuthedRequest, code: str, notice_id: int) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_id=code)
    notice = item.notices.filter(pk=notice_id).first()
    if notice is None:
        raise Http404(_("找不到该督办单"))
    typed = {"reply": request.POST.get("reply", ""), "notice": str(notice_id)}
    try:
        services.notice_reply(notice=notice, user=request.user, reply=typed["reply"])
    except REFUSALS as exc:
        return _refused(request, item, exc, typed)
    messages.success(request, _("已回复督办单"))
    return redirect("ledger:item", code=item.code)


@login_required
def evidence_download(request: AuthedRequest, evidence_id: int) -> FileResponse:
    ev = selectors.access_evidence(user=request.user, evidence_id=evidence_id)
    path = services.evidence_path(ev)
    if not path.is_file():
        raise Http404(_("文件已不在存储中，请联系管理员"))
    audit_record(actor=request.user, action="evidence.download", obj=ev, request=request)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=ev.original_name, content_type=ev.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
