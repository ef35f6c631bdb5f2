"""``yigai assess``: score a 考核 scheme for a stage, freeze a stage, compare two stages.

The scheme (``--scheme``) is a YAML file, the key of a stored scheme, or ``示例`` for the shipped example.
A frozen stage is answered from its snapshot; freezing stores the scheme first when it came from a file.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from yigai.cli import app
from yigai.cli.platform import _fail, _ready, user_errors
from yigai.core.cells import neutralise_row

assess_app = typer.Typer(
    help="考核与阶段评估：按考核方案计算得分和排名、冻结阶段、比较两个阶段。", no_args_is_help=True
)
app.add_typer(assess_app, name="assess")

EXAMPLE_NAMES = ("示例", "example")
SchemeOpt = Annotated[str, typer.Option("--scheme", help="考核方案：YAML 文件、已保存方案的代码，或“示例”")]


class Format(StrEnum):
    json = "json"
    csv = "csv"
    table = "table"


def _scheme(name: str) -> tuple[Any, Any]:
    """(the parsed scheme, its stored record or None)."""
    from yigai.apps.assessment import services
    from yigai.apps.assessment.models import SchemeRecord
    from yigai.core.assessment import SchemeError, example_text

    path = Path(name)
    record = None
    try:
        if name in EXAMPLE_NAMES:
            text, source = example_text(), "示例方案"
        elif path.suffix in (".yaml", ".yml") or path.exists():
            try:
                text, source = path.read_text(encoding="utf-8"), str(path)
            except (OSError, UnicodeDecodeError) as e:
                _fail(f"{path}：无法读取（{e.__class__.__name__}）")
        else:
            record = SchemeRecord.objects.filter(key=name).first()
            if record is None:
                keys = "、".join(SchemeRecord.objects.values_list("key", flat=True)) or "无"
                _fail(f"找不到考核方案 {name!r}：不是 YAML 文件，也不是已保存的方案（已保存：{keys}）")
                return None, None  # not reached: _fail exits
            text, source = record.text, f"方案 {name}"
        scheme = services.scheme_parse(text, source=source)
    except SchemeError as e:
        _fail(str(e))
    if record is None:
        record = SchemeRecord.objects.filter(key=scheme.key, text=scheme.text).first()
    return scheme, record


def _stage_key(scheme: Any, stage: str | None) -> str:
    """The stage asked, else the latest stage on or before today, else the first."""
    if stage:
        return stage
    from yigai.apps.assessment.services import today

    past = [s for s in scheme.stages if s.day <= today()]
    if not past and not scheme.stages:
        _fail("方案没有定义阶段，请用 --stage 指定日期（YYYY-MM-DD）")
    return str((past or list(scheme.stages))[-1].key)


def _run(scheme: Any, record: Any, stage: str) -> Any:
    from yigai.apps.assessment import services

    try:
        return services.stage_run(scheme=scheme, stage=stage, record=record)
    except ValueError as e:
        _fail(str(e))


def _rows(run: Any) -> list[dict[str, Any]]:
    return [
        {"unit": u.name, "code": u.key, "score": u.total, "rank": u.rank, "vetoed": u.vetoed,
         "components": {c.key: c.points for c in u.components}}
        for u in run.result.units
    ]  # fmt: skip


@assess_app.command("run")
@user_errors
def assess_run(
    scheme: SchemeOpt,
    stage: Annotated[
        str | None, typer.Option("--stage", help="阶段（方案中的代码，如 2025）或日期 YYYY-MM-DD")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="json、csv 或 table")] = Format.table,
) -> None:
    """计算一个阶段的得分和排名（已冻结的阶段直接读取快照）。每行：被考核单位、得分、排名、各考核项得分。"""
    _ready()
    parsed, record = _scheme(scheme)
    run = _run(parsed, record, _stage_key(parsed, stage))
    rows = _rows(run)
    if fmt is Format.json:
        body = {"scheme": parsed.key, "name": parsed.name, "stage": run.stage.key, "as_of": run.stage.day.isoformat(),
                "frozen": run.frozen is not None, "units": rows}  # fmt: skip
        typer.echo(json.dumps(body, ensure_ascii=False, indent=1))
        return
    names = [(c.key, c.name) for c in parsed.components]
    if fmt is Format.csv:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["被考核单位", "代码", "得分", "排名", *[n for _, n in names]])
        for r in rows:
            w.writerow(neutralise_row([r["unit"], r["code"], r["score"], r["rank"],
                                       *[r["components"].get(k) for k, _ in names]]))  # fmt: skip
        sys.stdout.write(out.getvalue())
        return
    state = "已冻结" if run.frozen is not None else "未冻结（按当前数据计算）"
    typer.echo(f"{parsed.name} · {run.stage.label}（截至 {run.stage.day.isoformat()}，{state}）")
    for r in rows:
        veto = " 一票否决" if r["vetoed"] else ""
        typer.echo(f"{r['rank']:>3}  {r['unit']:<12} {r['score']:>7.2f}{veto}")
    typer.echo(f"共 {len(rows)} 个被考核单位")


@assess_app.command("freeze")
@user_errors
def assess_freeze(
    scheme: SchemeOpt,
    stage: Annotated[str, typer.Option("--stage", help="要冻结的阶段（如 2025）或日期")],
) -> None:
    """冻结一个阶段：保存输入和结果的只读快照，SHA-256 记入审计链；已冻结的阶段不能重新冻结。"""
    _ready()
    from yigai.apps.assessment import services
    from yigai.core.assessment import SchemeError

    parsed, record = _scheme(scheme)
    try:
        if record is None:
            record = services.scheme_save(actor=None, text=parsed.text)
        frozen = services.stage_freeze(actor=None, record=record, stage=stage)
    except (services.AssessmentError, SchemeError, ValueError) as e:
        _fail(str(e))
    units = len(frozen.snapshot["result"]["units"])
    typer.echo(
        f"已冻结：{record.name} · {frozen.label}（截至 {frozen.as_of.isoformat()}，{units} 个单位）SHA-256 {frozen.digest}"
    )


@assess_app.command("diff")
@user_errors
def assess_diff(
    scheme: SchemeOpt,
    a: Annotated[str, typer.Argument(help="阶段 A（如 2023）")],
    b: Annotated[str, typer.Argument(help="阶段 B（如 2025）")],
    fmt: Annotated[Format, typer.Option("--format", help="json、csv 或 table")] = Format.table,
) -> None:
    """比较两个阶段：每个单位在 A、B 的得分、排名和变化。"""
    _ready()
    from yigai.core.assessment import compare

    parsed, record = _scheme(scheme)
    ra, rb = _run(parsed, record, a), _run(parsed, record, b)
    changes = compare(ra.result, rb.result)
    rows = [{"unit": c.name, "code": c.key, "score_a": c.total_a, "score_b": c.total_b, "change": c.change,
             "rank_a": c.rank_a, "rank_b": c.rank_b} for c in changes]  # fmt: skip
    if fmt is Format.json:
        typer.echo(json.dumps({"scheme": parsed.key, "a": ra.stage.key, "b": rb.stage.key, "units": rows},
                              ensure_ascii=False, indent=1))  # fmt: skip
        return
    if fmt is Format.csv:
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["被考核单位", "代码", f"{a}得分", f"{b}得分", "变化", f"{a}排名", f"{b}排名"])
        for r in rows:
            w.writerow(neutralise_row(list(r.values())))
        sys.stdout.write(out.getvalue())
        return
    typer.echo(f"{parsed.name}：{ra.stage.label} → {rb.stage.label}")
    for r in rows:
        change = "—" if r["change"] is None else f"{r['change']:+.2f}"
        typer.echo(
            f"{r['unit']:<12} {r['score_a']!s:>7} → {r['score_b']!s:>7}  {change:>7}  排名 {r['rank_a']} → {r['rank_b']}"
        )
