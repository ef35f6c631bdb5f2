"""`yigai access compute` on small files: results, bad rows named with exit 1 and no traceback, warnings."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook

YIGAI = str(Path(sys.executable).with_name("yigai"))

# 正定县 (130123) on the meridian 114.55°E; 0.01° of latitude = 1.1119508 km, 平原农村 2.8 min/km.
FACILITIES = (
    "code,name,level,type,county,longitude,latitude,status\n"
    "F1,甲卫生院,基层,乡镇卫生院,130123,114.55,38.15,运营\n"
    "H1,正定县医院,县级,县医院,130123,114.55,38.30,运营\n"
)
POINTS = (
    "code,name,county,longitude,latitude,population\n"
    "P1,一村,130123,114.55,38.18,1200\n"  # → F1 0.03° = 3.335852 km × 2.8 = 9.3404 min
    "P2,二村,130123,114.55,38.25,800\n"  # → H1 0.05° = 5.559754 km × 2.8 = 15.5673 min
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([YIGAI, "access", "compute", *args], capture_output=True, text=True, timeout=120)


def files(tmp_path: Path, facilities: str = FACILITIES, points: str = POINTS) -> list[str]:
    (tmp_path / "f.csv").write_text(facilities, "utf-8")
    (tmp_path / "p.csv").write_text(points, "utf-8")
    return ["--facilities", str(tmp_path / "f.csv"), "--points", str(tmp_path / "p.csv")]


def test_json_result(tmp_path: Path) -> None:
    res = run(*files(tmp_path), "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["method"] == "直线距离估算" and out["primary_minutes"] == 15
    county = next(r for r in out["regions"] if r["code"] == "130123")
    # P1 → H1: 0.12° = 13.343410 km × 2.8 = 37.36 min, outside the 30-minute county circle; P2 inside
    assert (county["population"], county["primary_population"], county["county_population"]) == (
        2000,
        1200,
        800,
    )
    assert county["primary_share"] == 0.6
    assert [(g["code"], g["primary_minutes"]) for g in out["gaps"]] == [("P2", 15.6)]
    assert [(s["code"], s["new_population"]) for s in out["sites"]] == [("P2", 800)]
    assert out["warnings"] == []


def test_minutes_option_and_csv(tmp_path: Path) -> None:
    res = run(*files(tmp_path), "--minutes", "16", "--format", "csv", "--report", "regions")
    assert res.returncode == 0, res.stderr
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    assert rows["130123"]["primary_share"] == "1.0"  # P2 at 15.57 min is inside 16
    assert rows["130123"]["method"] == "直线距离估算"


def test_table_names_the_method(tmp_path: Path) -> None:
    res = run(*files(tmp_path), "--report", "gaps")
    assert res.returncode == 0, res.stderr
    assert "直线距离估算（非路网时间）" in res.stdout and "P2" in res.stdout


def test_bad_rows_named_exit_1(tmp_path: Path) -> None:
    facilities = (
        FACILITIES + "F1,重复,基层,卫生室,130123,114.55,38.16,运营\nF3,丙,社区,卫生室,999999,abc,38.1,开业\n"
    )
    res = run(*files(tmp_path, facilities=facilities), "--format", "json")
    assert res.returncode == 1 and res.stdout == ""
    assert "Traceback" not in res.stderr
    err = res.stderr
    assert "f.csv: 第4行 code 列：编码“F1”重复（第2行已有）" in err
    assert "第5行 level 列：“社区”不是机构级别" in err
    assert "第5行 county 列：“999999”不是已知的县级区划代码" in err
    assert "第5行 longitude 列：“abc”不是数字" in err
    assert "第5行 status 列：“开业”不是开业状态" in err


def test_points_file_problems_reported_with_facilities_ok(tmp_path: Path) -> None:
    points = POINTS + "P3,三村,130123,38.2,114.55,-5\n"  # swapped longitude/latitude, negative population
    res = run(*files(tmp_path, points=points))
    assert res.returncode == 1
    assert "p.csv: 第4行 longitude 列" in res.stderr and "第4行 population 列" in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_file_and_missing_column(tmp_path: Path) -> None:
    res = run("--facilities", str(tmp_path / "none.csv"), "--points", str(tmp_path / "none.csv"))
    assert res.returncode == 1 and "无法读取" in res.stderr and "Traceback" not in res.stderr
    res = run(*files(tmp_path, points="code,name,county\nP1,一村,130123\n"))
    assert res.returncode == 1 and "缺少列" in res.stderr


def test_outside_county_is_a_warning(tmp_path: Path) -> None:
    points = POINTS + "P9,九村,130102,114.55,38.30,10\n"  # coordinates in 正定, county says 长安区
    res = run(*files(tmp_path, points=points), "--format", "json")
    assert res.returncode == 0, res.stderr
    assert "第4行" in res.stderr and "不在所属区县 130102 的边界内" in res.stderr
    assert len(json.loads(res.stdout)["warnings"]) == 1


def test_xlsx_input(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in FACILITIES.strip().splitlines():
        sheet.append([float(c) if c[:3] in ("114", "38.") else c for c in line.split(",")])
    book.save(tmp_path / "f.xlsx")
    (tmp_path / "p.csv").write_text(POINTS, "utf-8")
    res = run("--facilities", str(tmp_path / "f.xlsx"), "--points", str(tmp_path / "p.csv"), "-f", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["points"][0]["基层_code"] == "F1"


def test_help_is_bilingual() -> None:
    res = subprocess.run([YIGAI, "access", "compute", "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    assert "直线距离估算" in res.stdout and "OpenStreetMap" in res.stdout and "--network" in res.stdout


def test_sample_files_compute_cleanly(tmp_path: Path) -> None:
    made = subprocess.run(
        [YIGAI, "access", "sample", "--out", str(tmp_path), "--villages", "300", "--facilities", "200"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    args = ["--facilities", str(tmp_path / "facilities.csv"), "--points", str(tmp_path / "points.csv")]
    res = run(*args, "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out["points"]) == 300 and all(p["name"].startswith("示例") for p in out["points"])
    province = next(r for r in out["regions"] if r["level"] == "province")
    assert province["population"] == sum(p["population"] for p in out["points"])


def test_gbk_csv_is_named(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_bytes(FACILITIES.encode("gbk"))
    (tmp_path / "p.csv").write_text(POINTS, "utf-8")
    res = run("--facilities", str(tmp_path / "f.csv"), "--points", str(tmp_path / "p.csv"))
    assert res.returncode == 1 and "不是 UTF-8 编码" in res.stderr and "Traceback" not in res.stderr


NETWORK = Path(__file__).parents[1] / "core" / "access" / "data"


def test_network_result(tmp_path: Path) -> None:
    """The hand-made roads of tests/core/access/data (times worked out in test_network.py): P1 11.1 min to F1,
    P2 16.8 to F2 (outside 15), P3 4.4 on its island (no road to the county hospital), P4 8.2; F4 is 在建."""
    res = run(
        "--facilities", str(NETWORK / "facilities.csv"), "--points", str(NETWORK / "points.csv"),
        "--network", str(NETWORK / "roads.osm"), "--format", "json",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["method"] == "路网出行时间" and out["network"].endswith("roads.osm")
    times = {p["code"]: (p["primary_minutes"], p["county_minutes"]) for p in out["points"]}
    assert times == {"P1": (11.1, 11.8), "P2": (16.8, 16.8), "P3": (4.4, None), "P4": (8.2, 20.1)}
    regions = {
        r["code"]: (r["population"], r["primary_population"], r["county_population"]) for r in out["regions"]
    }
    assert regions["130183"] == (1800, 1300, 1800)
    assert regions["130128"] == (200, 200, 0)
    assert regions["130100"] == (2000, 1500, 1800)  # sums of the counties, not an average of their shares
    assert [g["code"] for g in out["gaps"]] == ["P2"]
    assert [(s["code"], s["new_population"]) for s in out["sites"]] == [("P2", 500)]


def test_bad_network_file(tmp_path: Path) -> None:
    bad = tmp_path / "roads.osm"
    bad.write_text("<osm", "utf-8")
    res = run(*files(tmp_path), "--network", str(bad))
    assert res.returncode == 1
    assert "roads.osm: 无法读取 OpenStreetMap 路网文件" in res.stderr and "Traceback" not in res.stderr
