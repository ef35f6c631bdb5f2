"""Report commands: ``yigai report briefing`` writes the Word 工作简报 of a plan and/or an org unit.

Same builder as the dashboard's download button (CONVENTIONS.md §4), with the operator's full rights.
Exit status: 0 written; 1 a plan or org unit not found, or the file cannot be written; 2 usage error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from yigai.cli import app
from yigai.cli.platform import _fail, _ready, _resolve, user_errors

report_app = typer.Typer(help="报告：工作简报（Word）。", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command(
    "briefing",
    help="生成工作简报（公文格式 Word .docx，有 LibreOffice 时同时生成 PDF）：总体进展、预警、督办、指标监测、下步工作。",
)
@user_errors
def briefing(
    out: Annotated[Path, typer.Option("--out", help="输出文件（.docx）")],
    plan: Annotated[str | None, typer.Option("--plan", help="方案编号或文件名（默认全部）")] = None,
    org: Annotated[str | None, typer.Option("--org", help="行政区划代码，如 131000（默认全省）")] = None,
    on: Annotated[str | None, typer.Option("--on", help="统计日期 YYYY-MM-DD（默认今天）")] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="同时生成 PDF（需 LibreOffice；没有时提示并跳过）")
    ] = True,
) -> None:
    if out.suffix.lower() != ".docx":
        _fail(f"--out 须为 .docx 文件，现为 {out.name}", code=2)
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        _fail(f"--on 须为日期（YYYY-MM-DD），现为 {on}", code=2)
    _ready()
    from django.http import Http404

    from yigai.apps.dashboard.briefing import briefing_docx
    from yigai.apps.dashboard.inputs import access_scope, collect

    plan_obj = _resolve(plan) if plan else None
    try:
        scope = access_scope(user=None, code=org or "")
    except Http404:
        _fail(f"找不到行政区划：{org}")
    result = briefing_docx(
        collect(user=None, scope=scope, plan=plan_obj.pk if plan_obj else None, on=day),
        plan_title=(plan_obj.title or plan_obj.source) if plan_obj else "",
    )
    try:
        out.write_bytes(result.data)
    except OSError as exc:
        _fail(f"无法写入 {out}：{exc.strerror or exc}")
    t = result.summary.total
    typer.echo(
        f"已生成工作简报：{out}（{scope.name}，任务 {t.total} 项，逾期 {t.overdue} 项，"
        f"红灯 {t.colours['red']} 项，目标 {sum(t.targets.values())} 项，图表 {result.charts} 幅）"
    )
    if pdf:
        _write_pdf(out, result.data)
    if result.note:
        typer.echo(f"注意：{result.note}", err=True)


def _write_pdf(out: Path, data: bytes) -> None:
    from yigai.apps.dashboard.pdf import docx_to_pdf

    pdf, why = docx_to_pdf(data, name=out.stem)
    if pdf is None:
        typer.echo(f"提示：{why}")
        return
    target = out.with_suffix(".pdf")
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        _fail(f"无法写入 {target}：{exc.strerror or exc}")
    typer.echo(f"已生成 PDF：{target}")
