"""Ledger API: items (scoped), detail with ETag, transitions and progress reports with If-Match,
evidence download (only through access_item), warnings. Each endpoint parses, calls one service or
selector, and renders (CONVENTIONS.md §4).

Concurrency: the detail answer carries ``ETag: "<version>"``; writes must send ``If-Match`` with it —
428 when missing, 412 (with the current values) when stale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from ninja import File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator, Field

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.audit.services import audit_record
from yigai.apps.ledger import adapters, selectors, services
from yigai.apps.ledger.models import LedgerItem
from yigai.core.ledger import TransitionError, allowed_actions
from yigai.core.params import db_int

router = Router(tags=["工作台账"])

# Integers that reach the database stay within its range (a larger one is a 422, not a server error).
DbInt = Annotated[int, Field(ge=0, le=2**63 - 1)]
EARLIEST_ON = dt.date(2000, 1, 1)
YEARS_AHEAD = 10


def _evaluation_day(day: dt.date) -> dt.date:
    """The ledger evaluated "as of" a day computes every report expected up to it: a day centuries away
    would hold a worker for seconds per request, and means nothing for a plan."""
    latest = dt.date.today().replace(month=1, day=1) + dt.timedelta(days=366 * (YEARS_AHEAD + 1))
    if not EARLIEST_ON <= day < latest:
        raise ValueError(f"评估日期应在 {EARLIEST_ON} 至 {latest - dt.timedelta(days=1)} 之间")
    return day


EvalDate = Annotated[dt.date, AfterValidator(_evaluation_day)]
T = TypeVar("T")


class ItemOut(Schema):
    id: int
    code: str
    plan_id: int
    parent_code: str | None
    title: str
    lead_unit: str | None
    responsible_unit: str
    co_units: list[str]
    org_unit: str
    deadline: dt.date
    status: str
    status_label: str
    progress: int | None
    colour: str
    warning: str
    reason: str
    overdue: bool = Field(description="已逾期（完成时限已过且未销号、未撤销；待审核的事项也算）")
    overdue_workdays: int = Field(description="逾期工作日数")
    reports_due: int = Field(description="应报次数（截至当日已到报送期限或已报送的报送期）")
    reports_on_time: int
    reports_late: int
    reports_missing: int = Field(description="漏报：报送期限已过仍未报送的报送期数")
    version: int


class ItemQuery(Schema):
    plan: DbInt | None = None
    unit: str = ""
    org_unit: str = ""
    status: str = ""
    colour: str = ""
    q: str = ""
    on: EvalDate | None = None
    limit: DbInt = 200
    offset: DbInt = 0


class TransitionIn(Schema):
    action: str
    reason: str | None = None
    new_deadline: dt.date | None = None


def _row(light: selectors.ItemLight) -> dict[str, Any]:
    i, w = light.item, light.warning
    return {
        "id": i.pk, "code": i.code, "plan_id": i.ledger.plan_id, "parent_code": i.parent.code if i.parent else None,
        "title": i.title, "lead_unit": i.lead_unit.name if i.lead_unit else None,
        "responsible_unit": adapters.place_unit(i), "co_units": [u.name for u in i.co_units.all()],
        "org_unit": i.org_unit.name, "deadline": i.deadline, "status": i.status,
        "status_label": light.status_label, "progress": i.progress, "colour": w.colour, "warning": w.label,
        "reason": w.reason, "overdue": light.overdue, "overdue_workdays": light.overdue_workdays,
        "reports_due": light.reports.due, "reports_on_time": light.reports.on_time,
        "reports_late": light.reports.late, "reports_missing": light.reports.missing, "version": i.version,
    }  # fmt: skip


def _value_row(r: dict[str, Any]) -> dict[str, Any]:
    """:func:`_row` from the stored values of a list page (:func:`selectors.light_values`)."""
    return {
        "id": r["pk"], "code": r["code"], "plan_id": r["ledger__plan_id"], "parent_code": r["parent__code"],
        "title": r["title"], "lead_unit": r["lead_unit__name"],
        "responsible_unit": adapters.place_unit_name(r["lead_unit__name"], r["org_unit__name"], r["org_unit__level"]),
        "co_units": r["co_units"], "org_unit": r["org_unit__name"], "deadline": r["deadline"], "status": r["status"],
        "status_label": r["status_shown"], "progress": r["progress"], "colour": r["light_colour"],
        "warning": r["light_label"], "reason": r["light_reason"], "overdue": r["overdue"],
        "overdue_workdays": r["overdue_workdays"],
        "reports_due": r["reports_on_time"] + r["reports_late"] + r["reports_missing"],
        "reports_on_time": r["reports_on_time"], "reports_late": r["reports_late"],
        "reports_missing": r["reports_missing"], "version": r["version"],
    }  # fmt: skip


@contextmanager
def _refusals() -> Iterator[None]:
    """Service refusals → HTTP: 403 not allowed, 400 rule/input (a stale version is answered by _write)."""
    try:
        yield
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "无权办理") from exc
    except services.Conflict:
        raise
    except TransitionError as exc:  # the permission table refuses the role: 403, like PermissionDenied
        raise HttpError(403 if exc.code == "role" else 400, str(exc)) from exc
    except services.LedgerError as exc:
        raise HttpError(400, str(exc)) from exc


def _respond(request: HttpRequest, body: dict[str, Any], status: int) -> HttpResponse:
    """A JSON answer encoded as ninja's default renderer does (dates, decimals), without reaching for the
    API object this router is mounted on."""
    return JsonResponse(body, status=status, encoder=NinjaJSONEncoder)


def _version(request: AuthedRequest) -> int:
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise HttpError(428, "缺少 If-Match 请求头：请先读取事项（ETag 即版本号）再提交")
    digits = raw.removeprefix("W/").strip('"')
    if (version := db_int(digits)) is None or digits != digits.strip():
        raise HttpError(400, f"If-Match 须为事项版本号（ETag），现为 {raw}")
    return version


def _page(request: AuthedRequest, f: selectors.ItemFilters, limit: int, offset: int) -> list[dict[str, Any]]:
    """One page of items with their lights: today's paginated in SQL, another day's evaluated."""
    limit, offset = min(max(limit, 1), 1000), max(offset, 0)
    services.lights_ensure()  # the stored evaluations, up to date, before the selectors read them
    if selectors.is_today(f.on):
        rows = selectors.lights_query(user=request.user, filters=f)[offset : offset + limit]
        return [_value_row(r) for r in selectors.light_values(rows)]
    return [_row(x) for x in selectors.warnings_for(user=request.user, filters=f)[offset : offset + limit]]


@router.get(
    "/ledger/items",
    response=list[ItemOut],
    summary="台账事项（按权限范围；可按方案、单位、状态、预警颜色筛选；每页 limit 条（默认 200，最大 1000），offset 翻页）",
)
def items_list(request: AuthedRequest, query: Query[ItemQuery]) -> list[dict[str, Any]]:
    f = selectors.ItemFilters(plan=query.plan, unit=query.unit, org_unit=query.org_unit, status=query.status,
                              q=query.q, on=query.on, colour=query.colour)  # fmt: skip
    return _page(request, f, query.limit, query.offset)


@router.get(
    "/ledger/warnings",
    response=list[ItemOut],
    summary="预警（红黄绿灯），可指定日期和颜色；每页 limit 条（默认 200，最大 1000），offset 翻页",
)
def warnings(
    request: AuthedRequest, plan: DbInt | None = None, on: EvalDate | None = None, colour: str = "",
    limit: DbInt = 200, offset: DbInt = 0,
) -> list[dict[str, Any]]:  # fmt: skip
    f = selectors.ItemFilters(plan=plan, on=on, colour=colour)
    return _page(request, f, limit, offset)


def _detail(request: AuthedRequest, item: LedgerItem) -> HttpResponse:
    services.lights_ensure()
    light = selectors.item_warning(item=item)
    role = _role_or_none(request, item)
    body = {
        **_row(light), "text": item.text,
        "responsible_leader": item.responsible_leader, "responsible_office": item.responsible_office,
        "start": item.start.isoformat(), "pending_deadline": item.pending_deadline,
        "allowed_actions": [a.value for a in allowed_actions(adapters.item_state(item), role)] if role else [],
        "milestones": [{"name": m.name, "due": m.due, "expected_progress": m.expected_progress} for m in item.milestones.all()],
        "transitions": [{"who": t.who, "role": t.role, "action": t.action, "from": t.from_status, "to": t.to_status,
                         "reason": t.reason, "at": t.at, "old_deadline": t.old_deadline, "new_deadline": t.new_deadline}
                        for t in item.transitions.all()],
        "reports": [{"id": r.pk, "unit": adapters.report_author(r), "is_lead": r.is_lead, "period": r.period_key, "text": r.text,
                     "percent": r.percent, "submitted_at": r.submitted_at} for r in item.reports.select_related("unit", "submitted_by__org_unit", "item__org_unit")],
        "evidence": [{"id": e.pk, "name": e.original_name, "size": e.size, "content_type": e.content_type,
                      "report_id": e.report_id} for e in item.evidence.all()],
        "notices": [{"id": n.pk, "level": n.level, "content": n.content, "issued_on": n.issued_on,
                     "reply_by": n.reply_by, "reply": n.reply, "replied_at": n.replied_at} for n in item.notices.all()],
    }  # fmt: skip
    response = _respond(request, body, 200)
    response["ETag"] = f'"{item.version}"'
    return response


def _role_or_none(request: AuthedRequest, item: LedgerItem) -> Any:
    try:
        return selectors.item_role(user=request.user, item=item)
    except PermissionDenied:
        return None


@router.get("/ledger/items/{item_id}", summary="台账事项详情（编号或 L3-0042；ETag 为版本号）")
def item_detail(request: AuthedRequest, item_id: str) -> HttpResponse:
    return _detail(request, selectors.access_item(user=request.user, item_id=item_id))


def _write(request: AuthedRequest, item_id: str, call: Callable[[LedgerItem, int], T]) -> HttpResponse:
    item = selectors.access_item(user=request.user, item_id=item_id)
    version = _version(request)
    try:
        with _refusals():
            call(item, version)
    except services.Conflict as exc:  # 412 with the values the client has not seen
        return _respond(request, {"detail": exc.message, "current": exc.current}, 412)
    return _detail(request, selectors.access_item(user=request.user, item_id=item.pk))


@router.post(
    "/ledger/items/{item_id}/transitions",
    summary="办理（启动、申请销号、批准销号、退回、延期…）；须带 If-Match",
)
def item_transition(request: AuthedRequest, item_id: str, body: TransitionIn) -> HttpResponse:
    return _write(request, item_id, lambda item, v: services.item_transition(
        item=item, action=body.action, user=request.user, expected_version=v, reason=body.reason,
        new_deadline=body.new_deadline))  # fmt: skip


@router.post("/ledger/items/{item_id}/reports", summary="报送进展（可附佐证材料，multipart）；须带 If-Match")
def report_submit(
    request: AuthedRequest,
    item_id: str,
    text: Form[str],
    percent: Form[int | None] = None,
    period_key: Form[str | None] = None,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # optional; ninja needs the bare list type to collect several files
) -> HttpResponse:
    uploads = [(f.name or "upload", f.read()) for f in files or []]
    return _write(request, item_id, lambda item, v: services.progress_report_submit(
        item=item, user=request.user, text=text, percent=percent, expected_version=v,
        period_key=period_key or None, files=uploads))  # fmt: skip


@router.get("/ledger/evidence/{evidence_id}", summary="下载佐证材料（仅限能查看该事项的用户）")
def evidence_download(request: AuthedRequest, evidence_id: DbInt) -> FileResponse:
    ev = selectors.access_evidence(user=request.user, evidence_id=evidence_id)
    path = services.evidence_path(ev)
    if not path.is_file():
        raise HttpError(410, "文件已不在存储中，请联系管理员")
    audit_record(actor=request.user, action="evidence.download", obj=ev, request=request)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=ev.original_name, content_type=ev.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
