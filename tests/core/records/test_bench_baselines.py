"""bench/records.py's own correctness: its hand-written baselines compute the contract's indicator set.

The floor's SQL is held to values worked out by hand on six records; pandas, PostgreSQL (when the
server is reachable) and the DuckDB floor must then agree cell by cell on a small generated province.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from yigai.core.records.idnumber import check_digit
from yigai.core.records.synth import generate

BENCH = Path(__file__).resolve().parents[3] / "bench" / "_records_baselines.py"
_spec = importlib.util.spec_from_file_location("_records_baselines", BENCH)
assert _spec is not None and _spec.loader is not None
rb: Any = importlib.util.module_from_spec(_spec)
sys.modules["_records_baselines"] = rb
_spec.loader.exec_module(rb)

A, B = "130102", "130104"
PG_ADMIN = os.environ.get("SYNTH_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _id(n: int) -> str:
    first = f"{A}1950010{n}00{n}"
    return first + check_digit(first)


def _day(d: int) -> dt.date:
    return dt.date(2024, 1, d)


def _hand_made(out: Path) -> None:
    cols = ["id_number", "record_no", "facility", "facility_level", "county", "residence_county", "visit_type",
            "service_date", "admission_date", "total_cost", "insurance_paid", "diagnosis", "procedure", "elective",
            "referral", "appointment", "internet", "drg"]  # fmt: skip
    rows = [
        (_id(1), "r1", "FA1", "基层", A, A, "门诊", _day(5), None, 100.0, 50.0, "I10", None, None, "下转", "是", "否", None),
        (_id(2), "r2", "FA2", "二级", A, B, "门诊", _day(6), None, 300.0, 0.0, "J06.9", None, None, None, "否", "是", None),
        (_id(1), "r3", "FA3", "三级", A, A, "急诊", _day(7), None, 500.0, 0.0, "S01.8", None, None, None, "否", "否", None),
        (_id(1), "r4", "FA2", "二级", A, A, "住院", _day(5), _day(1), 8000.0, 5000.0, "K80.2", "51.23", "是", None,
         "否", "否", "ES23"),
        (_id(2), "r5", "FA3", "三级", A, B, "日间手术", _day(9), _day(9), 7000.0, 4000.0, "H25.9", "13.41", "是",
         None, "否", "否", None),
        (_id(3), "r6", "FB1", "基层", B, A, "住院", _day(13), _day(10), 3000.0, 2000.0, "J18.9", None, None, None,
         "否", "否", "ES23"),
    ]  # fmt: skip
    table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})
    (out / "services" / "month=2024-01").mkdir(parents=True)
    pq.write_table(table, out / "services" / "month=2024-01" / "part-00000.parquet")
    contracts = pa.table({
        "id_number": [_id(1), _id(2), _id(1), _id(3)], "county": [A, A, A, B],
        "sign_date": [_day(2), _day(3), _day(20), _day(4)], "team_code": ["T1", "T1", "T2", "T3"],
        "key_group": ["老年人", None, "老年人", "儿童"], "end_date": [None, None, None, None],
    })  # fmt: skip
    (out / "family_doctor").mkdir()
    pq.write_table(contracts, out / "family_doctor" / "part-00000.parquet")
    (out / "drg_weights.csv").write_text("drg,name,weight\nES23,示例,0.8512\n", encoding="utf-8")


HAND = {
    ("COUNTY_VISIT_RATE", A): (3, 4), ("COUNTY_VISIT_RATE", B): (0, 2),
    ("COUNTY_INPATIENT_SHARE", A): (1, 2), ("COUNTY_INPATIENT_SHARE", B): (0, 1),
    ("PRIMARY_CARE_SHARE", A): (1, 3), ("DAY_SURGERY_SHARE", A): (1, 2), ("APPOINTMENT_RATE", A): (1, 2),
    ("OUTPATIENT_COST", A): (900, 3), ("INPATIENT_COST", A): (8000, 1), ("INPATIENT_COST", B): (3000, 1),
    ("AVERAGE_STAY", A): (4, 1), ("AVERAGE_STAY", B): (3, 1), ("DOWN_REFERRALS", A): (1, None),
    ("INTERNET_SHARE", A): (1, 3), ("CMI", A): (0.8512, 1),
    ("FD_CONTRACTED", A): (2, None), ("FD_CONTRACTED_KEY", A): (1, None),
    ("FD_CONTRACTED", B): (1, None), ("FD_CONTRACTED_KEY", B): (1, None),
}  # fmt: skip


def _hand_result() -> dict[tuple[str, str, str], tuple[float, float | None]]:
    return {
        (code, org, "2024" if code.startswith("FD_") else "202401"): (
            float(n),
            None if d is None else float(d),
        )
        for (code, org), (n, d) in HAND.items()
    }


def _postgres(tmp_name: str) -> str:
    psycopg = pytest.importorskip("psycopg")
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as con:
            con.execute(f"DROP DATABASE IF EXISTS {tmp_name}")
            con.execute(f"CREATE DATABASE {tmp_name}")
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL not reachable")
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + tmp_name


def test_floor_sql_gives_the_values_worked_out_by_hand(tmp_path: Path) -> None:
    _hand_made(tmp_path)
    assert rb.compare(rb.duckdb_compute(tmp_path), _hand_result()) == []


def test_pandas_gives_the_values_worked_out_by_hand(tmp_path: Path) -> None:
    _hand_made(tmp_path / "data")
    rb.pandas_ingest(tmp_path / "data", tmp_path / "zone")
    assert rb.compare(rb.pandas_compute(tmp_path / "zone"), _hand_result()) == []


def test_compare_reports_a_changed_and_a_missing_cell() -> None:
    ours = _hand_result()
    theirs = dict(ours)
    theirs[("CMI", A, "202401")] = (0.85, 1.0)
    del theirs[("APPOINTMENT_RATE", A, "202401")]
    problems = rb.compare(ours, theirs)
    assert len(problems) == 2 and any("CMI" in p for p in problems)


def test_the_three_baselines_agree_on_a_generated_province(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, scale=0.0001, year=2024, seed=3)
    floor = rb.duckdb_compute(data)
    assert len(floor) > 5000
    rb.pandas_ingest(data, tmp_path / "zone")
    assert rb.compare(floor, rb.pandas_compute(tmp_path / "zone")) == []
    dsn = _postgres("test_synth_bench")
    rb.postgres_ingest(data, dsn)
    assert rb.compare(floor, rb.postgres_compute(dsn)) == []


def test_yigai_output_is_read_into_the_baselines_shape() -> None:
    spec = importlib.util.spec_from_file_location("bench_records", BENCH.parent / "records.py")
    assert spec is not None and spec.loader is not None
    bench: Any = importlib.util.module_from_spec(spec)
    sys.modules["bench_records"] = bench  # dataclasses look their module up
    spec.loader.exec_module(bench)
    out = bench.yigai_result(
        'progress…\n{"values": [{"indicator": "REC_CMI", "org_unit": "130102", "period": "2024-01",'
        ' "numerator": 1.7024, "denominator": 2}, {"indicator": "FD_COVERAGE", "org_unit": "130102",'
        ' "period": "2024", "numerator": 2, "denominator": 500}]}'
    )
    assert out == {("CMI", A, "202401"): (1.7024, 2.0), ("FD_CONTRACTED", A, "2024"): (2.0, None)}
