"""Services spec /2 on import: amounts, flags, codes, the DRG table and the rules between two columns are
checked; any failure names file, row, field and reason and stores nothing; a directory of Parquet parts
is one batch."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import pytest

from yigai.core.records import PseudonymKey, RecordsRejected, batches, ingest, shipped_specs
from yigai.core.records.reference import (
    ReferenceError,
    example_drg_weights,
    store_drg_weights,
    zone_drg_weights,
)
from yigai.core.records.zone import DATA_FILE, dataset_dir

GOLDEN = Path(__file__).parent / "data" / "golden_services.csv"
SERVICES = shipped_specs()["services"]
COUNTIES = ["130102", "130104", "130203"]


def _rows() -> list[dict[str, str]]:
    with GOLDEN.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_bad_cells_and_cross_column_rules_are_named(
    write_csv: Any, tmp_path: Path, key: PseudonymKey
) -> None:
    rows = _rows()
    rows[0]["total_cost"] = "-5"  # file row 2
    rows[1]["insurance_paid"] = "99.00"  # > total 50.50 (row 3)
    rows[4]["admission_date"] = "2024-01-20"  # after discharge 2024-01-10 (row 6)
    rows[5]["drg"] = "ZZ99"  # not in the 示例 weight table (row 7)
    rows[6]["elective"] = "可能"  # row 8
    rows[7]["diagnosis"] = "肺炎"  # row 9
    rows[8]["residence_county"] = "110105"  # patients live in the province (row 10)
    rows[9]["visit_type"] = "体检"  # row 11
    bad = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(RecordsRejected) as caught:
        ingest(SERVICES, bad, data_dir=tmp_path / "var", key=key, org_units=COUNTIES)
    got = [(p.file, p.row, p.field, p.reason.split("：")[0]) for p in caught.value.problems]
    assert got == [
        ("bad.csv", 2, "总费用", "金额不能为负数"),
        ("bad.csv", 3, "医保支付金额", "医保支付金额大于总费用（99.00 > 50.50）"),
        ("bad.csv", 6, "入院日期", "入院日期晚于就诊日期（2024-01-20 > 2024-01-10）"),
        ("bad.csv", 7, "DRG分组", "不在DRG 权重表中的分组"),
        ("bad.csv", 8, "是否择期手术", "应为“是”或“否”"),
        ("bad.csv", 9, "主要诊断编码", "编码格式不符"),
        ("bad.csv", 10, "患者常住县区代码", "未知的行政区划代码"),
        ("bad.csv", 11, "就诊类型", "取值不在允许范围（门诊、急诊、住院、日间手术）"),
    ]
    assert batches(tmp_path / "var", "services") == []


def test_typed_zone_columns_and_out_of_province_facilities(tmp_path: Path, key: PseudonymKey) -> None:
    done = ingest(SERVICES, GOLDEN, data_dir=tmp_path, key=key, org_units=COUNTIES)
    data = dataset_dir(tmp_path, "services") / done.batch.content_hash / DATA_FILE
    types = dict(
        duckdb.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{data}')").fetchall()
    )
    assert types["total_cost"] == "DECIMAL(18,2)" and types["appointment"] == "BOOLEAN"
    assert types["admission_date"] == "DATE"
    row = duckdb.execute(
        f"SELECT count(*) FILTER (county = '110105'), count(*) FILTER (admission_date IS NULL), "
        f"sum(total_cost), count(DISTINCT person_pid) FROM '{data}'"
    ).fetchone()
    # by hand from test_golden's table: rows 13, 14, 30 in Beijing; 16 门诊/急诊 rows without a stay
    # (Jan 1-4, 9, 10, 12, 14, 15; Feb 18-20, 24, 25, 27, 28); costs Jan 79,010.50 + Feb 69,415.00
    assert row == (3, 16, pytest.approx(148_425.5), 7)


def test_a_directory_of_parquet_parts_is_one_batch(tmp_path: Path, key: PseudonymKey) -> None:
    parts = tmp_path / "services"
    for month in ("2024-01", "2024-02"):
        (parts / f"month={month}").mkdir(parents=True)
        duckdb.execute(
            f"COPY (SELECT * FROM read_csv('{GOLDEN}', all_varchar=true) WHERE service_date LIKE '{month}%') "
            f"TO '{parts}/month={month}/part-00000.parquet' (FORMAT parquet)"
        )
    done = ingest(SERVICES, parts, data_dir=tmp_path / "var", key=key, org_units=COUNTIES)
    assert done.batch.rows == 30 and done.batch.source_file == "services"
    assert ingest(SERVICES, parts, data_dir=tmp_path / "var", key=key, org_units=COUNTIES).already_imported
    # a bad cell in the second part names that part and its row
    duckdb.execute(
        f"COPY (SELECT * REPLACE ('-1' AS total_cost) FROM read_csv('{GOLDEN}', all_varchar=true) "
        f"WHERE service_date LIKE '2024-02%') TO '{parts}/month=2024-02/part-00000.parquet' (FORMAT parquet)"
    )
    with pytest.raises(RecordsRejected) as caught:
        ingest(SERVICES, parts, data_dir=tmp_path / "var", key=key, org_units=COUNTIES)
    first = caught.value.problems[0]
    assert (first.file, first.row, first.field) == ("services/month=2024-02/part-00000.parquet", 1, "总费用")
    assert len(batches(tmp_path / "var", "services")) == 1


def test_users_load_their_own_weight_table(tmp_path: Path) -> None:
    assert zone_drg_weights(tmp_path).is_example and example_drg_weights().weights["FR23"] == 0.79
    own = tmp_path / "weights.csv"
    own.write_text("drg,name,weight\nFR23,冠脉,0.8123\nZZ99,其他,1\n", encoding="utf-8")
    store_drg_weights(tmp_path, own)
    assert zone_drg_weights(tmp_path).weights == {"FR23": 0.8123, "ZZ99": 1.0}
    own.write_text("drg,name,weight\nFR23,冠脉,0.8\nFR23,冠脉,0.9\n", encoding="utf-8")
    with pytest.raises(ReferenceError, match="第3行，列“drg”：分组重复"):
        store_drg_weights(tmp_path, own)
    assert zone_drg_weights(tmp_path).weights["ZZ99"] == 1.0  # the earlier table stays


TYPED = """SELECT * REPLACE (CAST(service_date AS DATE) AS service_date,
    CAST(admission_date AS TIMESTAMP) AS admission_date, CAST(total_cost AS DOUBLE) AS total_cost,
    CAST(insurance_paid AS DOUBLE) AS insurance_paid, appointment = '是' AS appointment)"""


def _zone_rows(data_dir: Path) -> list[tuple[Any, ...]]:
    files = [
        str(dataset_dir(data_dir, "services") / b.content_hash / DATA_FILE)
        for b in batches(data_dir, "services")
    ]
    return duckdb.execute(
        f"SELECT * EXCLUDE (record_no) FROM read_parquet({files}) ORDER BY record_no"
    ).fetchall()


def test_a_typed_parquet_export_is_stored_as_its_text_would_be(tmp_path: Path, key: PseudonymKey) -> None:
    """Dates as DATE/TIMESTAMP, amounts as DOUBLE, a flag as BOOLEAN (what a data-lake export holds) are
    used as they are, and give the zone the very rows the CSV of the same records gives."""
    typed = tmp_path / "typed.parquet"
    duckdb.execute(
        f"COPY ({TYPED} FROM read_csv('{GOLDEN}', all_varchar=true)) TO '{typed}' (FORMAT parquet)"
    )
    assert duckdb.execute(
        f"SELECT typeof(total_cost), typeof(appointment) FROM '{typed}' LIMIT 1"
    ).fetchone() == ("DOUBLE", "BOOLEAN")
    ingest(SERVICES, GOLDEN, data_dir=tmp_path / "csv", key=key, org_units=COUNTIES)
    ingest(SERVICES, typed, data_dir=tmp_path / "typed", key=key, org_units=COUNTIES)
    from_csv, from_typed = _zone_rows(tmp_path / "csv"), _zone_rows(tmp_path / "typed")
    assert len(from_csv) == 30 and from_typed == from_csv


def test_bad_typed_cells_are_named_like_bad_text(tmp_path: Path, key: PseudonymKey) -> None:
    typed = tmp_path / "typed.parquet"
    duckdb.execute(
        f"""COPY (SELECT * REPLACE (
              CASE WHEN row_number() OVER (ORDER BY record_no) = 1 THEN -5.0
                   WHEN row_number() OVER (ORDER BY record_no) = 2 THEN 'NaN'::DOUBLE ELSE total_cost END
                AS total_cost,
              CASE WHEN row_number() OVER (ORDER BY record_no) = 3 THEN DATE '2999-01-01' ELSE service_date END
                AS service_date)
            FROM ({TYPED} FROM read_csv('{GOLDEN}', all_varchar=true)) AS t ORDER BY record_no)
          TO '{typed}' (FORMAT parquet)"""
    )
    with pytest.raises(RecordsRejected) as caught:
        ingest(SERVICES, typed, data_dir=tmp_path / "var", key=key, org_units=COUNTIES)
    got = [(p.row, p.field, p.reason) for p in caught.value.problems]
    assert got[:3] == [(1, "总费用", "金额不能为负数：-5.0"), (2, "总费用", "不是数字（金额，元）：nan"),
                       (3, "就诊日期", "日期晚于今天：2999-01-01")]  # fmt: skip
    assert batches(tmp_path / "var", "services") == []
