"""Synthetic record files (示例数据) for tests, demos and benchmarks — never real personal information.

ID numbers are made up: a county adcode as the region part, a random birth date, a random sequence
number and a correct check digit, so they pass validation exactly like real ones. Names are ``示例…``,
phone numbers start with ``000`` and addresses are ``示例地址…``. Rows come from DuckDB's ``range`` and a
deterministic hash of (row, seed), so the same arguments write the same file, fast enough for tens of
millions of rows. Name the files ``示例数据_….csv``: batches from such files are flagged as demo data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import duckdb

from yigai.core.records.cell_sql import literal
from yigai.core.records.idnumber import sql_check_digit
from yigai.core.records.spec import shipped_specs

KEY_GROUPS = next(c.values for c in shipped_specs()["family_doctor"].columns if c.key == "key_group")


def _h(expr: str, seed: int, salt: int) -> str:
    return f"hash({expr}, {int(seed)}, {int(salt)})"


def _persons(counties: Sequence[str], persons: int, seed: int) -> str:
    """A relation of made-up people: p, id_number, home county."""
    codes = "[" + ", ".join(literal(c) for c in counties) + "]"
    first17 = "(region || strftime(born, '%Y%m%d') || lpad(CAST(serial AS VARCHAR), 3, '0'))"
    return f"""(SELECT p, {first17} || {sql_check_digit(first17)} AS id_number, region AS home
        FROM (SELECT p, list_extract({codes}, CAST({_h("p", seed, 1)} % {len(counties)} AS INTEGER) + 1) AS region,
                     DATE '1935-01-01' + CAST({_h("p", seed, 2)} % 32000 AS INTEGER) AS born,
                     {_h("p", seed, 3)} % 1000 AS serial
              FROM range({int(persons)}) t(p)))"""  # nosec B608  # generated literals only


def _write(sql: str, path: Path) -> int:
    con = duckdb.connect(":memory:")
    try:
        rows = con.execute(f"COPY ({sql}) TO {literal(str(path))} (FORMAT csv, HEADER true)").fetchone()
    finally:
        con.close()
    return int(rows[0]) if rows else 0


def family_doctor_csv(
    path: Path,
    *,
    rows: int,
    persons: int,
    counties: Sequence[str],
    years: Sequence[int] = (2024,),
    seed: int = 1,
) -> int:
    """Write ``rows`` signing records of ``persons`` made-up people; returns the rows written."""
    groups = "[" + ", ".join(literal(g) for g in KEY_GROUPS) + "]"
    year_list = "[" + ", ".join(str(int(y)) for y in years) + "]"
    n_groups = len(KEY_GROUPS)
    sql = f"""SELECT id_number AS 身份证号, '示例' || p AS 姓名, '000' || lpad(CAST(p AS VARCHAR), 8, '0') AS 联系电话,
            '示例地址' || home || '号' AS 现住址, home AS 县区代码,
            strftime(make_date(list_extract({year_list}, CAST({_h("i", seed, 11)} % {len(years)} AS INTEGER) + 1), 1, 1)
                     + CAST({_h("i", seed, 12)} % 365 AS INTEGER), '%Y-%m-%d') AS 签约日期,
            'T' || home || lpad(CAST({_h("p", seed, 13)} % 20 AS VARCHAR), 2, '0') AS 签约团队编码,
            CASE WHEN {_h("p", seed, 14)} % 10 < 3
                 THEN list_extract({groups}, CAST({_h("p", seed, 15)} % {n_groups} AS INTEGER) + 1) ELSE '' END AS 重点人群类别
        FROM (SELECT i, CAST({_h("i", seed, 10)} % {int(persons)} AS BIGINT) AS p FROM range({int(rows)}) t(i))
        JOIN {_persons(counties, persons, seed)} USING (p) ORDER BY i"""  # nosec B608  # generated literals only
    return _write(sql, path)


def services_csv(
    path: Path, *, rows: int, persons: int, counties: Sequence[str], start: dt.date = dt.date(2024, 1, 1),
    days: int = 365, seed: int = 1,
) -> int:  # fmt: skip
    """Write ``rows`` outpatient/inpatient records (90 % 门诊; 85 % in the patient's home county)."""
    codes = "[" + ", ".join(literal(c) for c in counties) + "]"
    other = f"list_extract({codes}, CAST({_h('i', seed, 22)} % {len(counties)} AS INTEGER) + 1)"
    sql = f"""SELECT id_number AS 身份证号, '示例' || p AS 姓名, '000' || lpad(CAST(p AS VARCHAR), 8, '0') AS 联系电话,
            '示例地址' || home || '号' AS 现住址, 'R' || lpad(CAST(i AS VARCHAR), 10, '0') AS 就诊流水号,
            county || 'F' || CAST({_h("i", seed, 23)} % 3 AS VARCHAR) AS 机构代码, county AS 机构所在县区代码,
            home AS 患者常住县区代码,
            CASE WHEN {_h("i", seed, 24)} % 10 = 0 THEN '住院' ELSE '门诊' END AS 就诊类型,
            strftime(DATE {literal(start.isoformat())} + CAST({_h("i", seed, 25)} % {int(days)} AS INTEGER), '%Y-%m-%d') AS 就诊日期
        FROM (SELECT i, p, id_number, home,
                     CASE WHEN {_h("i", seed, 21)} % 100 < 85 THEN home ELSE {other} END AS county
              FROM (SELECT i, CAST({_h("i", seed, 20)} % {int(persons)} AS BIGINT) AS p FROM range({int(rows)}) t(i))
              JOIN {_persons(counties, persons, seed)} USING (p))
        ORDER BY i"""  # nosec B608  # generated literals only
    return _write(sql, path)
