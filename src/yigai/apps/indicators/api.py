"""API endpoints for indicators; reads are limited to the user's org-unit subtree."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.indicators import selectors, services
from yigai.apps.indicators.computing import indicator_values, value_record
from yigai.apps.indicators.status import target_status
from yigai.core.permissions import Perm, may

router = Router(tags=["指标"])

# Integers that reach the database stay within its range (a larger one is a 422, not a server error).
DbInt = Annotated[int, Field(ge=0, le=2**63 - 1)]


class IndicatorOut(Schema):
    code: str
    name: str
    numerator: str
    denominator: str
    formula: str = Field(description="计算方法的通常写法，如“年末执业（助理）医师数 ÷ 年末常住人口数 × 1000”")
    bounds: tuple[float | None, float | None] = Field(description="取值范围 [下限, 上限]，预计值不超出")
    factor: int
    unit: str
    direction: str
    decimals: int
    definition: str
    group: str
    national: bool


class ValueOut(Schema):
    data_element: str
    org_unit: str
    period: str
    disaggregation: str
    value: float
    is_outlier: bool
    is_demo: bool
    source_file: str


class IndicatorValueOut(Schema):
    indicator: str
    org_unit: str
    period: str
    value: float | None
    numerator: float | None
    denominator: float | None
    reported: int = Field(description="已上报的下级报送单位数")
    expected: int = Field(description="应上报的报送单位数（该地区下的末级单位）")
    final: bool = Field(description="上报完整度达到阈值：可用于目标状态、预计值、地图和简报")
    note: str = Field(description="未达阈值时为“部分上报 n/m”")


class ValueQuery(Schema):
    indicator: str = ""
    data_element: str = ""
    org: str = ""
    period: str = ""
    limit: DbInt = 1000
    offset: DbInt = 0


class StatusOut(Schema):
    target_id: int
    plan_id: int
    indicator: str
    org_unit: str
    due: dt.date
    comparator: str
    target_value: float
    target_text: str = Field(description="目标的通常写法，如“不低于3.5人”“每年提高1–3个百分点”")
    latest_value: float | None = Field(description="最新的完整（已达上报完整度阈值）年度值")
    latest_period: str | None
    projected_value: float | None = Field(description="按趋势的预计值，不超出指标的取值范围")
    partial_period: str | None = Field(description="之后尚未报齐的年份（不参与状态计算）")
    partial_value: float | None
    partial_reported: int | None
    partial_expected: int | None
    partial_text: str = Field(description="如“2025年 部分上报 1/167”")
    status: str
    label: str
    is_demo: bool


class ImportOut(Schema):
    batch: int
    already_imported: bool
    created: int
    updated: int
    unchanged: int


class ProblemOut(Schema):
    file: str
    row: int | None
    column: str | None
    reason: str


class RejectedOut(Schema):
    detail: str
    problems: list[ProblemOut]


@router.get("/indicators", response=list[IndicatorOut], summary="指标目录")
def catalogue(request: AuthedRequest) -> list[Any]:
    services.catalogue_ensure()
    return selectors.indicator_list_readable()


@router.get(
    "/indicators/values",
    response=list[ValueOut],
    summary="数据值（按指标、数据项、地区、期间筛选，限权限范围）",
)
def values(request: AuthedRequest, query: Query[ValueQuery]) -> list[dict[str, Any]]:
    f = selectors.ValueFilters(query.data_element, query.indicator.upper(), query.org, query.period)
    try:
        rows = selectors.value_list(user=request.user, filters=f)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
    limit, offset = min(max(query.limit, 1), 10_000), max(query.offset, 0)
    return [
        {"data_element": d.data_element.code, "org_unit": d.org_unit.code, "period": d.period,
         "disaggregation": d.disaggregation, "value": d.value, "is_outlier": d.is_outlier,
         "is_demo": d.is_demo, "source_file": d.source_file}
        for d in rows[offset : offset + limit]
    ]  # fmt: skip


@router.get(
    "/indicators/{code}/compute", response=list[IndicatorValueOut], summary="指标值（地区及其下级，期间）"
)
def compute(request: AuthedRequest, code: str, org: str, period: str, level: str = "") -> list[Any]:
    indicator = selectors.indicator_get(code=code)
    unit = selectors.access_org_unit(user=request.user, code=org)
    orgs = selectors.visible_org_units(user=request.user).filter(path__startswith=unit.path)
    orgs = orgs.filter(level=level) if level else orgs.filter(pk=unit.pk)
    try:
        rows = indicator_values(
            indicators=[indicator.code], org_units=[o.code for o in orgs], periods=[period]
        )
    except ValueError as exc:
        raise HttpError(400, str(exc)) from exc
    return [value_record(r) for r in rows]


@router.get("/indicators/targets/status", response=list[StatusOut], summary="目标达标状态（按方案）")
def status(request: AuthedRequest, plan: DbInt | None = None) -> list[dict[str, Any]]:
    targets = list(selectors.target_list(user=request.user, plan=plan))
    visible = set(selectors.visible_org_units(user=request.user).values_list("code", flat=True))
    rows = [r for r in target_status(targets=targets) if r.org_unit in visible]
    return [r.as_record() for r in rows]


@router.post(
    "/indicators/values",
    response={200: ImportOut, 201: ImportOut, 400: RejectedOut},
    summary="导入数据文件（CSV/Excel；有错误则整个文件不导入，返回每一处错误）",
)
def import_values(
    request: AuthedRequest, file: File[UploadedFile], data_element: str = ""
) -> Status[dict[str, Any]]:
    if not may(request.user, Perm.IMPORT_VALUES):
        raise HttpError(403, _("无权导入数据"))
    try:
        result = services.values_import(
            file_name=file.name or "upload.csv", data=file.read(), user=request.user,
            data_element=data_element or None,
        )  # fmt: skip
    except services.ValuesRejected as exc:
        problems = [
            {"file": p.where, "row": p.row, "column": p.column, "reason": p.reason} for p in exc.problems
        ]
        return Status(400, {"detail": _("文件有错误，未导入任何数据"), "problems": problems})
    body = {"batch": result.batch.pk, "already_imported": result.already_imported, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged}  # fmt: skip
    return Status(200 if result.already_imported else 201, body)
