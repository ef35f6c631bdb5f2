"""`yigai access compute`: the medical service circle (15分钟医疗服务圈) from a facility registry and points."""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from yigai.cli import app

if TYPE_CHECKING:
    from yigai.core.access import AccessResult, TravelParameters, TravelTimeEngine

# The access engine (numpy, scipy, shapely, osmium) is imported by the commands that use it, so that
# every other `yigai` command starts without it.

access_app = typer.Typer(
    help="医疗服务圈：居民到最近医疗机构的出行时间（路网或直线距离估算）、各区县覆盖率、缺口和新设卫生院建议。"
    " Access to care: travel-time estimate, coverage, gaps.",
    no_args_is_help=True,
)
app.add_typer(access_app, name="access")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Report(StrEnum):
    regions = "regions"
    gaps = "gaps"
    sites = "sites"
    points = "points"


@access_app.command("compute")
def access_compute(
    facilities: Annotated[
        Path,
        typer.Option(
            "--facilities",
            help="机构名录 CSV/XLSX：code,name,level(基层/县级/二级及以上),type,county,longitude,latitude,status(运营/在建/停业)",
        ),
    ],
    points: Annotated[
        Path,
        typer.Option(
            "--points",
            help="人口点 CSV/XLSX（村/社区）：code,name,county,longitude,latitude,population[,area_type(城区/平原农村/山区)]",
        ),
    ],
    minutes: Annotated[
        float | None,
        typer.Option("--minutes", min=0.1, help="基层医疗服务圈分钟数（默认 15，见 data/access.yaml）"),
    ] = None,
    county_minutes: Annotated[
        float | None, typer.Option("--county-minutes", min=0.1, help="县级医院服务圈分钟数（默认 30）")
    ] = None,
    sites: Annotated[
        int | None, typer.Option("--sites", min=0, help="列出前几个新设卫生院建议（默认 10）")
    ] = None,
    report: Annotated[
        Report,
        typer.Option(
            "--report", help="table/csv 输出哪张表：regions | gaps | sites | points（json 全部输出）"
        ),
    ] = Report.regions,
    format: Annotated[Format, typer.Option("--format", "-f", help="table | json | csv")] = Format.table,
    network: Annotated[
        Path | None,
        typer.Option(
            "--network",
            help="OpenStreetMap 路网文件（.osm / .osm.pbf，离线读取）：按路网计算出行时间；不给则用直线距离估算",
        ),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store",
            help="把结果存入平台：各区县人口覆盖数据值（指标 ACCESS_PRIMARY_SHARE 等）、地图和缺口清单",
        ),
    ] = False,
    year: Annotated[
        int | None, typer.Option("--year", min=2000, max=2100, help="--store 存入的年度（默认今年）")
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="--store 记为操作人的用户名")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="--store 时标为示例数据（yigai access sample 生成的数据）")
    ] = False,
) -> None:
    """计算医疗服务圈覆盖：每个人口点到最近各级机构的出行时间（给 --network 按路网，否则直线距离估算）。

    With --network FILE (an OpenStreetMap extract, read offline with osmium): points and facilities walk to
    their nearest road node, then the fastest route at the speed of each road class (data/access.yaml
    network.speeds_kmh), labelled 路网出行时间. Without it: great-circle distance × detour factor ÷ speed by
    area type, labelled 直线距离估算. Prints coverage per county/city/province, the points outside the
    circle (largest population first) and a ranked list of sites for one new 卫生院. Exit 0 when computed,
    1 on bad input (file/row/field named).
    """
    from yigai.core.access import (
        AccessInputError,
        StraightLineEstimate,
        TravelParameters,
        compute_access,
        load_inputs,
    )
    from yigai.core.access.network import NetworkError, RoadNetwork
    from yigai.core.divisions import read_divisions

    params = TravelParameters.load()
    divisions = read_divisions()
    if store and (minutes not in (None, params.circles["primary"].minutes) or county_minutes not in (
        None, params.circles["county"].minutes
    )):  # fmt: skip
        print(
            "yigai access: --store 只保存按 data/access.yaml 服务圈分钟数计算的结果"
            "（指标名称里的分钟数）；要改分钟数请改该文件",
            file=sys.stderr,
        )
        raise typer.Exit(1)
    try:
        inputs = load_inputs(facilities, points, params=params, divisions=divisions)
    except AccessInputError as exc:
        print(f"yigai access: 输入有误，未计算：\n{exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    engine: TravelTimeEngine = StraightLineEstimate(params)
    if network is not None:
        try:
            engine = RoadNetwork.from_osm(network, params.network, params.earth_radius_km)
        except NetworkError as exc:
            print(f"yigai access: 路网有误，未计算：{exc}", file=sys.stderr)
            raise typer.Exit(1) from None
    for warning in inputs.warnings:
        print(f"yigai access: 提示：{warning}", file=sys.stderr)
    result = compute_access(
        inputs.points,
        inputs.facilities,
        engine=engine,
        params=params,
        divisions=divisions,
        primary_minutes=minutes,
        county_minutes=county_minutes,
        suggestions=sites,
    )
    if store:
        _store(
            result, inputs, engine, divisions, facilities, points, network, year, user, sites, params, demo
        )
    if format is Format.json:
        payload = {
            "warnings": [str(w) for w in inputs.warnings],
            "network": None if network is None else str(network),
            **_tables(result),
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    rows = _tables(result)[report.value]
    if format is Format.csv:
        _write_csv(rows)
    else:
        _write_table(rows, result, network)


def _store(
    result: AccessResult, inputs: Any, engine: TravelTimeEngine, divisions: Any, facilities: Path,
    points: Path, network: Path | None, year: int | None, username: str | None, sites: int | None,
    params: TravelParameters, demo: bool,
) -> None:  # fmt: skip
    """Save the run and its indicator values (messages on stderr, so --format json stays parseable)."""
    import datetime as dt

    from yigai.cli.platform import _ready

    _ready()
    from yigai.apps.access.services import AccessStoreError, access_store
    from yigai.apps.accounts.models import User
    from yigai.apps.indicators.services import ValuesRejected
    from yigai.core.permissions import Perm, may

    who = None
    if username is not None:
        who = User.objects.filter(username=username).first()
        if who is None or not may(who, Perm.IMPORT_VALUES):
            print(f"yigai access: 用户不存在或无权导入指标值：{username}", file=sys.stderr)
            raise typer.Exit(1)
    from yigai.core.access import suggest_by_region

    count = params.suggestions if sites is None else sites
    ranked = suggest_by_region(result, inputs.points, engine=engine, divisions=divisions, count=count)
    try:
        report = access_store(
            result=result, points=inputs.points, sites=ranked, year=year or dt.date.today().year,
            facilities_file=facilities.name, points_file=points.name,
            network_file=network.name if network else "", user=who, is_demo=demo,
        )  # fmt: skip
    except (AccessStoreError, ValuesRejected) as exc:
        print(f"yigai access: 未保存：{exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    v = report.values
    print(
        f"yigai access: 已保存测算 #{report.run.pk}（{report.run.year} 年，{result.method}）；指标数据值"
        f"{'已导入过（内容相同）' if v.already_imported else f'新增 {v.created}，更新 {v.updated}'}"
        f"，来源文件名 {v.batch.file_name}",
        file=sys.stderr,
    )
    if report.unreachable:
        print(
            f"yigai access: 提示：{'、'.join(report.unreachable)} 有居民到不了任何基层医疗卫生机构，"
            "未写入最长出行时间",
            file=sys.stderr,
        )


@access_app.command("sample")
def access_sample(
    out: Annotated[Path, typer.Option("--out", help="输出目录（写入 facilities.csv 和 points.csv）")],
    villages: Annotated[int, typer.Option("--villages", min=1, help="示例村数")] = 2000,
    facilities: Annotated[int, typer.Option("--facilities", min=1, help="示例机构数")] = 1500,
    seed: Annotated[int, typer.Option("--seed", help="随机数种子（同一种子得到同样的数据）")] = 19,
    roads: Annotated[
        bool,
        typer.Option(
            "--roads", help="同时写入示例路网 roads.osm.pbf（覆盖全省的方格路网，约 1 公里一条，仅供试用）"
        ),
    ] = False,
) -> None:
    """生成示例数据（河北省内随机的示例村和示例机构），用于试用 yigai access compute。

    Write synthetic 示例 facilities.csv and points.csv inside the packaged Hebei county boundaries.
    Never real data: every name starts with 示例.
    """
    from yigai.core.access.registry import FACILITY_COLUMNS, POINT_COLUMNS
    from yigai.core.access.synthetic import make_data, write_road_grid

    points, facs = make_data(villages, facilities, seed)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with (out / "facilities.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(FACILITY_COLUMNS)
            for x in facs:
                writer.writerow(
                    [
                        x.code,
                        x.name,
                        x.level,
                        x.type,
                        x.county,
                        f"{x.longitude:.5f}",
                        f"{x.latitude:.5f}",
                        x.status,
                    ]
                )
        with (out / "points.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow((*POINT_COLUMNS, "area_type"))
            for p in points:
                writer.writerow(
                    [
                        p.code,
                        p.name,
                        p.county,
                        f"{p.longitude:.5f}",
                        f"{p.latitude:.5f}",
                        p.population,
                        p.area_type,
                    ]
                )
    except OSError as exc:
        print(f"yigai access: 无法写入 {out}（{exc.__class__.__name__}）", file=sys.stderr)
        raise typer.Exit(1) from None
    print(
        f"已写入 {out / 'facilities.csv'}（{len(facs)} 个示例机构）和 {out / 'points.csv'}（{len(points)} 个示例村）"
    )
    if roads:
        nodes, ways = write_road_grid(out / "roads.osm.pbf")
        print(f"已写入 {out / 'roads.osm.pbf'}（示例方格路网：{nodes} 个节点，{ways} 条道路）")


def _tables(result: AccessResult) -> dict[str, Any]:
    method = result.method
    regions = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "points": r.points,
            "population": r.population,
            "primary_population": r.primary_population,
            "primary_share": None if r.primary_share is None else round(r.primary_share, 4),
            "county_population": r.county_population,
            "county_share": None if r.county_share is None else round(r.county_share, 4),
            "method": method,
        }
        for r in result.regions
        if r.points
    ]
    points = [_point(p, method) for p in result.points]
    gaps = [_point(p, method) for p in result.gaps]
    sites = [
        {
            "rank": s.rank,
            "code": s.code,
            "name": s.name,
            "county": s.county,
            "longitude": s.longitude,
            "latitude": s.latitude,
            "new_population": s.new_population,
            "new_points": s.new_points,
            "minutes": result.primary_minutes,
            "method": method,
        }
        for s in result.suggestions
    ]
    return {
        "method": method,
        "primary_minutes": result.primary_minutes,
        "county_minutes": result.county_minutes,
        "regions": regions,
        "gaps": gaps,
        "sites": sites,
        "points": points,
    }


def _point(p: Any, method: str) -> dict[str, Any]:
    row: dict[str, Any] = {"code": p.code, "name": p.name, "county": p.county, "population": p.population}
    from yigai.core.access.registry import LEVELS

    for level in LEVELS:
        found = p.nearest[level]
        row[f"{level}_code"] = found[0] if found else None
        row[f"{level}_km"] = round(found[1], 3) if found else None
        row[f"{level}_minutes"] = round(found[2], 1) if found else None
    row["primary_minutes"] = _finite(p.primary_minutes)
    row["county_minutes"] = _finite(p.county_minutes)
    row["primary_covered"] = p.primary_covered
    row["county_covered"] = p.county_covered
    row["method"] = method
    return row


def _finite(value: float) -> float | None:
    return None if value == float("inf") else round(value, 1)


def _write_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _neutral(v) for k, v in row.items()})


def _neutral(value: Any) -> Any:
    """A text cell starting with = + - @ is prefixed so a spreadsheet never evaluates it as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


_LABELS = {
    "code": "编码",
    "name": "名称",
    "level": "层级",
    "points": "人口点数",
    "population": "人口",
    "primary_population": "基层圈内人口",
    "primary_share": "基层圈覆盖率",
    "county_population": "县级医院圈内人口",
    "county_share": "县级医院圈覆盖率",
    "county": "区县",
    "primary_minutes": "基层圈最近机构分钟",
    "county_minutes": "县级医院圈最近医院分钟",
    "primary_covered": "基层圈内",
    "county_covered": "县级医院圈内",
    "rank": "名次",
    "longitude": "经度",
    "latitude": "纬度",
    "new_population": "新增覆盖人口",
    "new_points": "新增覆盖点数",
    "minutes": "服务圈分钟",
}


def _label(field: str) -> str:
    from yigai.core.access.registry import LEVELS

    for level in LEVELS:
        for suffix, text in (("_code", "最近{}机构"), ("_km", "到{}公里"), ("_minutes", "到{}分钟")):
            if field == level + suffix:
                return text.format(level)
    return _LABELS.get(field, field)


def _write_table(rows: list[dict[str, Any]], result: AccessResult, network: Path | None) -> None:
    how = "（非路网时间）" if network is None else f"（{network.name}；公里为直线距离）"
    print(
        f"方法：{result.method}{how}；基层服务圈 {result.primary_minutes:g} 分钟，"
        f"县级医院服务圈 {result.county_minutes:g} 分钟"
    )
    if not rows:
        print("（无）")
        return
    fields = [k for k in rows[0] if k != "method"]
    print("\t".join(_label(f) for f in fields))
    for row in rows:
        print("\t".join("" if row[k] is None else str(row[k]) for k in fields))
