"""The synthetic province generator: deterministic, streamed in chunks, valid per the issue-17 contract,
with the structure it promises (shares checked within broad bands, on ~80,000 rows)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from yigai.core.records.idnumber import problem
from yigai.core.records.synth import SynthError, generate

SCALE = 0.0002
SERVICE_COLUMNS = [
    "id_number", "record_no", "facility", "facility_level", "county", "residence_county", "visit_type",
    "service_date", "admission_date", "total_cost", "insurance_paid", "diagnosis", "procedure", "elective",
    "referral", "appointment", "internet", "drg",
]  # fmt: skip


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "a"
    generate(out, scale=SCALE, year=2024, seed=7)
    return out


def _rows(out: Path, dataset: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    return con.execute(
        f"SELECT * FROM read_parquet('{out}/{dataset}/**/*.parquet', hive_partitioning=false) ORDER BY ALL"
    ).fetchall()


def _sql(out: Path, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW s AS SELECT * FROM read_parquet('{out}/services/*/*.parquet', hive_partitioning=false)"
    )
    return con.execute(query).fetchall()


def test_same_seed_same_rows_other_seed_other_rows(data: Path, tmp_path: Path) -> None:
    again = tmp_path / "b"
    generate(again, scale=SCALE, year=2024, seed=7, chunk_rows=1_000_000)
    assert _rows(again, "services") == _rows(data, "services")
    assert _rows(again, "family_doctor") == _rows(data, "family_doctor")
    assert (again / "facilities.csv").read_bytes() == (data / "facilities.csv").read_bytes()
    other = tmp_path / "c"
    generate(other, scale=SCALE, year=2024, seed=8)
    assert _rows(other, "services") != _rows(data, "services")


def test_small_chunks_stream_more_files_of_the_same_size_data(tmp_path: Path) -> None:
    out = tmp_path / "chunks"
    result = generate(out, scale=SCALE, year=2024, seed=7, chunk_rows=2_000)
    months = sorted(p.name for p in (out / "services").iterdir())
    assert months == [f"month=2024-{m:02d}" for m in range(1, 13)]
    assert result.parts > 12 * 3  # every month was written in several parts
    n = _sql(out, "SELECT count(*), count(DISTINCT record_no) FROM s")[0]
    assert n == (result.services, result.services)


def test_contract_columns_metadata_and_reference_tables(data: Path) -> None:
    part = next((data / "services").glob("month=2024-01/part-*.parquet"))
    schema = pq.read_schema(part)
    assert schema.names == SERVICE_COLUMNS
    assert schema.metadata[b"yigai.synthetic"] == b"true"
    fd = next((data / "family_doctor").glob("part-*.parquet"))
    assert pq.read_schema(fd).names == [
        "id_number",
        "county",
        "sign_date",
        "team_code",
        "key_group",
        "end_date",
    ]
    about = json.loads((data / "SYNTHETIC.json").read_text(encoding="utf-8"))
    assert about["synthetic"] is True and about["scale"] == SCALE and about["seed"] == 7
    assert about["rows"]["services"] == _sql(data, "SELECT count(*) FROM s")[0][0]
    with (data / "facilities.csv").open(encoding="utf-8") as f:
        facilities = list(csv.DictReader(f))
    assert list(facilities[0]) == ["code", "name", "level", "type", "county", "longitude", "latitude", "status",
                                   "ownership", "beds", "grade"]  # fmt: skip
    assert {f["level"] for f in facilities} == {"基层", "县级", "二级及以上"}
    with (data / "drg_weights.csv").open(encoding="utf-8") as f:
        weights = {r["drg"]: float(r["weight"]) for r in csv.DictReader(f)}
    assert all(w > 0 for w in weights.values())
    codes = {f["code"] for f in facilities}
    used = {r[0] for r in _sql(data, "SELECT DISTINCT facility FROM s")}
    assert used <= codes
    drgs = {r[0] for r in _sql(data, "SELECT DISTINCT drg FROM s WHERE drg IS NOT NULL")}
    assert drgs and drgs <= set(weights)


def test_values_are_valid(data: Path) -> None:
    ids = [r[0] for r in _sql(data, "SELECT DISTINCT id_number FROM s")]
    assert [i for i in ids if problem(i) is not None] == []
    bad = _sql(data, """SELECT
        count(*) FILTER (WHERE admission_date > service_date),
        count(*) FILTER (WHERE total_cost < 0 OR insurance_paid < 0 OR insurance_paid > total_cost),
        count(*) FILTER (WHERE visit_type = '住院' AND NOT date_diff('day', admission_date, service_date) BETWEEN 1 AND 30),
        count(*) FILTER (WHERE visit_type IN ('门诊', '急诊') AND admission_date IS NOT NULL),
        count(*) FILTER (WHERE (drg IS NULL) <> (visit_type <> '住院')),
        count(*) FILTER (WHERE (procedure IS NULL) <> (elective IS NULL)),
        count(*) FILTER (WHERE residence_county NOT LIKE '13%' OR year(service_date) <> 2024)
        FROM s""")  # fmt: skip
    assert bad == [(0, 0, 0, 0, 0, 0, 0)]
    persons = _sql(data, "SELECT count(DISTINCT id_number), count(*) FROM s")[0]
    assert persons[0] < persons[1] / 2  # the same people come back


def test_structure_of_a_province(data: Path) -> None:
    (in_county, basic, winter, summer, beijing_tianjin, day_surgery, appointment) = _sql(data, """SELECT
        avg((county = residence_county)::INT),
        avg((facility_level = '基层')::INT) FILTER (WHERE visit_type IN ('门诊', '急诊')),
        count(*) FILTER (WHERE month(service_date) = 1), count(*) FILTER (WHERE month(service_date) = 7),
        avg((county LIKE '11%' OR county LIKE '12%')::INT),
        count(*) FILTER (WHERE visit_type = '日间手术') / count(*) FILTER (WHERE elective = '是'),
        avg((appointment = '是')::INT) FILTER (WHERE visit_type = '门诊' AND facility_level <> '基层')
        FROM s""")[0]  # fmt: skip
    assert 0.85 <= in_county <= 0.92
    assert 0.45 <= basic <= 0.6
    assert winter > 1.2 * summer
    assert 0.002 < beijing_tianjin < 0.05
    assert 0.1 < day_surgery < 0.5
    assert 0.5 <= appointment <= 0.7
    down = _sql(data, "SELECT count(*) FROM s WHERE referral = '下转'")[0][0]
    assert down > 0


def test_refuses_a_full_directory_and_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "full"
    out.mkdir()
    (out / "x.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(SynthError, match="不为空"):
        generate(out, scale=SCALE, year=2024)
    with pytest.raises(SynthError, match="--scale"):
        generate(tmp_path / "new", scale=0, year=2024)
    with pytest.raises(SynthError, match="--year"):  # ID numbers of people born in the future are invalid
        generate(tmp_path / "new", scale=SCALE, year=dt.date.today().year + 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]
    assert [p.name for p in out.iterdir()] == ["x.txt"]
