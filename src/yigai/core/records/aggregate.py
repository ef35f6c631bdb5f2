"""Records → data-element values per org unit × period, in DuckDB SQL over the zone's Parquet files.

Each of a spec's ``measures`` is one ``GROUP BY org unit, period`` query:

* ``count: persons`` counts distinct pseudonyms (签约人数: a person signed twice in a year counts once);
* ``count: records`` counts records — distinct ``record_id`` values when the spec declares one, so a
  record delivered in two overlapping files counts once (门诊人次, 出院人次).

The result is plain cells with exact counts. They are handed to the indicators app as ordinary data
values (see :func:`values_csv`); anything that *shows* them below city level goes through
:mod:`.suppression` first.
"""

from __future__ import annotations

import csv
import io
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from yigai.core.records.cell_sql import literal, quote
from yigai.core.records.spec import PID, Condition, DatasetSpec, Measure
from yigai.core.records.zone import ZoneError, batch_files, batches, connect

PERIOD_SQL = {
    "year": "strftime({d}, '%Y')",
    "quarter": "strftime({d}, '%Y') || 'Q' || CAST(quarter({d}) AS VARCHAR)",
    "month": "strftime({d}, '%Y%m')",
}


@dataclass(frozen=True, order=True)
class Cell:
    data_element: str
    org_unit: str
    period: str
    value: int


@dataclass(frozen=True)
class Aggregated:
    cells: tuple[Cell, ...]
    rows_read: int  # records in the zone that were read
    batches: tuple[str, ...]  # content hashes of the batches read


def _condition(c: Condition) -> str:
    column = quote(c.column)
    if c.kind == "equals":
        return f"{column} = {literal(c.values[0])}"
    if c.kind == "in":
        return f"{column} IN ({', '.join(literal(v) for v in c.values)})"
    if c.kind == "not_empty":
        return f"coalesce({column}, '') <> ''"
    return f"{column} = {quote(c.values[0])}"  # same_as


def measure_sql(spec: DatasetSpec, measure: Measure, source: str, years: Sequence[int] = ()) -> str:
    """The SQL of one measure over ``source`` (a relation with the zone's columns).

    >>> from yigai.core.records.spec import shipped_specs
    >>> spec = shipped_specs()["family_doctor"]
    >>> print(measure_sql(spec, spec.measures[1], "zone", [2024]))  # doctest: +NORMALIZE_WHITESPACE
    SELECT 'FD_CONTRACTED_KEY' AS data_element, "county" AS org_unit, strftime("sign_date", '%Y') AS period,
    count(DISTINCT person_pid) AS value FROM zone WHERE coalesce("key_group", '') <> ''
    AND year("sign_date") IN (2024) GROUP BY ALL
    """
    date = quote(measure.date)
    if measure.count == "persons":
        counted = f"count(DISTINCT {PID})"
    elif (record := spec.record_id) is not None:
        counted = f"count(DISTINCT {quote(record.key)})"
    else:
        counted = "count(*)"
    where = [_condition(c) for c in measure.where]
    if years:
        where.append(f"year({date}) IN ({', '.join(str(int(y)) for y in years)})")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    period = PERIOD_SQL[measure.period].format(d=date)
    return (
        f"SELECT {literal(measure.data_element)} AS data_element, {quote(measure.org_unit)} AS org_unit, "
        f"{period} AS period, {counted} AS value FROM {source}{clause} GROUP BY ALL"  # nosec B608  # quoted identifiers and literals only
    )


def aggregate(
    spec: DatasetSpec, *, data_dir: Path, elements: Sequence[str] = (), years: Sequence[int] = ()
) -> Aggregated:
    """Every measure (or those of ``elements``) over all batches of the dataset; raises :class:`ZoneError`."""
    found = batches(data_dir, spec.code)
    if not found:
        raise ZoneError(f"数据集 {spec.code} 还没有导入任何记录")
    if len({b.key_fingerprint for b in found}) > 1:
        raise ZoneError(f"数据集 {spec.code} 的批次使用了不同的假名化密钥，不能合并计数")
    measures = [m for m in spec.measures if not elements or m.data_element in elements]
    unknown = sorted(set(elements) - {m.data_element for m in spec.measures})
    if unknown:
        valid = "、".join(m.data_element for m in spec.measures)
        raise ZoneError(f"数据集 {spec.code} 不产生数据项 {'、'.join(unknown)}（可用：{valid}）")
    files = ", ".join(literal(str(f)) for f in batch_files(data_dir, spec.code))
    scratch = data_dir / "records" / spec.code / f".spill-{secrets.token_hex(4)}"
    scratch.mkdir(mode=0o700)
    con = connect(scratch)
    try:
        con.execute(f"CREATE VIEW zone AS SELECT * FROM read_parquet([{files}])")  # nosec B608  # quoted identifiers and literals only
        rows = con.execute("SELECT count(*) FROM zone").fetchone()
        cells = []
        for measure in measures:
            sql = measure_sql(spec, measure, "zone", years)
            cells += [Cell(e, o, p, int(v)) for e, o, p, v in con.execute(sql).fetchall() if o and p]
    except duckdb.Error as exc:
        raise ZoneError(f"读取记录区失败：{str(exc).strip().splitlines()[0]}") from None
    finally:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return Aggregated(tuple(sorted(cells)), int(rows[0]) if rows else 0, tuple(b.content_hash for b in found))


def values_csv(cells: Sequence[Cell]) -> bytes:
    """The cells in the indicators app's long import layout (sorted: same counts, same bytes, same hash).

    >>> print(values_csv([Cell("FD_CONTRACTED", "130102", "2024", 1200)]).decode())
    org_unit,data_element,period,value
    130102,FD_CONTRACTED,2024,1200
    <BLANKLINE>
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["org_unit", "data_element", "period", "value"])
    for c in sorted(cells, key=lambda c: (c.data_element, c.org_unit, c.period)):
        writer.writerow([c.org_unit, c.data_element, c.period, c.value])
    return out.getvalue().encode()
