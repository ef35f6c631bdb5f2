"""API endpoints for plans and tasks; every read goes through the jurisdiction-scoped selectors."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.plans import selectors, services
from yigai.apps.plans.models import Plan, Task
from yigai.core.permissions import Perm, may

router = Router(tags=["方案"])

# Integers that reach the database stay within its range (a larger one is a 422, not a server error).
DbInt = Annotated[int, Field(ge=0, le=2**63 - 1)]


class PlanOut(Schema):
    id: int
    source: str
    title: str
    doc_number: str
    issuer: str
    status: str
    org_unit: str
    is_demo: bool
    n_tasks: int
    n_targets: int


class UnitOut(Schema):
    name: str
    role: str


class TargetOut(Schema):
    id: int
    indicator: str
    comparator: str
    value: float | None
    value_max: float | None
    unit: str
    year: int | None
    due: dt.date | None
    scope: str
    quote: str


class TaskOut(Schema):
    id: int
    plan_id: int
    number: str
    path: list[str]
    title: str
    text: str
    units: list[UnitOut]
    units_as_written: str
    deadline: dt.date | None
    deadline_text: str
    milestones: list[dict[str, str]]
    targets: list[TargetOut]


class PlanDetailOut(PlanOut):
    tasks: list[TaskOut]


class TaskQuery(Schema):
    plan: DbInt | None = None
    unit: str = ""
    org_unit: str = ""
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    section: str = ""
    q: str = ""
    limit: DbInt = 200
    offset: DbInt = 0


class ImportOut(Schema):
    id: int
    created: bool
    n_tasks: int


def _plan(p: Plan) -> dict[str, Any]:
    return {
        "id": p.pk, "source": p.source, "title": p.title, "doc_number": p.doc_number, "issuer": p.issuer,
        "status": p.status, "org_unit": p.org_unit.name, "is_demo": p.is_demo,
        "n_tasks": getattr(p, "n_tasks", None) or p.tasks.count(),
        "n_targets": getattr(p, "n_targets", None) or p.targets.count(),
    }  # fmt: skip


def _task(t: Task) -> dict[str, Any]:
    return {
        "id": t.pk, "plan_id": t.plan_id, "number": t.number, "path": t.path, "title": t.title,
        "text": t.text, "units_as_written": t.units_as_written, "deadline": t.deadline,
        "deadline_text": t.deadline_text, "milestones": t.milestones,
        "units": [{"name": u.unit.name, "role": u.role} for u in t.unit_links.all()],
        "targets": [{"id": g.pk, **{k: getattr(g, k) for k in TargetOut.model_fields if k != "id"}}
                    for g in t.targets.all()],
    }  # fmt: skip


@router.get("/plans", response=list[PlanOut], summary="方案列表（按权限范围）")
def plans_list(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_plan(p) for p in selectors.plan_list(user=request.user)]


@router.get("/plans/{ref}", response=PlanDetailOut, summary="方案详情（编号或文件名）")
def plans_detail(request: AuthedRequest, ref: str) -> dict[str, Any]:
    plan = selectors.access_plan(user=request.user, ref=ref)
    tasks = selectors.task_list(user=request.user, filters=selectors.TaskFilters(plan=plan.pk))
    return {**_plan(plan), "tasks": [_task(t) for t in tasks]}


@router.get("/tasks", response=list[TaskOut], summary="任务列表（筛选，按权限范围）")
def tasks_list(request: AuthedRequest, query: Query[TaskQuery]) -> list[dict[str, Any]]:
    fields = query.dict()
    limit, offset = min(max(fields.pop("limit"), 1), 1000), max(fields.pop("offset"), 0)
    tasks = selectors.task_list(user=request.user, filters=selectors.TaskFilters(**fields))
    return [_task(t) for t in tasks[offset : offset + limit]]


@router.post(
    "/plans",
    response={200: ImportOut, 201: ImportOut},
    summary="导入政策文件（201 新建；200 内容相同已存在）",
)
def plans_import(request: AuthedRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    user = request.user
    if not may(user, Perm.PUBLISH_PLANS):
        raise HttpError(403, _("无权导入方案"))
    try:
        result = services.plan_import(
            name=file.name or "upload",
            data=file.read(),
            org_unit=user.org_unit,
            user=user,
        )
    except services.ImportRejected as exc:
        raise HttpError(400, exc.message) from exc
    plan = result.plan
    body = {"id": plan.pk, "created": result.created, "n_tasks": plan.tasks.count()}
    return Status(201 if result.created else 200, body)
