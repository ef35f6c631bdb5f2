"""Record-level data commands: ``yigai records import|aggregate|list``.

Records are pseudonymised on import into the record zone (``YIGAI_DATA_DIR/records/``, never the
database; see :mod:`yigai.core.records`). ``aggregate`` reads them, so it requires ``--reason`` and leaves
an audit event (who, which dataset and batches, how many rows, why); counts it shows or exports below city
level are suppressed (``<5``, complementary ``*``). Bad input ends in Chinese lines on stderr naming
file, row, field and reason, exit 1, and nothing written.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer

from yigai.cli import app
from yigai.cli.platform import _fail, _ready, user_errors
from yigai.core.cells import neutralise

records_app = typer.Typer(
    help="记录级数据（家庭医生签约、门诊住院记录）：假名化导入、汇总为指标数据、查看批次。",
    no_args_is_help=True,
)
app.add_typer(records_app, name="records")

MIN_COUNT_ENV = "YIGAI_RECORDS_MIN_COUNT"
ReasonOpt = Annotated[str, typer.Option("--reason", help="读取记录级数据的事由（必填，记入审计日志）")]
OUT_COLUMNS = ["level", "org_unit", "name", "data_element", "period", "value"]


def _spec(dataset: str) -> Any:
    from yigai.core.records import shipped_specs

    specs = shipped_specs()
    if dataset not in specs:
        _fail(f"未知的数据集 {dataset}（可用：{'、'.join(sorted(specs))}）", code=2)
    return specs[dataset]


def _data_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR)


def _key() -> Any:
    from yigai.core.records import PseudonymKeyError, load_key

    production = os.environ.get("YIGAI_ENV", "development") == "production"
    try:
        return load_key(data_dir=_data_dir(), production=production)
    except PseudonymKeyError as exc:
        _fail(str(exc))


def _min_count() -> int:
    from django.conf import settings

    raw = os.environ.get(MIN_COUNT_ENV) or str(getattr(settings, "RECORDS_MIN_COUNT", 5))
    if not raw.isdigit() or int(raw) < 2:
        _fail(f"{MIN_COUNT_ENV} 应为不小于 2 的整数：{raw}")
    return int(raw)


def _reason(reason: str) -> str:
    if not reason.strip():
        _fail("请用 --reason 写明读取记录级数据的事由", code=2)
    return reason.strip()


def _audit(action: str, result: str = "success", **details: Any) -> None:
    from yigai.apps.audit.services import audit_record

    audit_record(actor=None, action=action, result=result, details=details)  # actor: cli:<os user>


def _progress(name: str) -> Any:
    shown: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if shown.get(stage) != tenth:
            shown[stage] = tenth
            typer.echo(f"{name}：{stage} {tenth * 10}%", err=True)

    return show


@records_app.command(
    "import", help="导入记录文件（CSV 或 Parquet）：身份证号假名化，姓名、电话、住址不入库。"
)
@user_errors
def import_records(
    dataset: Annotated[
        str, typer.Argument(help="数据集：family_doctor（家庭医生签约）、services（门诊住院）")
    ],
    files: Annotated[list[Path], typer.Argument(help="记录文件（.csv、.parquet）")],
    reason: Annotated[str, typer.Option("--reason", help="导入事由（可选，记入审计日志）")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", help="不显示进度")] = False,
) -> None:
    spec = _spec(dataset)
    _ready()
    from yigai.apps.orgunits.models import OrgUnit
    from yigai.core.records import RecordsRejected, ZoneError, ingest

    key = _key()
    org_units = list(OrgUnit.objects.filter(level="county").values_list("code", flat=True))
    failed = 0
    for path in files:
        try:
            done = ingest(spec, path, data_dir=_data_dir(), key=key, org_units=org_units,
                          progress=None if quiet else _progress(path.name))  # fmt: skip
        except RecordsRejected as exc:
            for problem in exc.problems:
                typer.echo(f"错误：{problem}", err=True)
            more = f"（仅列出前 {len(exc.problems)} 处）" if exc.total > len(exc.problems) else ""
            typer.echo(f"错误：{path.name} 有 {exc.total} 处错误{more}，未导入任何记录", err=True)
            _audit(
                "records.import", "failed", dataset=dataset, file=path.name, problems=exc.total, reason=reason
            )
            failed += 1
            continue
        except ZoneError as exc:
            typer.echo(f"错误：{path.name}：{exc}", err=True)
            _audit("records.import", "failed", dataset=dataset, file=path.name, error=str(exc), reason=reason)
            failed += 1
            continue
        b = done.batch
        _audit("records.import", dataset=dataset, file=path.name, content_hash=b.content_hash, rows=b.rows,
               already_imported=done.already_imported, key_fingerprint=b.key_fingerprint, reason=reason)  # fmt: skip
        if done.already_imported:
            typer.echo(f"已导入过（内容相同，未改动）：{path.name}（批次 {b.short_hash}）")
        else:
            typer.echo(
                f"已导入 {path.name}：{b.rows} 条记录，批次 {b.short_hash}（已假名化，姓名、电话、住址未保存）"
            )
    if failed:
        raise typer.Exit(1)


def _shown_rows(cells: Any, k: int) -> list[dict[str, Any]]:
    """County cells with primary suppression, and their reporting parent's total (complementary)."""
    from yigai.apps.orgunits.models import OrgUnit
    from yigai.core.records import suppress_group

    units = {
        u.code: u
        for u in OrgUnit.objects.select_related("parent").filter(code__in={c.org_unit for c in cells})
    }
    groups: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for c in cells:
        unit = units.get(c.org_unit)
        parent = unit.parent.code if unit is not None and unit.parent is not None else ""
        groups[(c.data_element, c.period, parent)][c.org_unit] = c.value
    # totals only for cities: counties reporting straight to the province (定州, 辛集) stand alone
    parents = {u.code: u for u in OrgUnit.objects.filter(code__in={g[2] for g in groups}, level="city")}
    rows = []
    for (element, period, parent), members in sorted(groups.items()):
        shown, total = suppress_group(members, sum(members.values()) if parent in parents else None, k)
        if total is not None:
            rows.append({"level": parents[parent].level, "org_unit": parent, "name": parents[parent].name,
                         "data_element": element, "period": period, "value": total.text})  # fmt: skip
        for code in sorted(shown):
            unit = units.get(code)
            rows.append({"level": unit.level if unit else "", "org_unit": code, "name": unit.name if unit else "",
                         "data_element": element, "period": period, "value": shown[code].text})  # fmt: skip
    return rows


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in r.items()} for r in rows)  # no cell starts a formula
    return out.getvalue()


@records_app.command(
    "aggregate",
    help="把记录汇总为各县（市、区）各期的数据项值并存入指标数据；显示和导出时小于阈值的数显示为“<5”。",
)
@user_errors
def aggregate_records(
    dataset: Annotated[str, typer.Argument(help="数据集代码")],
    reason: ReasonOpt,
    element: Annotated[list[str] | None, typer.Option("--element", help="只汇总这些数据项（可多次）")] = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="只汇总这些年份（可多次）")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只计算和显示，不存入指标数据")] = False,
    format: Annotated[str, typer.Option("--format", help="输出：summary、csv 或 json")] = "summary",
    output: Annotated[
        Path | None, typer.Option("--output", help="把（已抑制小数的）结果导出为 CSV 文件")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="记为导入人的用户名")] = None,
) -> None:
    spec = _spec(dataset)
    why = _reason(reason)
    if format not in ("summary", "csv", "json"):
        _fail(f"不支持的格式 {format}（可用 summary、csv、json）", code=2)
    _ready()
    from yigai.apps.accounts.models import User
    from yigai.apps.indicators.services import ValuesRejected, values_import
    from yigai.core.records import ZoneError, aggregate, batches, values_csv

    who = None
    if user is not None and (who := User.objects.filter(username=user).first()) is None:
        _fail(f"用户不存在：{user}")
    k = _min_count()
    try:
        result = aggregate(spec, data_dir=_data_dir(), elements=element or (), years=year or ())
    except ZoneError as exc:
        _audit("records.aggregate", "failed", dataset=dataset, reason=why, error=str(exc))
        _fail(str(exc))
    details: dict[str, Any] = {"dataset": dataset, "reason": why, "batches": [h[:12] for h in result.batches],
               "rows_read": result.rows_read, "cells": len(result.cells), "elements": element or [],
               "years": year or [], "min_count": k, "output": str(output) if output else ""}  # fmt: skip
    stored = "未存入（--dry-run）"
    if not dry_run and result.cells:
        data = values_csv(result.cells)
        name = f"记录汇总_{dataset}_{'_'.join(h[:8] for h in result.batches)[:180]}.csv"
        demo = all(b.is_demo for b in batches(_data_dir(), dataset))
        try:
            imported = values_import(file_name=name, data=data, user=who, is_demo=demo)
        except ValuesRejected as exc:
            for problem in exc.problems:
                typer.echo(f"错误：{problem}", err=True)
            _audit("records.aggregate", "failed", **details, problems=len(exc.problems))
            _fail(f"汇总结果有 {len(exc.problems)} 处不能存入指标数据（如已审核锁定），未存入任何数据")
        stored = (
            "已存入过（结果相同，未改动）"
            if imported.already_imported
            else f"已存入指标数据：新增 {imported.created}，更新 {imported.updated}，未变 {imported.unchanged}"
        )
        details["values_batch"] = imported.batch.pk
    _audit("records.aggregate", **details)
    rows = _shown_rows(result.cells, k) if (format != "summary" or output) else []
    if output is not None:
        output.write_text(_csv(rows), encoding="utf-8-sig")
    if format == "csv":
        typer.echo(_csv(rows), nl=False)
    elif format == "json":
        typer.echo(
            json.dumps({"dataset": dataset, "min_count": k, "values": rows}, ensure_ascii=False, indent=1)
        )
    else:
        per_element: dict[str, int] = defaultdict(int)
        for c in result.cells:
            per_element[c.data_element] += 1
        summary = "，".join(f"{e} {n} 个" for e, n in sorted(per_element.items())) or "无"
        typer.echo(
            f"{spec.name}：读取 {result.rows_read} 条记录（{len(result.batches)} 个批次），得到数据项值 {summary}"
        )
        typer.echo(stored)
    if output is not None:
        typer.echo(f"已导出 {output}（小于 {k} 的数显示为“<{k}”，为防反推另行隐藏的数显示为“*”）", err=True)


@records_app.command("list", help="列出数据集和已导入的批次（只显示批次信息，不读取记录内容）。")
@user_errors
def list_records(
    dataset: Annotated[str | None, typer.Argument(help="数据集代码（不填则列出全部）")] = None,
    format: Annotated[str, typer.Option("--format", help="输出：table 或 json")] = "table",
) -> None:
    from yigai.core.records import batches, shipped_specs

    if format not in ("table", "json"):
        _fail(f"不支持的格式 {format}（可用 table、json）", code=2)
    specs = [_spec(dataset)] if dataset else list(shipped_specs().values())
    from yigai.cli.platform import _setup

    _setup()
    listing: list[dict[str, Any]] = []
    for spec in specs:
        found = batches(_data_dir(), spec.code)
        listing.append({
            "dataset": spec.code, "name": spec.name, "rows": sum(b.rows for b in found),
            "kept": [c.name for c in spec.kept], "dropped": list(spec.dropped),
            "measures": [m.data_element for m in spec.measures],
            "batches": [{"hash": b.short_hash, "file": b.source_file, "rows": b.rows, "imported_at": b.imported_at,
                         "key_fingerprint": b.key_fingerprint, "demo": b.is_demo} for b in found],
        })  # fmt: skip
    if format == "json":
        typer.echo(json.dumps({"datasets": listing}, ensure_ascii=False, indent=1))
        return
    for d in listing:
        typer.echo(f"{d['dataset']}　{d['name']}　{len(d['batches'])} 个批次，{d['rows']} 条记录")
        typer.echo(
            f"  保存：假名、性别、年龄段、{'、'.join(d['kept'])}；不保存：{'、'.join(d['dropped'])}、出生日期"
        )
        for b in d["batches"]:
            demo = "（示例数据）" if b["demo"] else ""
            typer.echo(f"  {b['hash']}　{b['imported_at']}　{b['rows']} 条　{b['file']}{demo}")


# `yigai records synth` lives in its own module (synthetic data; no database needed).
from yigai.cli import records_synth as _records_synth  # noqa: E402,F401
