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
    help="记录级数据（家庭医生签约、门诊住院记录）：假名化导入、计算记录级指标（compute）、汇总为指标数据、查看批次、载入 DRG 权重表。",
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
    "import",
    help="导入记录文件（CSV、Parquet，或一个 Parquet 分片目录作为一个批次）：身份证号假名化，姓名、电话、住址不入库；"
    "任一行有误则整个文件（目录）不导入。用法：yigai records import services a.csv，或 --dataset services DIR。",
)
@user_errors
def import_records(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="数据集代码（未用 --dataset 时写在最前）和记录文件（.csv、.parquet，或 Parquet 分片目录）"
        ),
    ],
    dataset_opt: Annotated[
        str | None,
        typer.Option("--dataset", help="数据集：family_doctor（家庭医生签约）、services（门诊住院）"),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="yigai 数据目录（默认 YIGAI_DATA_DIR）")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="导入事由（可选，记入审计日志）")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", help="不显示进度")] = False,
) -> None:
    dataset = dataset_opt or (paths[0] if paths else "")
    files = [Path(p) for p in (paths if dataset_opt else paths[1:])]
    if not files:
        _fail("请给出要导入的记录文件或目录", code=2)
    spec = _spec(dataset)
    if data_dir is not None:
        os.environ["YIGAI_DATA_DIR"] = str(data_dir.resolve())
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


@records_app.command(
    "compute",
    help="由记录计算记录级指标（县域内就诊率、CMI 等，口径见 yigai/data/records_indicators.yaml）：按县、按月计算"
    "分子分母，市、省为所辖县分子分母之和再相除；输出与 yigai indicators compute 相同的行。"
    "--engine duckdb（默认，单机、可超内存）或 spark（本机 local[*] 或 --master 指定的集群）。",
)
@user_errors
def compute_records(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="yigai 数据目录（记录区在 DIR/records/；默认 YIGAI_DATA_DIR）"),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="计算引擎：duckdb 或 spark")] = "duckdb",
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master，如 local[4]、spark://host:7077、yarn")
    ] = None,
    data_url: Annotated[
        str | None,
        typer.Option(
            "--data-url", help="集群上读取同一数据目录的地址前缀，如 hdfs://nn/yigai/var（仅 spark）"
        ),
    ] = None,
    indicator: Annotated[
        list[str] | None, typer.Option("--indicator", help="指标代码（可多次；默认全部）")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="只计算该期间：2024、2024Q1 或 202403")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="输出：json 或 csv")] = "json",
    store: Annotated[
        bool, typer.Option("--store", help="把按县按月的分子分母存入指标数据（附来源）")
    ] = False,
    reason: Annotated[str, typer.Option("--reason", help="读取记录级数据的事由（记入审计日志）")] = "",
) -> None:
    if format not in ("json", "csv"):
        _fail(f"不支持的格式 {format}（可用 json、csv）", code=2)
    if engine not in ("duckdb", "spark"):
        _fail(f"未知的计算引擎 {engine}（可用 duckdb、spark）", code=2)
    if data is not None:
        if not data.is_dir():
            _fail(f"数据目录不存在：{data}")
        os.environ["YIGAI_DATA_DIR"] = str(data.resolve())
    _ready()
    from yigai.apps.indicators.computing import value_record
    from yigai.apps.records.services import RecordsComputeError, records_compute
    from yigai.cli.indicators import VALUE_COLUMNS, _emit

    codes = tuple(c.strip().upper() for c in indicator or ())
    try:
        done = records_compute(user=None, engine=engine, master=master, indicators=codes, period=period,
                               store=store, url=data_url, reason=reason, zone=data.resolve() if data else None)  # fmt: skip
    except RecordsComputeError as exc:
        _fail(str(exc))
        return
    rows = [value_record(r) for r in done.rows]
    run = done.run
    if done.elements.skipped:
        typer.echo(f"未计算（数据集尚未导入）：{'、'.join(done.elements.skipped)}", err=True)
    typer.echo(
        f"{run.engine}：读取 {run.rows_read} 条记录（{len(run.batches)} 个批次），{run.seconds:.2f} 秒，"
        f"得到 {run.cells} 个数据项值"
        + (f"（{run.outside} 个在省外机构所在地，未计入）" if run.outside else "")
        + ("，已存入指标数据" if run.values_batch else ""),
        err=True,
    )
    if format == "json":
        provenance = {"run": run.pk, "engine": run.engine, "master": run.master, "started_at": run.started_at.isoformat(),
                      "seconds": run.seconds, "batches": run.batches, "weights": run.weights,
                      "rows_read": run.rows_read, "stored_batch": run.values_batch.pk if run.values_batch else None}  # fmt: skip
        # one value per line (json's C encoder; indent= would run the pure-Python one over every value)
        lines = ",\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
        head = json.dumps(provenance, ensure_ascii=False, default=str)
        typer.echo(f'{{"provenance": {head},\n"values": [\n{lines}\n]}}')
        return
    _emit(rows, VALUE_COLUMNS, "values", "csv")  # the same CSV as `yigai indicators compute`


@records_app.command(
    "weights",
    help="载入本地的 DRG 权重表（CSV：drg,name,weight），导入和计算 CMI 时使用；不载入时使用内置示例表。",
)
@user_errors
def load_weights(
    file: Annotated[Path, typer.Argument(help="DRG 权重表 CSV")],
) -> None:
    _ready()
    from yigai.core.records.reference import ReferenceError, store_drg_weights

    if not file.is_file():
        _fail(f"文件不存在：{file}")
    try:
        table = store_drg_weights(_data_dir(), file)
    except ReferenceError as exc:
        _fail(str(exc))
        return
    _audit("records.weights", file=file.name, groups=len(table.weights), content_hash=table.content_hash)
    typer.echo(f"已载入 DRG 权重表 {file.name}：{len(table.weights)} 个分组（此后导入的 DRG 分组按此表检查）")


# `yigai records synth` lives in its own module (synthetic data; no database needed).
from yigai.cli import records_synth as _records_synth  # noqa: E402,F401
