"""The golden tiny data set: every record indicator worked out by hand, equal on DuckDB and on Spark.

Data: ``data/golden_services.csv`` (30 visits and discharges, January and February 2024) and
``data/golden_family_doctor.csv`` (7 contracts). Counties: A = 130102 and B = 130104 (city 130100 石家庄),
C = 130203 (city 130200 唐山); BJ = 110105 is a Beijing hospital (out-of-province flow: it counts for its
patients' residence county, and its own facility-county values are left out of the tree). The rows, by
number (file row − 1; fac = facility county, res = residence county, [d] = days of stay):

====  =====  ====  ===  ========  ========  =========  =====  ========  ====  ====  ====  ====
row   fac    lvl   res  type      date      cost       drg    proc/elec  ref   appt  inet  [d]
====  =====  ====  ===  ========  ========  =========  =====  ========  ====  ====  ====  ====
1     A      基层  A    门诊      01-05     100.00                             是    否
2     A      基层  A    门诊      01-06     50.50                              否    否
3     A      二级  A    急诊      01-07     300.00                                   否
4     A      二级  B    门诊      01-08     200.00                       下转  是    是
5     A      二级  A    住院      01-10     8000.00    FR23                                  8
6     A      三级  C    住院      01-08     12000.00   FM19   36.06/是                       5
7     A      二级  A    日间手术  01-15     3000.00           47.01/是                       0
8     A      基层  A    住院      01-25     2000.00    ES23             下转                 5
9     B      基层  B    门诊      01-09     80.00                              否    否
10    B      基层  B    门诊      01-10     70.00                              是    否
11    B      二级  A    住院      01-14     5000.00    BR23   01.24/否                       3
12    B      二级  B    急诊      01-12     150.00                                   否
13    BJ     三级  A    住院      01-15     30000.00   FM19   36.06/是                       10
14    BJ     三级  B    门诊      01-20     500.00                             是    否
15    C      基层  C    门诊      01-03     60.00                              否    是
16    C      二级  C    住院      01-31     15000.00   ES21   33.24/否  上转                 30
17    C      二级  C    日间手术  01-18     2500.00           13.41/是                       0
18    A      基层  A    门诊      02-01     90.00                              是    否
19    A      基层  A    门诊      02-02     110.00                             是    是
20    A      二级  A    急诊      02-03     400.00                                   否
21    A      二级  B    住院      02-04     9000.00    FR23   36.06/是                       7
22    A      三级  A    住院      02-07     4000.00    (none)                                2
23    A      二级  A    日间手术  02-10     3500.00           47.01/是  下转                 0
24    B      基层  B    门诊      02-11     65.00                        下转  否    否
25    B      基层  A    门诊      02-12     75.00                              是    否
26    B      二级  B    住院      02-11     7000.00    ES23                                  10
27    C      基层  C    门诊      02-14     55.00                              否    否
28    C      基层  C    急诊      02-15     120.00                                   否
29    C      三级  C    住院      02-20     20000.00   IC29   81.51/是                       10
30    BJ     三级  C    住院      02-09     25000.00   FM19   36.06/是                       8
====  =====  ====  ===  ========  ========  =========  =====  ========  ====  ====  ====  ====

Weights (shipped 示例 table): FR23 0.79, FM19 2.85, ES23 0.88, BR23 1.05, ES21 1.42, IC29 3.45.
Contracts: P1 (A, 2024-01-10 and again 2024-06-01, 老年人), P2 (A, 2024), P3 (B, 2024, 儿童), P4 (B, 2024),
P5 (B, 2023-12-20, 孕产妇), P6 (C, 2024, 高血压患者). Reported: population A 1000, B 2000, C 500;
key population A 100, B 200, C 50 (2024).

:data:`HAND` holds (numerator, denominator) per indicator, org unit and period, worked out from the table
above (the reasoning is written next to each group); the value is numerator × factor ÷ denominator.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from yigai.core.indicators.compute import DataValue
from yigai.core.records import PseudonymKey, ingest, shipped_specs
from yigai.core.records.computation import compute_elements, indicator_rows
from yigai.core.records.definitions import shipped_definitions

DATA = Path(__file__).parent / "data"
A, B, C, BJ = "130102", "130104", "130203", "110105"
SJZ, TS, HEBEI = "130100", "130200", "130000"
PARENTS: dict[str, str | None] = {HEBEI: None, SJZ: HEBEI, TS: HEBEI, A: SJZ, B: SJZ, C: TS}
J, F = "202401", "202402"

# (indicator, org unit, period) → (numerator, denominator), by hand from the module docstring's table.
HAND: dict[tuple[str, str, str], tuple[float, float]] = {
    # 1 县域内就诊率, by residence. Jan: A residents 1,2,3,5,7,8 (in A) + 11 (B) + 13 (BJ) = 6/8;
    # B residents 9,10,12 (in B) + 4 (A) + 14 (BJ) = 3/5; C residents 15,16,17 (in C) + 6 (A) = 3/4.
    # Feb: A 18,19,20,22,23 + 25 (B) = 5/6; B 24,26 + 21 (A) = 2/3; C 27,28,29 + 30 (BJ) = 3/4.
    ("IN_COUNTY_VISIT_RATE", A, J): (6, 8), ("IN_COUNTY_VISIT_RATE", B, J): (3, 5),
    ("IN_COUNTY_VISIT_RATE", C, J): (3, 4), ("IN_COUNTY_VISIT_RATE", SJZ, J): (9, 13),
    ("IN_COUNTY_VISIT_RATE", HEBEI, J): (12, 17), ("IN_COUNTY_VISIT_RATE", A, F): (5, 6),
    ("IN_COUNTY_VISIT_RATE", B, F): (2, 3), ("IN_COUNTY_VISIT_RATE", C, F): (3, 4),
    ("IN_COUNTY_VISIT_RATE", HEBEI, F): (10, 13), ("IN_COUNTY_VISIT_RATE", HEBEI, "2024"): (22, 30),
    # 2 县域内住院人次占比 (住院 + 日间手术), by residence. Jan: A 5,7,8 in; 11 (B), 13 (BJ) out = 3/5;
    # B residents had no inpatient stay (0/0: no value); C 16,17 in, 6 (A) out = 2/3.
    # Feb: A 22,23 = 2/2; B 26 in, 21 (A) out = 1/2; C 29 in, 30 (BJ) out = 1/2.
    ("REC_IN_COUNTY_INPATIENT_RATE", A, J): (3, 5), ("REC_IN_COUNTY_INPATIENT_RATE", B, J): (0, 0),
    ("REC_IN_COUNTY_INPATIENT_RATE", C, J): (2, 3), ("REC_IN_COUNTY_INPATIENT_RATE", A, F): (2, 2),
    ("REC_IN_COUNTY_INPATIENT_RATE", B, F): (1, 2), ("REC_IN_COUNTY_INPATIENT_RATE", C, F): (1, 2),
    ("REC_IN_COUNTY_INPATIENT_RATE", SJZ, F): (3, 4),
    # 3 基层诊疗量占比 (门诊 + 急诊), by facility county. Jan: A 1,2 of 1,2,3,4 = 2/4; B 9,10 of 9,10,12 = 2/3;
    # C 15 = 1/1. Feb: A 18,19 of 18,19,20 = 2/3; B 24,25 = 2/2; C 27,28 = 2/2. BJ (14) is outside.
    ("REC_PRIMARY_VISIT_SHARE", A, J): (2, 4), ("REC_PRIMARY_VISIT_SHARE", B, J): (2, 3),
    ("REC_PRIMARY_VISIT_SHARE", C, J): (1, 1), ("REC_PRIMARY_VISIT_SHARE", A, F): (2, 3),
    ("REC_PRIMARY_VISIT_SHARE", B, F): (2, 2), ("REC_PRIMARY_VISIT_SHARE", C, F): (2, 2),
    ("REC_PRIMARY_VISIT_SHARE", HEBEI, J): (5, 8),
    # 4 日间手术占择期手术比例. Numerator 日间手术 with a procedure: 7 (A, Jan), 17 (C, Jan), 23 (A, Feb).
    # Denominator 住院/日间手术 with a procedure and 择期=是: Jan A 6,7; C 17 (11 and 16 are 否); Feb A 21,23; C 29.
    ("REC_DAY_SURGERY_SHARE", A, J): (1, 2), ("REC_DAY_SURGERY_SHARE", B, J): (0, 0),
    ("REC_DAY_SURGERY_SHARE", C, J): (1, 1), ("REC_DAY_SURGERY_SHARE", A, F): (1, 2),
    ("REC_DAY_SURGERY_SHARE", C, F): (0, 1), ("REC_DAY_SURGERY_SHARE", HEBEI, "2024"): (3, 6),
    # 5 门诊患者预约诊疗率 (门诊 only). Jan: A 1,4 of 1,2,4 = 2/3; B 10 of 9,10 = 1/2; C 0/1.
    # Feb: A 18,19 = 2/2; B 25 of 24,25 = 1/2; C 0/1.
    ("REC_APPOINTMENT_RATE", A, J): (2, 3), ("REC_APPOINTMENT_RATE", B, J): (1, 2),
    ("REC_APPOINTMENT_RATE", C, J): (0, 1), ("REC_APPOINTMENT_RATE", A, F): (2, 2),
    ("REC_APPOINTMENT_RATE", B, F): (1, 2), ("REC_APPOINTMENT_RATE", C, F): (0, 1),
    # 6 次均门诊费用 (门诊 + 急诊). Jan: A 100+50.50+300+200 = 650.50 / 4; B 80+70+150 = 300 / 3; C 60 / 1.
    # Feb: A 90+110+400 = 600 / 3; B 65+75 = 140 / 2; C 55+120 = 175 / 2. City 130100 Jan: 950.50 / 7.
    ("REC_OUTPATIENT_COST_PER_VISIT", A, J): (650.5, 4), ("REC_OUTPATIENT_COST_PER_VISIT", B, J): (300, 3),
    ("REC_OUTPATIENT_COST_PER_VISIT", C, J): (60, 1), ("REC_OUTPATIENT_COST_PER_VISIT", A, F): (600, 3),
    ("REC_OUTPATIENT_COST_PER_VISIT", B, F): (140, 2), ("REC_OUTPATIENT_COST_PER_VISIT", C, F): (175, 2),
    ("REC_OUTPATIENT_COST_PER_VISIT", SJZ, J): (950.5, 7),
    # 7 次均住院费用 (住院, not 日间手术). Jan: A 8000+12000+2000 = 22000 / 3; B 5000 / 1; C 15000 / 1.
    # Feb: A 9000+4000 = 13000 / 2; B 7000 / 1; C 20000 / 1.
    ("REC_INPATIENT_COST_PER_DISCHARGE", A, J): (22000, 3), ("REC_INPATIENT_COST_PER_DISCHARGE", B, J): (5000, 1),
    ("REC_INPATIENT_COST_PER_DISCHARGE", C, J): (15000, 1), ("REC_INPATIENT_COST_PER_DISCHARGE", A, F): (13000, 2),
    ("REC_INPATIENT_COST_PER_DISCHARGE", B, F): (7000, 1), ("REC_INPATIENT_COST_PER_DISCHARGE", C, F): (20000, 1),
    ("REC_INPATIENT_COST_PER_DISCHARGE", HEBEI, "2024"): (22000 + 5000 + 15000 + 13000 + 7000 + 20000, 9),
    # 8 平均住院日. Jan: A 8+5+5 = 18 / 3; B 3 / 1; C 30 / 1. Feb: A 7+2 = 9 / 2; B 10 / 1; C 10 / 1.
    ("REC_AVERAGE_LENGTH_OF_STAY", A, J): (18, 3), ("REC_AVERAGE_LENGTH_OF_STAY", B, J): (3, 1),
    ("REC_AVERAGE_LENGTH_OF_STAY", C, J): (30, 1), ("REC_AVERAGE_LENGTH_OF_STAY", A, F): (9, 2),
    ("REC_AVERAGE_LENGTH_OF_STAY", B, F): (10, 1), ("REC_AVERAGE_LENGTH_OF_STAY", C, F): (10, 1),
    ("REC_AVERAGE_LENGTH_OF_STAY", TS, J): (30, 1),
    # 9 下转患者人次数 (a count: denominator 1). Jan: A 4,8 = 2; B 0; C 0 (16 is 上转). Feb: A 23; B 24.
    ("REC_DOWNWARD_REFERRALS", A, J): (2, 1), ("REC_DOWNWARD_REFERRALS", B, J): (0, 1),
    ("REC_DOWNWARD_REFERRALS", C, J): (0, 1), ("REC_DOWNWARD_REFERRALS", A, F): (1, 1),
    ("REC_DOWNWARD_REFERRALS", B, F): (1, 1), ("REC_DOWNWARD_REFERRALS", HEBEI, "2024"): (4, 1),
    # 10 互联网诊疗人次占比 (门诊 + 急诊). Jan: A 4 of 4 visits = 1/4; B 0/3; C 15 = 1/1. Feb: A 19 = 1/3; B 0/2; C 0/2.
    ("REC_INTERNET_VISIT_SHARE", A, J): (1, 4), ("REC_INTERNET_VISIT_SHARE", B, J): (0, 3),
    ("REC_INTERNET_VISIT_SHARE", C, J): (1, 1), ("REC_INTERNET_VISIT_SHARE", A, F): (1, 3),
    ("REC_INTERNET_VISIT_SHARE", B, F): (0, 2), ("REC_INTERNET_VISIT_SHARE", C, F): (0, 2),
    # 11 CMI: 住院 at 二级/三级 with a DRG group in the table. Jan: A 5 (0.79) + 6 (2.85) = 3.64 / 2 (8 is 基层);
    # B 11 (1.05) / 1; C 16 (1.42) / 1. Feb: A 21 (0.79) / 1 (22 has no group); B 26 (0.88) / 1; C 29 (3.45) / 1.
    # City 130100 Jan: (3.64 + 1.05) / 3; province Jan: (3.64 + 1.05 + 1.42) / 4.
    ("REC_CMI", A, J): (3.64, 2), ("REC_CMI", B, J): (1.05, 1), ("REC_CMI", C, J): (1.42, 1),
    ("REC_CMI", A, F): (0.79, 1), ("REC_CMI", B, F): (0.88, 1), ("REC_CMI", C, F): (3.45, 1),
    ("REC_CMI", SJZ, J): (4.69, 3), ("REC_CMI", HEBEI, J): (6.11, 4),
    # 12 家庭医生签约覆盖率 2024: A P1 (twice: once), P2 = 2 of 1000; B P3, P4 = 2 of 2000 (P5 signed in 2023);
    # C P6 = 1 of 500; city 130100 4 of 3000; province 5 of 3500. Key groups: A P1 1/100, B P3 1/200, C P6 1/50.
    ("FD_COVERAGE", A, "2024"): (2, 1000), ("FD_COVERAGE", B, "2024"): (2, 2000),
    ("FD_COVERAGE", C, "2024"): (1, 500), ("FD_COVERAGE", SJZ, "2024"): (4, 3000),
    ("FD_COVERAGE", HEBEI, "2024"): (5, 3500), ("FD_COVERAGE_KEY", A, "2024"): (1, 100),
    ("FD_COVERAGE_KEY", B, "2024"): (1, 200), ("FD_COVERAGE_KEY", C, "2024"): (1, 50),
}  # fmt: skip
REPORTED = [DataValue(org, element, "2024", v) for org, element, v in [
    (A, "POP_RESIDENT", 1000), (B, "POP_RESIDENT", 2000), (C, "POP_RESIDENT", 500),
    (A, "KEY_POP", 100), (B, "KEY_POP", 200), (C, "KEY_POP", 50)]]  # fmt: skip


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("golden")
    key = PseudonymKey(b"golden-key-0123456789-0123456789")
    counties = [A, B, C]
    for dataset in ("services", "family_doctor"):
        ingest(shipped_specs()[dataset], DATA / f"golden_{dataset}.csv", data_dir=data_dir, key=key,
               org_units=counties)  # fmt: skip
    return data_dir


def _rows(zone: Path, engine: str, period: str | None = None) -> dict[tuple[str, str, str], tuple]:
    definitions = shipped_definitions()
    run = compute_elements(definitions, data_dir=zone, engine_name=engine, period=period,
                           master="local[1]" if engine == "spark" else None)  # fmt: skip
    rows, outside = indicator_rows(definitions, run.cells, PARENTS, period=period, reported=REPORTED)
    assert outside == len({(c.element, c.period) for c in run.cells if c.org_unit == BJ})
    return {(r.indicator, r.org_unit, r.period): (r.numerator, r.denominator, r.value) for r in rows}


def _hand(key: tuple[str, str, str]) -> tuple[float, float, float | None]:
    num, den = HAND[key]
    factor = shipped_definitions().catalogue.indicator(key[0]).factor
    return num, den, (num * factor / den if den else None)


def _check(got: dict[tuple[str, str, str], tuple], periods: set[str]) -> None:
    for key in HAND:
        if key[2] not in periods:
            continue
        num, den, value = _hand(key)
        g_num, g_den, g_value = got[key]
        assert (g_num, g_den) == (pytest.approx(num), pytest.approx(den)), key
        assert g_value == (None if value is None else pytest.approx(value)), key


def test_duckdb_equals_the_hand_computed_values(zone: Path) -> None:
    got = _rows(zone, "duckdb")  # every period with data: months, and the year of the family-doctor measures
    _check(got, {J, F})
    assert got[("FD_COVERAGE", HEBEI, "2024")] == (5, 3500, pytest.approx(100 * 5 / 3500))
    assert got[("FD_COVERAGE", B, "2023")] == (1, None, None)  # P5 signed in 2023; no population reported
    every_indicator = {k[0] for k in HAND}
    assert every_indicator == set(shipped_definitions().indicators)
    # the year of the monthly indicators: sums of the months' numerators and denominators
    _check(_rows(zone, "duckdb", "2024"), {"2024"})


def test_period_filter_reads_only_that_month(zone: Path) -> None:
    got = _rows(zone, "duckdb", J)
    assert {k[2] for k in got} == {J}
    _check(got, {J})


def _spark_or_skip() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PySpark 未安装（pip install 'yigai[spark]'）：Spark 引擎的测试未运行")


@pytest.mark.slow
def test_spark_equals_duckdb_equals_hand(zone: Path) -> None:
    _spark_or_skip()
    spark = _rows(zone, "spark")
    duck = _rows(zone, "duckdb")
    assert spark.keys() == duck.keys()
    for key in duck:
        assert (
            spark[key] == pytest.approx(duck[key]) if duck[key][2] is not None else spark[key] == duck[key]
        ), key
    _check(spark, {J, F})


def test_weights_are_exact_decimals() -> None:
    from yigai.core.records.reference import example_drg_weights

    assert Decimal(str(example_drg_weights().weights["FM19"])) == Decimal("2.85")


def test_cluster_paths_keep_the_zone_layout_under_the_shared_store(zone: Path) -> None:
    from yigai.core.records.computation import zone_inputs

    inputs, found, table = zone_inputs(zone, ["services"], url="hdfs://nn:8020/yigai/var/")
    (path,) = inputs.files["services"]
    assert path == f"hdfs://nn:8020/yigai/var/records/services/{found[0].content_hash}/data.parquet"
    assert table.is_example and ("FM19", Decimal("2.8500")) in inputs.weights
