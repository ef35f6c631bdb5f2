"""Indicator commands: ``yigai indicators import|compute`` and ``yigai targets link|status``.

They call the same services and selectors as the web pages and the API. Bad input ends in one Chinese
line on stderr and exit 1; a usage mistake (an unknown --format) exits 2.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from yigai.cli import app
from yigai.cli.platform import _fail, _ready, user_errors
from yigai.core.cells import neutralise

indicators_app = typer.Typer(help="指标数据：导入、计算。", no_args_is_help=True)
targets_app = typer.Typer(help="指标目标：关联方案目标、查看达标状态。", no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")
app.add_typer(targets_app, name="targets")

FormatOpt = Annotated[str, typer.Option("--format", help="输出格式：json 或 csv")]
VALUE_COLUMNS = [
    "indicator", "org_unit", "period", "value", "numerator", "denominator", "reported", "expected", "final", "note",
]  # fmt: skip
STATUS_COLUMNS = [
    "target_id", "indicator", "org_unit", "due", "target_value", "target_text", "latest_value", "latest_period",
    "projected_value", "status", "partial_text",
]  # fmt: skip


def _check_format(format: str) -> None:
    if format not in ("json", "csv"):
        _fail(f"不支持的格式 {format}（可用 json、csv）", code=2)


def _emit(rows: list[dict[str, Any]], columns: list[str], key: str, format: str) -> None:
    if format == "json":
        typer.echo(json.dumps({key: rows}, ensure_ascii=False, indent=1, default=str))
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: neutralise("" if r.get(k) is None else r[k]) for k in columns} for r in rows)
    typer.echo(out.getvalue(), nl=False)


def _progress(name: str) -> Any:
    state = {"shown": -1}

    def show(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if total >= 5000 and tenth != state["shown"]:
            state["shown"] = tenth
            typer.echo(f"{name}：已写入 {done}/{total} 行（{tenth * 10}%）", err=True)

    return show


@indicators_app.command(
    "import", help="导入数据值（CSV 或 Excel；长表或宽表）。任一行有误则该文件不导入，并列出所有错误行。"
)
@user_errors
def import_values(
    files: Annotated[list[Path], typer.Argument(help="数据文件（.csv、.xlsx）")],
    data_element: Annotated[
        str | None, typer.Option("--data-element", help="宽表的数据项（代码或名称）")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="记为导入人的用户名")] = None,
) -> None:
    _ready()
    from yigai.apps.accounts.models import User
    from yigai.apps.indicators.services import ValuesRejected, values_import

    who = None
    if user is not None and (who := User.objects.filter(username=user).first()) is None:
        _fail(f"用户不存在：{user}")
    failed = 0
    for path in files:
        if not path.is_file():
            typer.echo(f"错误：{path}：文件不存在", err=True)
            failed += 1
            continue
        try:
            result = values_import(file_name=path.name, data=path.read_bytes(), user=who,
                                   data_element=data_element, progress=_progress(path.name))  # fmt: skip
        except ValuesRejected as exc:
            for problem in exc.problems:
                typer.echo(f"错误：{problem}", err=True)
            typer.echo(f"错误：{path.name} 有 {len(exc.problems)} 处错误，未导入任何数据", err=True)
            failed += 1
            continue
        if result.already_imported:
            typer.echo(f"已导入过（内容相同，未改动）：{path.name}")
        else:
            typer.echo(
                f"已导入 {path.name}：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
            )
    if failed:
        raise typer.Exit(1)


def _org_codes(org: str | None, level: str | None) -> list[str] | None:
    from yigai.apps.orgunits.models import Level, OrgUnit

    if level is not None and level not in Level.values:
        _fail(f"未知层级 {level}（可用 {'、'.join(Level.values)}）")
    if org is None:
        return (
            None
            if level is None
            else list(OrgUnit.objects.filter(level=level).values_list("code", flat=True))
        )
    unit = OrgUnit.objects.filter(code=org).first() or OrgUnit.objects.filter(name=org).first()
    if unit is None:
        _fail(f"未知的行政区划：{org}")
    assert unit is not None
    if level is None:
        return [unit.code]
    qs = OrgUnit.objects.filter(path__startswith=unit.path, level=level)
    return list(qs.values_list("code", flat=True))


def _periods(periods: list[str] | None) -> list[str]:
    from yigai.apps.indicators.models import DataValue
    from yigai.core.indicators import Period, PeriodError

    if not periods:
        years = sorted(set(DataValue.objects.values_list("year", flat=True)))
        return [str(y) for y in years]
    try:
        return [str(Period.parse(p)) for p in periods]
    except PeriodError as exc:
        _fail(str(exc))
    return []


@indicators_app.command(
    "compute",
    help="计算指标值（分子、分母按层级先合计再相除；无数据为空）。每个值附已报 reported、应报 expected "
    "（该地区下的末级单位数）和 final（是否达到上报完整度阈值 YIGAI_COMPLETENESS_THRESHOLD，默认 1）；"
    "未报齐的值 note 为“部分上报 n/m”，不用于目标状态。",
)
@user_errors
def compute(
    indicator: Annotated[list[str] | None, typer.Option("--indicator", help="指标代码（可多次）")] = None,
    org: Annotated[str | None, typer.Option("--org", help="行政区划代码")] = None,
    level: Annotated[str | None, typer.Option("--level", help="层级：province、city、county")] = None,
    period: Annotated[
        list[str] | None, typer.Option("--period", help="期间，如 2023、2023Q1、202301（可多次）")
    ] = None,
    format: FormatOpt = "json",
) -> None:
    _check_format(format)
    _ready()
    from yigai.apps.indicators.computing import indicator_values, value_record
    from yigai.core.indicators import default_catalogue

    codes = [c.strip().upper() for c in indicator] if indicator else None
    unknown = [c for c in codes or [] if c not in default_catalogue().indicators]
    if unknown:
        _fail(f"未知指标：{'、'.join(unknown)}")
    periods = _periods(period)
    if not periods:
        _fail("没有数据，也未指定期间（--period）")
    rows = indicator_values(indicators=codes, org_units=_org_codes(org, level), periods=periods)
    _emit([value_record(r) for r in rows], VALUE_COLUMNS, "values", format)


def _plans(plan: str | None) -> list[Any]:
    from yigai.apps.plans.selectors import PlanNotFound, plan_list_all, plan_resolve

    if plan is None:
        return list(plan_list_all().order_by("pk"))
    try:
        return [plan_resolve(ref=plan)]
    except PlanNotFound as exc:
        _fail(str(exc))
    return []


@targets_app.command(
    "link", help="为方案目标推荐指标并关联；--auto 自动接受匹配分≥0.8 的推荐，其余列出待确认。"
)
@user_errors
def link(
    plan: Annotated[str | None, typer.Option("--plan", help="方案编号或文件名（默认全部方案）")] = None,
    auto: Annotated[bool, typer.Option("--auto", help="自动接受匹配分≥0.8 的推荐")] = False,
    accept: Annotated[
        list[str] | None, typer.Option("--accept", help="确认关联：目标编号=指标代码（可多次）")
    ] = None,
) -> None:
    _ready()
    from yigai.apps.indicators.services import targets_link_plan

    pairs = {}
    for item in accept or []:
        if "=" not in item:
            _fail(f"--accept 应写成 目标编号=指标代码：{item}", code=2)
        key, code = item.split("=", 1)
        pairs[key.strip()] = code.strip()
    for p in _plans(plan):
        report = targets_link_plan(plan=p, auto=auto, accept=pairs)
        typer.echo(
            f"方案 {p.pk}：{p.title or p.source}　已关联 {len(report.linked)}，待确认 {len(report.pending)}"
        )
        for target, linked in report.linked:
            typer.echo(f"  已关联 {target.ext_id or target.pk}　{target.indicator} → {linked.indicator.code}")
        for target, suggestions in report.pending:
            hint = "；".join(f"{s.code} {s.name}（{s.score:.2f}）" for s in suggestions) or "无推荐"
            typer.echo(f"  待确认 {target.ext_id or target.pk}　{target.indicator}：{hint}")
        for error in report.errors:
            typer.echo(f"错误：{error}", err=True)


@targets_app.command(
    "status", help="目标达标状态：最新值、按趋势预计值、状态（已达标、进展顺利、需加快进度……）。"
)
@user_errors
def status(
    plan: Annotated[str | None, typer.Option("--plan", help="方案编号或文件名（默认全部方案）")] = None,
    format: FormatOpt = "json",
) -> None:
    _check_format(format)
    _ready()
    from yigai.apps.indicators.models import IndicatorTarget
    from yigai.apps.indicators.status import target_status

    targets = IndicatorTarget.objects.filter(plan__in=[p.pk for p in _plans(plan)])
    rows = target_status(
        targets=list(targets.select_related("indicator", "org_unit").order_by("plan_id", "due", "pk"))
    )
    out = [r.as_record() for r in rows]
    _emit(out, STATUS_COLUMNS, "targets", format)
