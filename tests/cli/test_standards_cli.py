"""`yigai standards check` on small CSV files: gaps listed, bad rows named, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

YIGAI = str(Path(sys.executable).with_name("yigai"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([YIGAI, "standards", "check", *args], capture_output=True, text=True, timeout=120)


def test_gaps_in_json(tmp_path: Path) -> None:
    fac = tmp_path / "f.csv"
    fac.write_text(
        "id,org_unit,type,run_by,grade\nh1,131000,general_hospital,city,3\nc1,131022,general_hospital,county,\n",
        "utf-8",
    )
    pop = tmp_path / "p.csv"
    pop.write_text("org_unit,population\n131000,5460000\n", "utf-8")
    res = run("--facilities", str(fac), "--population", str(pop), "--gaps", "--format", "json")
    assert res.returncode == 0, res.stderr
    gaps = json.loads(res.stdout)
    langfang = next(g for g in gaps if g["rule"] == "CITY_TERTIARY_GENERAL" and g["org_unit"] == "131000")
    assert (langfang["status"], langfang["actual"], langfang["required_min"]) == ("below", 1, 2)
    # 固安 has its county general hospital: it is not among the gaps for that rule
    assert not [g for g in gaps if g["rule"] == "COUNTY_GENERAL" and g["org_unit"] == "131022"]


def test_bad_rows_are_named(tmp_path: Path) -> None:
    fac = tmp_path / "f.csv"
    fac.write_text("id,org_unit,type\nh1,999999,general_hospital\n", "utf-8")
    pop = tmp_path / "p.csv"
    pop.write_text("org_unit,population\n131000,很多\n", "utf-8")
    res = run("--facilities", str(fac), "--population", str(pop))
    assert res.returncode == 1
    assert "第2行 org_unit 列" in res.stderr and "999999" in res.stderr
    fac.write_text("id,org_unit,type\nh1,131000,general_hospital\n", "utf-8")
    res = run("--facilities", str(fac), "--population", str(pop))
    assert res.returncode == 1 and "第2行 population 列" in res.stderr
    res = run("--facilities", str(tmp_path / "missing.csv"), "--population", str(pop))
    assert res.returncode == 1 and "无法读取" in res.stderr and "Traceback" not in res.stderr
