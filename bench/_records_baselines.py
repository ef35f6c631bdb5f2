"""The record indicator set of issue 17, written three plain ways for bench/records.py to compare yigai with.

* **pandas** — what an analyst would write: ``read_parquet`` the whole set, check it with vectorised
  pandas/numpy, pseudonymise with ``hmac`` once per distinct ID number, write a Parquet zone, then
  ``groupby`` sums of boolean columns;
* **PostgreSQL** — pseudonymise the same way while streaming each Parquet part into ``COPY``, check it
  with SQL, ``ANALYZE``, then the indicator set as three ``GROUP BY`` queries;
* **DuckDB by hand** (the floor) — the same three queries straight over the generated Parquet.

Every implementation returns the same shape, ``{(indicator, org_unit, period): (numerator,
denominator)}`` (denominator ``None`` for counts), for :func:`compare`. Run one step in its own process
(so its time and peak memory are its own)::

    python bench/_records_baselines.py pandas-ingest DATA ZONE
    python bench/_records_baselines.py pandas-compute ZONE OUT.json
    python bench/_records_baselines.py postgres-ingest DATA DSN
    python bench/_records_baselines.py postgres-compute DSN OUT.json
    python bench/_records_baselines.py duckdb-compute DATA OUT.json
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

KEY = b"bench-key-not-secret-0123456789-0123456789"
Result = dict[tuple[str, str, str], tuple[float, float | None]]
OP = "('门诊', '急诊')"
IP = "('住院', '日间手术')"
# (code, name, numerator column, denominator column or None); org unit and period come from the query.
RESIDENCE = (
    ("COUNTY_VISIT_RATE", "县域内就诊率", "n1", "d1"),
    ("COUNTY_INPATIENT_SHARE", "县域内住院人次占比", "n2", "d2"),
)
FACILITY = (
    ("PRIMARY_CARE_SHARE", "基层诊疗量占比", "n3", "d3"),
    ("DAY_SURGERY_SHARE", "日间手术占择期手术比例", "n4", "d4"),
    ("APPOINTMENT_RATE", "门诊患者预约诊疗率", "n5", "d5"),
    ("OUTPATIENT_COST", "次均门诊费用", "n6", "d3"),
    ("INPATIENT_COST", "次均住院费用", "n7", "d7"),
    ("AVERAGE_STAY", "平均住院日", "n8", "d7"),
    ("DOWN_REFERRALS", "下转患者人次数", "n9", None),
    ("INTERNET_SHARE", "互联网诊疗人次占比", "n10", "d3"),
    ("CMI", "病例组合指数", "n11", "d11"),
)
CONTRACTS = (
    ("FD_CONTRACTED", "签约人数", "n12", None),
    ("FD_CONTRACTED_KEY", "重点人群签约人数", "n13", None),
)
INDICATORS = RESIDENCE + FACILITY + CONTRACTS


def _ym(column: str) -> str:
    return f"(EXTRACT(YEAR FROM {column}) * 100 + EXTRACT(MONTH FROM {column}))"


RESIDENCE_SQL = f"""SELECT residence_county AS org, {_ym("service_date")} AS period,
    COUNT(*) FILTER (WHERE county = residence_county) AS n1, COUNT(*) AS d1,
    COUNT(*) FILTER (WHERE visit_type IN {IP} AND county = residence_county) AS n2,
    COUNT(*) FILTER (WHERE visit_type IN {IP}) AS d2
    FROM services GROUP BY 1, 2"""
FACILITY_SQL = f"""SELECT s.county AS org, {_ym("s.service_date")} AS period,
    COUNT(*) FILTER (WHERE visit_type IN {OP} AND facility_level = '基层') AS n3,
    COUNT(*) FILTER (WHERE visit_type IN {OP}) AS d3,
    COUNT(*) FILTER (WHERE visit_type = '日间手术' AND procedure IS NOT NULL) AS n4,
    COUNT(*) FILTER (WHERE visit_type IN {IP} AND procedure IS NOT NULL AND elective = '是') AS d4,
    COUNT(*) FILTER (WHERE visit_type = '门诊' AND appointment = '是') AS n5,
    COUNT(*) FILTER (WHERE visit_type = '门诊') AS d5,
    SUM(total_cost) FILTER (WHERE visit_type IN {OP}) AS n6,
    SUM(total_cost) FILTER (WHERE visit_type = '住院') AS n7,
    COUNT(*) FILTER (WHERE visit_type = '住院') AS d7,
    SUM(s.service_date - s.admission_date) FILTER (WHERE visit_type = '住院') AS n8,
    COUNT(*) FILTER (WHERE referral = '下转') AS n9,
    COUNT(*) FILTER (WHERE visit_type IN {OP} AND internet = '是') AS n10,
    SUM(w.weight) FILTER (WHERE visit_type = '住院' AND facility_level IN ('二级', '三级')) AS n11,
    COUNT(w.weight) FILTER (WHERE visit_type = '住院' AND facility_level IN ('二级', '三级')) AS d11
    FROM services s LEFT JOIN drg_weights w ON s.drg = w.drg GROUP BY 1, 2"""
CONTRACT_SQL = """SELECT county AS org, EXTRACT(YEAR FROM sign_date) AS period,
    COUNT(DISTINCT {person}) AS n12,
    COUNT(DISTINCT {person}) FILTER (WHERE key_group IS NOT NULL AND key_group <> '') AS n13
    FROM family_doctor GROUP BY 1, 2"""


def collect(
    groups: Iterable[tuple[Sequence[tuple[str, str, str, str | None]], Iterable[dict[str, Any]]]],
) -> Result:
    """Indicator cells from grouped rows (dicts with org, period and the n/d columns); empty cells dropped."""
    out: Result = {}
    for indicators, rows in groups:
        for r in rows:
            org, period = str(r["org"]), str(int(r["period"]))
            for code, _, num, den in indicators:
                n = float(r[num] or 0)
                d = None if den is None else float(r[den] or 0)
                if d == 0 or (d is None and n == 0):
                    continue
                out[(code, org, period)] = (n, d)
    return out


def compare(ours: Result, theirs: Result, *, tolerance: float = 1e-9) -> list[str]:
    """Differences between two results (missing cells, other numbers), as lines; [] when they agree."""
    problems = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None:
            problems.append(f"{'/'.join(key)}: {'缺少' if a is None else '多出'} {a or b}")
            continue
        for x, y in zip(a, b, strict=True):
            if (x is None) != (y is None) or (
                x is not None and y is not None and not math.isclose(x, y, rel_tol=tolerance, abs_tol=1e-6)
            ):
                problems.append(f"{'/'.join(key)}: {a} ≠ {b}")
                break
    return problems


def save(result: Result, path: Path) -> None:
    rows = [[*k, n, d] for k, (n, d) in sorted(result.items())]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> Result:
    return {(c, o, p): (n, d) for c, o, p, n, d in json.loads(path.read_text(encoding="utf-8"))}


def _pseudonym(number: str) -> str:
    return hmac.new(KEY, number.encode(), hashlib.sha256).hexdigest()


def _drg_weights(data: Path) -> dict[str, float]:
    with (data / "drg_weights.csv").open(encoding="utf-8") as f:
        return {r["drg"]: float(r["weight"]) for r in csv.DictReader(f)}


# ---- DuckDB by hand (the floor) -------------------------------------------------------------------


def duckdb_compute(data: Path) -> Result:
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW services AS SELECT * FROM read_parquet('{data}/services/*/*.parquet', hive_partitioning=false)"
    )
    con.execute(f"CREATE VIEW family_doctor AS SELECT * FROM read_parquet('{data}/family_doctor/*.parquet')")
    con.execute(f"CREATE TABLE drg_weights AS SELECT * FROM read_csv('{data}/drg_weights.csv', header=true)")

    def rows(sql: str) -> list[dict[str, Any]]:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    return collect([(RESIDENCE, rows(RESIDENCE_SQL)), (FACILITY, rows(FACILITY_SQL)),
                    (CONTRACTS, rows(CONTRACT_SQL.format(person="id_number")))])  # fmt: skip


# ---- pandas ----------------------------------------------------------------------------------------


def _check_ids(ids: Any) -> Any:
    """Rows whose ID number is not 18 characters with a valid GB 11643 check digit."""
    import numpy as np

    weights = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))
    text = ids.to_numpy(dtype=str)
    ok = np.char.str_len(text) == 18
    first = np.frombuffer("".join(t[:17] for t in text[ok]).encode(), dtype=np.uint8).reshape(-1, 17) - ord(
        "0"
    )
    check = np.array(list("10X98765432"))[(first.astype(np.int64) @ weights) % 11]
    ok[np.flatnonzero(ok)] &= check == np.array([t[17] for t in text[ok]])
    return ~ok


def _read(path: Path) -> Any:
    """A Parquet directory as a DataFrame, dates as datetime64 (pandas' own default is Python objects)."""
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pandas(date_as_object=False)


def pandas_ingest(data: Path, zone: Path) -> None:
    weights = _drg_weights(data)
    zone.mkdir(parents=True, exist_ok=True)
    df = _read(data / "services").drop(columns=["month"], errors="ignore")
    problems = {
        "id_number": _check_ids(df["id_number"]),
        "visit_type": ~df["visit_type"].isin(["门诊", "急诊", "住院", "日间手术"]),
        "facility_level": ~df["facility_level"].isin(["基层", "二级", "三级"]),
        "residence_county": ~df["residence_county"].str.fullmatch(r"13\d{4}"),
        "total_cost": df["total_cost"].isna() | (df["total_cost"] < 0),
        "insurance_paid": (df["insurance_paid"] < 0) | (df["insurance_paid"] > df["total_cost"]),
        "admission_date": df["admission_date"] > df["service_date"],
        "drg": df["drg"].notna() & ~df["drg"].isin(list(weights)),
        "record_no": df["record_no"].duplicated(),
    }
    bad = {k: int(v.sum()) for k, v in problems.items() if v.any()}
    if bad:
        raise SystemExit(f"services: bad rows {bad}")
    unique = df["id_number"].unique()
    df["person_pid"] = df["id_number"].map(dict(zip(unique, map(_pseudonym, unique), strict=True)))
    df.drop(columns=["id_number"]).to_parquet(zone / "services.parquet", compression="zstd", index=False)
    del df
    fd = _read(data / "family_doctor")
    if _check_ids(fd["id_number"]).any():
        raise SystemExit("family_doctor: bad ID numbers")
    unique = fd["id_number"].unique()
    fd["person_pid"] = fd["id_number"].map(dict(zip(unique, map(_pseudonym, unique), strict=True)))
    fd.drop(columns=["id_number"]).to_parquet(zone / "family_doctor.parquet", compression="zstd", index=False)
    (zone / "drg_weights.json").write_text(json.dumps(weights), encoding="utf-8")


def pandas_compute(zone: Path) -> Result:
    import pandas as pd

    weights = json.loads((zone / "drg_weights.json").read_text(encoding="utf-8"))
    s = pd.read_parquet(zone / "services.parquet", columns=[
        "county", "residence_county", "facility_level", "visit_type", "service_date", "admission_date",
        "total_cost", "procedure", "elective", "referral", "appointment", "internet", "drg"])  # fmt: skip
    period = s["service_date"].dt.year * 100 + s["service_date"].dt.month
    op = s["visit_type"].isin(["门诊", "急诊"])
    ip = s["visit_type"].isin(["住院", "日间手术"])
    inpatient = s["visit_type"] == "住院"
    home = s["county"] == s["residence_county"]
    res = pd.DataFrame({"n1": home, "d1": True, "n2": ip & home, "d2": ip})
    res = res.groupby([s["residence_county"].rename("org"), period.rename("period")]).sum().reset_index()
    weight = s["drg"].map(weights)
    cmi = inpatient & s["facility_level"].isin(["二级", "三级"]) & weight.notna()
    outpatient = s["visit_type"] == "门诊"
    fac = pd.DataFrame({
        "n3": op & (s["facility_level"] == "基层"), "d3": op,
        "n4": (s["visit_type"] == "日间手术") & s["procedure"].notna(),
        "d4": ip & s["procedure"].notna() & (s["elective"] == "是"),
        "n5": outpatient & (s["appointment"] == "是"), "d5": outpatient,
        "n6": s["total_cost"].where(op, 0.0), "n7": s["total_cost"].where(inpatient, 0.0), "d7": inpatient,
        "n8": (s["service_date"] - s["admission_date"]).dt.days.where(inpatient, 0),
        "n9": s["referral"] == "下转", "n10": op & (s["internet"] == "是"),
        "n11": weight.where(cmi, 0.0), "d11": cmi,
    })  # fmt: skip
    fac = fac.groupby([s["county"].rename("org"), period.rename("period")]).sum().reset_index()
    del s
    fd = pd.read_parquet(
        zone / "family_doctor.parquet", columns=["person_pid", "county", "sign_date", "key_group"]
    )
    fd["period"] = fd["sign_date"].dt.year
    keyed = fd[fd["key_group"].notna() & (fd["key_group"] != "")]
    contracts = pd.DataFrame({
        "n12": fd.groupby(["county", "period"])["person_pid"].nunique(),
        "n13": keyed.groupby(["county", "period"])["person_pid"].nunique(),
    }).fillna(0).rename_axis(["org", "period"]).reset_index()  # fmt: skip
    return collect([(RESIDENCE, res.to_dict("records")), (FACILITY, fac.to_dict("records")),
                    (CONTRACTS, contracts.to_dict("records"))])  # fmt: skip


# ---- PostgreSQL --------------------------------------------------------------------------------------

PG_SERVICES = """CREATE UNLOGGED TABLE services (person_pid char(64), record_no text, facility text,
    facility_level text, county text, residence_county text, visit_type text, service_date date,
    admission_date date, total_cost numeric(14, 2), insurance_paid numeric(14, 2), diagnosis text,
    procedure text, elective text, referral text, appointment text, internet text, drg text)"""
PG_CONTRACTS = """CREATE UNLOGGED TABLE family_doctor (person_pid char(64), county text, sign_date date,
    team_code text, key_group text, end_date date)"""
PG_CHECKS = """SELECT
    COUNT(*) FILTER (WHERE visit_type NOT IN ('门诊', '急诊', '住院', '日间手术')),
    COUNT(*) FILTER (WHERE facility_level NOT IN ('基层', '二级', '三级')),
    COUNT(*) FILTER (WHERE residence_county !~ '^13[0-9]{4}$'),
    COUNT(*) FILTER (WHERE total_cost < 0 OR insurance_paid < 0 OR insurance_paid > total_cost),
    COUNT(*) FILTER (WHERE admission_date > service_date),
    COUNT(*) FILTER (WHERE drg IS NOT NULL AND drg NOT IN (SELECT drg FROM drg_weights)),
    COUNT(*) - COUNT(DISTINCT record_no) FROM services"""


def _copy_parts(cur: Any, table: str, parts: list[Path], cache: dict[str, str]) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from yigai.core.records.idnumber import problem

    for part in parts:
        t = pq.read_table(part)
        ids = t.column("id_number").to_pylist()
        for number in set(ids) - cache.keys():
            if problem(number) is not None:
                raise SystemExit(f"{part}: bad ID number")
            cache[number] = _pseudonym(number)
        t = t.set_column(0, "person_pid", pa.array([cache[i] for i in ids]))
        del ids
        for i, field in enumerate(t.schema):  # COPY wants empty for NULL, text for dates
            if pa.types.is_date(field.type):
                t = t.set_column(i, field.name, pc.strftime(t.column(i), "%Y-%m-%d"))
        buffer = io.BytesIO()
        pacsv.write_csv(t, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        with cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())


def postgres_ingest(data: Path, dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
        for table in ("services", "family_doctor", "drg_weights"):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(PG_SERVICES)
        cur.execute(PG_CONTRACTS)
        cur.execute("CREATE TABLE drg_weights (drg text PRIMARY KEY, name text, weight numeric(8, 4))")
        with cur.copy("COPY drg_weights FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write((data / "drg_weights.csv").read_bytes())
        cache: dict[str, str] = {}
        _copy_parts(cur, "services", sorted((data / "services").glob("*/*.parquet")), cache)
        _copy_parts(cur, "family_doctor", sorted((data / "family_doctor").glob("*.parquet")), cache)
        bad = cur.execute(PG_CHECKS).fetchone()
        if bad is None or any(bad):
            raise SystemExit(f"services: bad rows {bad}")
        cur.execute("ANALYZE services")
        cur.execute("ANALYZE family_doctor")


def postgres_compute(dsn: str) -> Result:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(dsn) as con, con.cursor(row_factory=dict_row) as cur:
        cur.execute("SET max_parallel_workers_per_gather = 2")
        return collect([(RESIDENCE, cur.execute(RESIDENCE_SQL).fetchall()),
                        (FACILITY, cur.execute(FACILITY_SQL).fetchall()),
                        (CONTRACTS, cur.execute(CONTRACT_SQL.format(person="person_pid")).fetchall())])  # fmt: skip


def main(argv: list[str]) -> None:
    step, *args = argv
    if step == "pandas-ingest":
        pandas_ingest(Path(args[0]), Path(args[1]))
    elif step == "pandas-compute":
        save(pandas_compute(Path(args[0])), Path(args[1]))
    elif step == "postgres-ingest":
        postgres_ingest(Path(args[0]), args[1])
    elif step == "postgres-compute":
        save(postgres_compute(args[0]), Path(args[1]))
    elif step == "duckdb-compute":
        save(duckdb_compute(Path(args[0])), Path(args[1]))
    else:
        raise SystemExit(f"unknown step {step}")


if __name__ == "__main__":
    main(sys.argv[1:])
