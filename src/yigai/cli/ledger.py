"""Ledger commands: ``yigai ledger warnings | refresh | remind | holidays import``.

They call the same selectors and services as the web UI and API (CONVENTIONS.md §4), with the
operator's full rights. (The Excel round trip, ``ledger export/import``, lives in ``ledger_excel.py``.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from yigai.cli import app
from yigai.cli.platform import _fail, _ready, _resolve, user_errors

ledger_app = typer.Typer(help="工作台账：预警、提醒、节假日设置。", no_args_is_help=True)
holidays_app = typer.Typer(
    help="节假日与调休设置（官方日历未覆盖的年份由管理员录入）。", no_args_is_help=True
)
app.add_typer(ledger_app, name="ledger")
ledger_app.add_typer(holidays_app, name="holidays")

PlanOpt = Annotated[str | None, typer.Option("--plan", help="方案编号或文件名（默认全部）")]
OnOpt = Annotated[str | None, typer.Option("--on", help="按哪一天计算，YYYY-MM-DD（默认今天）")]
FormatOpt = Annotated[str, typer.Option("--format", help="输出格式：json 或 table")]


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"--on 须为日期（YYYY-MM-DD），现为 {text}", code=2)
    return None  # unreachable: _fail exits


def _light_row(light: Any) -> dict[str, Any]:
    from yigai.apps.ledger.adapters import place_unit

    i, w = light.item, light.warning
    return {
        "id": i.pk, "code": i.code, "plan_id": i.ledger.plan_id, "title": i.title,
        "lead_unit": place_unit(i), "org_unit": i.org_unit.name, "deadline": i.deadline.isoformat(),
        "status": i.status, "status_label": light.status_label, "progress": i.progress,
        "colour": w.colour, "label": w.label, "reason": w.reason, "approximate": w.approximate,
    }  # fmt: skip


@ledger_app.command(
    "warnings", help="列出台账事项的预警（红黄绿灯）：编号、事项、牵头单位、时限、状态、颜色、理由。"
)
@user_errors
def warnings(plan: PlanOpt = None, on: OnOpt = None, format: FormatOpt = "table") -> None:
    if format not in ("json", "table"):
        _fail(f"不支持的格式 {format}（可用 json、table）", code=2)
    day = _date(on) or dt.date.today()
    _ready()
    from yigai.apps.ledger.adapters import calendar_from_db
    from yigai.apps.ledger.selectors import warnings_all

    plan_obj = _resolve(plan) if plan else None
    rows = [_light_row(x) for x in warnings_all(plan=plan_obj.pk if plan_obj else None, on=day)]
    years = sorted({int(r["deadline"][:4]) for r in rows} | {day.year})
    fallback = list(calendar_from_db().fallback_years(years[0], years[-1])) if rows else []
    if format == "json":
        body = {
            "on": day.isoformat(),
            "plan": plan_obj.pk if plan_obj else None,
            "fallback_years": fallback,
            "items": rows,
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(
            f"{r['code']:<10} {r['label']:<4} {r['status_label']:<5} {r['deadline']}  {r['lead_unit']}　{r['title'][:30]}　{r['reason']}"
        )
    counts = Counter(r["label"] for r in rows)
    typer.echo(
        f"共 {len(rows)} 项（{day.isoformat()}）：" + "，".join(f"{k} {v}" for k, v in counts.most_common())
    )
    if fallback:
        years_text = "、".join(str(y) for y in fallback)
        typer.echo(
            f"注意：{years_text} 年没有官方节假日安排，也未录入节假日设置，工作日按周一至周五近似计算。"
        )


@ledger_app.command(
    "refresh",
    help="重新计算并保存各事项今天的预警灯和报送统计（清单、预警看板、领导驾驶舱读取保存的结果）。"
    "建议每天凌晨由定时任务运行；未运行时，当天第一次打开页面会先补算。",
)
@user_errors
def refresh(
    all_items: Annotated[
        bool, typer.Option("--all", help="全部重算（默认只算今天还没算过或改动过的事项）")
    ] = False,
) -> None:
    _ready()
    from django.utils import timezone

    from yigai.apps.ledger.services import lights_refresh

    def show(done: int, total: int) -> None:
        typer.echo(f"预警计算：{done}/{total} 项（{done * 100 // max(total, 1)}%）", err=True)

    day = timezone.localdate()
    n = lights_refresh(today=day, force=all_items, progress=show)
    typer.echo(f"已更新 {n} 项事项的预警（{day.isoformat()}）")


@ledger_app.command(
    "remind", help="发送到期提醒（站内通知、邮件、Webhook）；已发送的不重复，失败的下次重试。"
)
@user_errors
def remind(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将发送的提醒，不发送、不记录")] = False,
    on: OnOpt = None,
) -> None:
    day = _date(on) or dt.date.today()
    _ready()
    from yigai.apps.ledger.services import reminders_run

    outcomes = reminders_run(today=day, dry_run=dry_run)
    labels = {"sent": "已发送", "failed": "发送失败", "already_sent": "此前已发送", "gave_up": "多次失败已放弃",
              "would_send": "将发送", "no_recipients": "无接收人"}  # fmt: skip
    for o in outcomes:
        if o.result in ("already_sent", "no_recipients"):
            continue
        err = f"（{o.error}）" if o.error else ""
        typer.echo(f"{labels[o.result]}　{o.channel:<8} {o.item:<10} {o.message}{err}")
    counts = Counter(labels[o.result] for o in outcomes)
    summary = "，".join(f"{k} {v}" for k, v in counts.most_common()) or "没有到期的提醒"
    typer.echo(f"{'试运行，' if dry_run else ''}{day.isoformat()}：{summary}")
    if any(o.result == "failed" for o in outcomes):
        raise typer.Exit(1)


@holidays_app.command(
    "import", help="导入节假日设置 CSV（列：date,is_workday,name）；任一行有误则整个文件不导入。"
)
@user_errors
def holidays_import(file: Annotated[Path, typer.Argument(help="CSV 文件（UTF-8）")]) -> None:
    _ready()
    from yigai.apps.ledger.services import HolidayImportError
    from yigai.apps.ledger.services import holidays_import as run_import

    if not file.is_file():
        _fail(f"{file}：文件不存在")
    try:
        n = run_import(file_name=file.name, data=file.read_bytes())
    except HolidayImportError as exc:
        for line in exc.errors:
            typer.echo(f"错误：{line}", err=True)
        _fail(f"{file.name} 未导入任何数据")
    typer.echo(f"已导入 {n} 天节假日设置：{file.name}")
