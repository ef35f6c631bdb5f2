"""The audit-log page (审计管理员 only): filter, page, export as CSV, verify the chain. Every view,
export, verification and refused attempt is itself recorded."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.audit import selectors, services
from yigai.apps.audit.models import Result
from yigai.core.cells import neutralise_row

EXPORT_LIMIT = 100_000


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: AuthedRequest) -> selectors.AuditFilters:
    g = request.GET
    return selectors.AuditFilters(
        username=g.get("username", "").strip(), action=g.get("action", "").strip(),
        result=g.get("result", "") if g.get("result") in Result.values else "",
        date_from=_date(g.get("date_from")), date_to=_date(g.get("date_to")),
    )  # fmt: skip


def _guard(request: AuthedRequest, action: str) -> None:
    try:
        selectors.access_audit_log(user=request.user)
    except PermissionDenied:
        services.audit_record(actor=request.user, action=action, result=Result.DENIED, request=request)
        raise


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    _guard(request, "audit.view")
    filters = _filters(request)
    events = selectors.audit_list(user=request.user, filters=filters)
    if request.GET.get("format") == "csv":
        return _csv(request, events[:EXPORT_LIMIT], filters)
    services.audit_record(actor=request.user, action="audit.view", request=request, details=_asdict(filters))
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "filters": filters, "results": Result.choices})


def _asdict(filters: selectors.AuditFilters) -> dict[str, object]:
    return {k: v for k, v in vars(filters).items() if v}


def _csv(request: AuthedRequest, events: object, filters: selectors.AuditFilters) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv.writer(response)  # every row through neutralise_row: usernames, objects, details are text
    writer.writerow(["seq", "time", "username", "role", "action", "object_type", "object_id", "object",
                     "result", "ip", "user_agent", "details", "hash"])  # fmt: skip
    n = 0
    for e in events:  # type: ignore[attr-defined]  # a queryset of AuditEvent
        n += 1
        writer.writerow(neutralise_row([
            e.seq, timezone.localtime(e.created_at).isoformat(), e.actor_username, e.actor_role, e.action,
            e.object_type, e.object_id, e.object_repr, e.result, e.ip or "", e.user_agent,
            e.details, e.hash,
        ]))  # fmt: skip
    services.audit_record(
        actor=request.user, action="audit.export", request=request, details={**_asdict(filters), "rows": n}
    )
    return response


@login_required
@require_POST
def audit_verify(request: AuthedRequest) -> HttpResponse:
    _guard(request, "audit.verify")
    report = services.audit_verify()
    result = Result.SUCCESS if report.ok else Result.FAILED
    details = {"checked": report.checked, "broken_seq": report.broken.seq if report.broken else None}
    services.audit_record(actor=request.user, action="audit.verify", result=result, details=details)
    if report.broken is None:
        messages.success(request, _("审计链完整：已校验 %(n)s 条记录") % {"n": report.checked})
    else:
        messages.error(request, _("审计链被破坏：%(message)s") % {"message": report.broken.message})
    return redirect("audit:log")
