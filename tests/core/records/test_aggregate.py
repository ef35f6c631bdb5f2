"""Aggregation: DuckDB counts over the zone equal a plain-Python count over the source file."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from yigai.core.records import PseudonymKey, ZoneError, aggregate, idnumber, ingest, shipped_specs, values_csv

SPECS = shipped_specs()


def _source(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_family_doctor_counts_distinct_persons(
    tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    ingest(SPECS["family_doctor"], fd_file, data_dir=tmp_path, key=key, org_units=counties)
    result = aggregate(SPECS["family_doctor"], data_dir=tmp_path)
    expected: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    rows: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in _source(fd_file):
        rows["FD_CONTRACTED", r["县区代码"], r["签约日期"][:4]] += 1
        person = idnumber.normalise(r["身份证号"])
        expected["FD_CONTRACTED", r["县区代码"], r["签约日期"][:4]].add(person)
        if r["重点人群类别"]:
            expected["FD_CONTRACTED_KEY", r["县区代码"], r["签约日期"][:4]].add(person)
    got = {(c.data_element, c.org_unit, c.period): c.value for c in result.cells}
    assert got == {k: len(v) for k, v in expected.items()}
    assert result.rows_read == 600
    assert any(rows[k] > len(v) for k, v in expected.items())  # someone signed twice: counted once


def test_services_visits_and_in_county_share(
    tmp_path: Path, services_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    ingest(SPECS["services"], services_file, data_dir=tmp_path, key=key, org_units=counties)
    got = {
        (c.data_element, c.org_unit, c.period): c.value
        for c in aggregate(SPECS["services"], data_dir=tmp_path).cells
    }
    expected: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in _source(services_file):
        month = r["就诊日期"][:7].replace("-", "")
        expected[
            "OUTPATIENT_VISITS" if r["就诊类型"] == "门诊" else "DISCHARGES", r["机构所在县区代码"], month
        ] += 1
        expected["COUNTY_RESIDENT_VISITS", r["患者常住县区代码"], month] += 1
        if r["机构所在县区代码"] == r["患者常住县区代码"]:
            expected["IN_COUNTY_VISITS", r["患者常住县区代码"], month] += 1
    assert got == dict(expected)


def test_overlapping_files_count_a_record_once(
    tmp_path: Path, services_file: Path, key: PseudonymKey, counties: list[str]
) -> None:
    spec = SPECS["services"]
    lines = services_file.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "a.csv").write_text("".join(lines[:2001]), encoding="utf-8")
    (tmp_path / "b.csv").write_text("".join([lines[0], *lines[1001:]]), encoding="utf-8")  # 1000 rows in both
    for name in ("a.csv", "b.csv"):
        ingest(spec, tmp_path / name, data_dir=tmp_path / "z", key=key, org_units=counties)
    total = sum(
        c.value for c in aggregate(spec, data_dir=tmp_path / "z", elements=["COUNTY_RESIDENT_VISITS"]).cells
    )
    assert total == 3000


def test_filters_and_errors(tmp_path: Path, fd_file: Path, key: PseudonymKey, counties: list[str]) -> None:
    spec = SPECS["family_doctor"]
    with pytest.raises(ZoneError, match="还没有导入"):
        aggregate(spec, data_dir=tmp_path)
    ingest(spec, fd_file, data_dir=tmp_path, key=key, org_units=counties)
    only = aggregate(spec, data_dir=tmp_path, elements=["FD_CONTRACTED"], years=[2024]).cells
    assert only and {(c.data_element, c.period) for c in only} == {("FD_CONTRACTED", "2024")}
    with pytest.raises(ZoneError, match="不产生数据项 BEDS"):
        aggregate(spec, data_dir=tmp_path, elements=["BEDS"])
    text = values_csv(only).decode()
    assert (
        text.splitlines()[0] == "org_unit,data_element,period,value"
        and len(text.splitlines()) == len(only) + 1
    )
    assert values_csv(list(reversed(only))) == values_csv(only)
