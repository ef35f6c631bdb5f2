"""`yigai standards check`: resource-layout standards against a facility registry, with the gaps."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from yigai.cli import app
from yigai.core.cells import neutralise_row
from yigai.core.divisions import read_divisions
from yigai.core.standards import Facility, Gap, OrgUnitInfo, StandardsError, check, load_rules

standards_app = typer.Typer(
    help="资源配置标准：按人口和区划核对医疗机构设置，列出缺口。", no_args_is_help=True
)
app.add_typer(standards_app, name="standards")

_STATUS = {"met": "达标", "below": "不足", "above": "超出", "no_data": "无数据"}


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class InputError(Exception):
    pass


def _rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: 无法读取（{exc.__class__.__name__}）") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: 缺少列 {', '.join(missing)}（需要 {', '.join(required)}）")
    return list(reader)


def _number(path: Path, row: int, column: str, value: str) -> float:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        raise InputError(f"{path}: 第{row}行 {column} 列：“{value}”不是数字") from None


def _load(
    facilities: Path, population: Path, beds: Path | None
) -> tuple[list[Facility], dict[str, float], dict[tuple[str, str], float]]:
    codes = {d.code for d in read_divisions()}
    facs: list[Facility] = []
    for i, r in enumerate(_rows(facilities, ("id", "org_unit", "type")), start=2):
        if r["org_unit"] not in codes:
            raise InputError(f"{facilities}: 第{i}行 org_unit 列：未知区划代码“{r['org_unit']}”")
        attrs: dict[str, object] = {k: v for k, v in r.items() if k not in ("id", "org_unit", "type") and v}
        if "grade" in attrs:
            attrs["grade"] = int(_number(facilities, i, "grade", str(attrs["grade"])))
        facs.append(Facility(r["id"], r["org_unit"], r["type"], attrs))
    pop = {}
    for i, r in enumerate(_rows(population, ("org_unit", "population")), start=2):
        pop[r["org_unit"]] = _number(population, i, "population", r["population"])
    res: dict[tuple[str, str], float] = {}
    if beds:
        for i, r in enumerate(_rows(beds, ("org_unit", "beds")), start=2):
            res[(r["org_unit"], "beds")] = _number(beds, i, "beds", r["beds"])
    return facs, pop, res


@standards_app.command("check")
def standards_check(
    facilities: Annotated[
        Path, typer.Option("--facilities", help="机构名录 CSV：id,org_unit,type[,run_by,grade,…]")
    ],
    population: Annotated[Path, typer.Option("--population", help="常住人口 CSV：org_unit,population")],
    beds: Annotated[Path | None, typer.Option("--beds", help="床位数 CSV：org_unit,beds（可选）")] = None,
    only_gaps: Annotated[bool, typer.Option("--gaps", help="只列出不达标和无数据的项")] = False,
    format: Annotated[Format, typer.Option("--format", "-f", help="table | json | csv")] = Format.table,
) -> None:
    """按资源配置标准核对各级区划的机构设置，列出缺口。

    Check the resource-layout standards (src/yigai/data/standards.yaml) for every province, city and
    county of the packaged division tree. Exit 0 when the check ran (gaps are findings, not errors),
    1 on bad input files.
    """
    try:
        rules = load_rules()
        facs, pop, res = _load(facilities, population, beds)
    except (InputError, StandardsError) as exc:
        print(f"yigai standards: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    units = [OrgUnitInfo(d.code, d.name, d.level, d.parent_code) for d in read_divisions()]
    gaps = check(rules, facilities=facs, org_units=units, population=pop, resources_=res)
    if only_gaps:
        gaps = [g for g in gaps if g.status != "met"]
    _print(gaps, format)


def _print(gaps: list[Gap], format: Format) -> None:
    fields = (
        "rule",
        "org_unit",
        "org_unit_name",
        "status",
        "actual",
        "required_min",
        "required_max",
        "message",
    )
    if format is Format.json:
        sys.stdout.write(
            json.dumps([{k: getattr(g, k) for k in fields} for g in gaps], ensure_ascii=False, indent=1)
            + "\n"
        )
    elif format is Format.csv:
        w = csv.writer(sys.stdout)
        w.writerow(fields)
        w.writerows(neutralise_row(getattr(g, k) for k in fields) for g in gaps)
    else:
        for g in gaps:
            sys.stdout.write(f"{_STATUS[g.status]:<4} {g.rule:<22} {g.message}\n")
        below = sum(g.status == "below" for g in gaps)
        sys.stdout.write(
            f"共 {len(gaps)} 项，不足 {below} 项，无数据 {sum(g.status == 'no_data' for g in gaps)} 项\n"
        )
