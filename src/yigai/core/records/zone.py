"""The record zone: pseudonymised record files on disk, apart from the application database.

Layout under the data directory (mode 0700 directories, 0600 files)::

    records/<dataset>/<sha256 of the source file>/data.parquet   the pseudonymised rows
    records/<dataset>/<sha256 of the source file>/batch.json     source name, rows, key fingerprint, time

Ingest (:func:`ingest`) is

* **all or nothing**: every row is checked first (ID check digits, org-unit codes, dates, codes); one bad
  cell rejects the whole file with a list of (file, row, field, reason), and nothing is written. Rows are
  then written to a temporary directory that is renamed into place only when complete, so a crash
  leaves no half batch (stale temporary directories are removed by the next import);
* **idempotent**: the batch directory is named by the content hash, so the same bytes imported again
  (under any file name) change nothing;
* **minimal**: only the spec's kept columns and the derived sex and age band are written; the ID number
  becomes ``person_pid`` = HMAC-SHA256(key, normalised ID), computed inside DuckDB once per distinct
  person (not once per row: a year of visits has ~6 visits per person); names, phones,
  addresses, the birth date and undeclared columns are never written. Full ID numbers are never echoed:
  problem reports mask them (``110***********1234``).

The input is one CSV or Parquet file, or a directory of Parquet parts (``services/month=2024-01/part-0.parquet``
…, as ``yigai records synth`` and most data-lake exports write them): all parts are one batch, hashed
together (relative path and bytes of every part, in name order), checked together and stored together;
a problem names the part and its row.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from yigai.core.records import idnumber
from yigai.core.records.keys import PseudonymKey
from yigai.core.records.spec import Check, Column, DatasetSpec, age_band_labels

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ZONE = "records"
DATA_FILE = "data.parquet"
META_FILE = "batch.json"
MAX_LISTED = 100  # problems listed in full; the rest are counted
_CHUNK = 8 << 20
MEMORY_ENV = "YIGAI_RECORDS_MEMORY_LIMIT"
DEFAULT_MEMORY = "2GB"  # DuckDB's working memory for ingest and compute (it spills beyond it)
FLAG_TRUE = ("是", "1", "Y", "y", "true", "TRUE", "True")
FLAG_FALSE = ("否", "0", "N", "n", "false", "FALSE", "False")
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y.%m.%d")


@dataclass(frozen=True)
class RecordProblem:
    file: str
    row: int | None  # as a spreadsheet shows it (the CSV header is row 1); None: the whole file
    field: str | None
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            where = f"{self.file}" + (f"，列“{self.field}”" if self.field else "")
            return f"{where}：{self.reason}"
        return f"{self.file}：第{self.row}行，列“{self.field}”：{self.reason}"


class RecordsRejected(Exception):
    """A file that was not imported; ``problems`` lists up to :data:`MAX_LISTED`, ``total`` counts all."""

    def __init__(self, file: str, problems: Sequence[RecordProblem], total: int | None = None) -> None:
        self.file, self.problems = file, list(problems)
        self.total = len(self.problems) if total is None else total
        super().__init__("\n".join(str(p) for p in self.problems))


class ZoneError(RuntimeError):
    """The zone cannot be used as asked (keys mixed, files missing); message in Chinese."""


@dataclass(frozen=True)
class Batch:
    dataset: str
    content_hash: str
    source_file: str
    rows: int
    imported_at: str
    key_fingerprint: str
    columns: tuple[str, ...]
    is_demo: bool = False

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


@dataclass(frozen=True)
class Ingested:
    batch: Batch
    already_imported: bool


def dataset_dir(data_dir: Path, dataset: str) -> Path:
    return data_dir / ZONE / dataset


def batches(data_dir: Path, dataset: str) -> list[Batch]:
    """The complete batches of a dataset, oldest first (temporary directories are ignored)."""
    root = dataset_dir(data_dir, dataset)
    if not root.is_dir():
        return []
    found = []
    for meta in root.glob(f"*/{META_FILE}"):
        if meta.parent.name.startswith(".") or not (meta.parent / DATA_FILE).is_file():
            continue
        raw = json.loads(meta.read_text(encoding="utf-8"))
        found.append(Batch(**{**raw, "columns": tuple(raw["columns"])}))
    return sorted(found, key=lambda b: (b.imported_at, b.content_hash))


def batch_files(data_dir: Path, dataset: str) -> list[Path]:
    return [dataset_dir(data_dir, dataset) / b.content_hash / DATA_FILE for b in batches(data_dir, dataset)]


# ---- ingest --------------------------------------------------------------------------------------


def ingest(
    spec: DatasetSpec, path: Path, *, data_dir: Path, key: PseudonymKey, org_units: Sequence[str],
    source_name: str | None = None, progress: Progress | None = None,
    lookups: Mapping[str, Collection[str]] | None = None,
) -> Ingested:  # fmt: skip
    """Check, pseudonymise and store one CSV or Parquet file, or a directory of Parquet parts (see the
    module docstring).

    ``org_units`` are the codes the spec's org-unit columns may hold; ``lookups`` the keys of the reference
    tables the spec's ``lookup`` columns are checked against (``{"drg_weights": {...}}``). Raises
    :class:`RecordsRejected`.
    """
    if lookups is None:
        lookups = default_lookups(spec, data_dir)
    name = source_name or path.name
    kind = _kind(path, name)
    digest, utf8 = _hash(path, name, kind, progress)
    root = dataset_dir(data_dir, spec.code)
    _mkdir(root.parent)
    _mkdir(root)
    with _locked(root):
        done = next((b for b in batches(data_dir, spec.code) if b.content_hash == digest), None)
        if done is not None:
            return Ingested(done, already_imported=True)
        _same_key(batches(data_dir, spec.code), key)
        tmp = root / f".tmp-{digest[:16]}-{secrets.token_hex(4)}"
        _mkdir(tmp)
        try:
            source = path if utf8 else _transcode(path, name, tmp / "source.csv")
            batch = _write(spec, source, kind, name, digest, tmp, key, org_units, lookups, progress)
            os.replace(tmp, root / digest)
            _fsync_dir(root)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return Ingested(batch, already_imported=False)


def default_lookups(spec: DatasetSpec, data_dir: Path) -> dict[str, Collection[str]]:
    """The reference tables a spec checks against, as loaded into the zone (else the shipped 示例 ones)."""
    from yigai.core.records.reference import zone_drg_weights

    wanted = {c.lookup for c in spec.kept if c.lookup}
    return {"drg_weights": set(zone_drg_weights(data_dir).weights)} if "drg_weights" in wanted else {}


def parts(path: Path) -> list[Path]:
    """The Parquet parts of a directory batch, in name order (hidden files and directories skipped)."""
    found = (p for p in path.rglob("*.parquet") if p.is_file())
    return sorted(p for p in found if not any(x.startswith((".", "_")) for x in p.relative_to(path).parts))


def _kind(path: Path, name: str) -> str:
    if path.is_dir():
        if not parts(path):
            raise RecordsRejected(name, [RecordProblem(name, None, None, "目录中没有 .parquet 文件")])
        return "parquet_dir"
    if not path.is_file():
        raise RecordsRejected(name, [RecordProblem(name, None, None, "文件不存在")])
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".parquet":
        return "parquet"
    raise RecordsRejected(name, [RecordProblem(name, None, None, "不支持的文件类型（可用 .csv、.parquet）")])


def _hash(path: Path, name: str, kind: str, progress: Progress | None) -> tuple[str, bool]:
    """SHA-256 of the bytes and whether they are valid UTF-8, in one pass."""
    if kind == "parquet_dir":
        return _hash_parts(path, progress), True
    total, done, sha = path.stat().st_size, 0, hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = kind == "csv"
    with path.open("rb") as src:
        while chunk := src.read(_CHUNK):
            sha.update(chunk)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            done += len(chunk)
            if progress:
                progress("读取并计算哈希", done, total)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return sha.hexdigest(), utf8 or kind == "parquet"


def _hash_parts(path: Path, progress: Progress | None) -> str:
    """One digest over every part's relative path and bytes: the same directory gives the same batch."""
    files = parts(path)
    total, done, sha = sum(f.stat().st_size for f in files), 0, hashlib.sha256()
    for part in files:
        sha.update(part.relative_to(path).as_posix().encode() + b"\0")
        with part.open("rb") as src:
            while chunk := src.read(_CHUNK):
                sha.update(chunk)
                done += len(chunk)
                if progress:
                    progress("读取并计算哈希", done, total)
    return sha.hexdigest()


def _transcode(path: Path, name: str, target: Path) -> Path:
    """A GB18030 CSV (Excel's default on Chinese Windows) rewritten as UTF-8 inside the zone's temp dir."""
    try:
        with path.open(encoding="gb18030", newline="") as src, _private(target) as out:
            shutil.copyfileobj(src, out, _CHUNK)
    except UnicodeDecodeError:
        raise RecordsRejected(
            name, [RecordProblem(name, None, None, "无法识别文件编码（应为 UTF-8 或 GB18030）")]
        ) from None
    return target


@contextlib.contextmanager
def _private(target: Path) -> Iterator[Any]:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        yield out


def _mkdir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One import per dataset at a time; stale temporary directories of crashed imports are removed."""
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for stale in root.glob(".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        os.close(fd)


def _same_key(existing: list[Batch], key: PseudonymKey) -> None:
    others = {b.key_fingerprint for b in existing} - {key.fingerprint}
    if others:
        raise ZoneError(
            "该数据集已有用另一把假名化密钥导入的批次（密钥指纹 "
            f"{'、'.join(sorted(others))}，当前 {key.fingerprint}）；混用密钥会使同一人被计为两人，已拒绝导入"
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- SQL -----------------------------------------------------------------------------------------


def quote(identifier: str) -> str:
    """A DuckDB identifier, quoted (headers come from files: anything may be in them)."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB whose spill files stay inside the zone."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET temp_directory = {literal(str(scratch))}")
    # bounded memory: large batches spill to the scratch directory instead of growing the process
    con.execute(f"SET memory_limit = {literal(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY))}")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = true")  # query_progress() for the caller; nothing printed
    con.execute("SET enable_progress_bar_print = false")
    return con


def _source(con: duckdb.DuckDBPyConnection, path: Path, kind: str, name: str) -> list[str]:
    """Register the input as view ``src`` (all columns as text, plus ``_row`` and ``_file``, the name a
    problem report gives: the file's, or the part's path inside the directory); returns its headers."""
    if kind == "csv":
        scan = f"read_csv({literal(str(path))}, all_varchar = true, header = true)"
        con.execute(f"CREATE VIEW raw AS SELECT * FROM {scan}")  # nosec B608  # quoted identifiers and literals only
        headers = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
        cols = ", ".join(quote(h) for h in headers)
        numbered = f"SELECT row_number() OVER () + 1 AS _row, {literal(name)} AS _file, {cols} FROM raw"  # nosec B608  # quoted identifiers and literals only
        con.execute(f"CREATE VIEW src AS {numbered}")
        return headers
    if kind == "parquet":
        scan = f"read_parquet({literal(str(path))}, file_row_number = true, hive_partitioning = false)"
        where = literal(name)
    else:
        files = ", ".join(literal(str(p)) for p in parts(path))
        scan = f"read_parquet([{files}], file_row_number = true, filename = true, hive_partitioning = false, union_by_name = true)"
        prefix = literal(str(path).rstrip("/") + "/")
        where = f"{literal(name + '/')} || replace(filename, {prefix}, '')"
    con.execute(f"CREATE VIEW raw AS SELECT * FROM {scan}")  # nosec B608  # quoted identifiers and literals only
    extra = ("file_row_number", "filename")
    headers = [r[0] for r in con.execute("DESCRIBE raw").fetchall() if r[0] not in extra]
    cols = ", ".join(f"CAST({quote(h)} AS VARCHAR) AS {quote(h)}" for h in headers)
    con.execute(f"CREATE VIEW src AS SELECT file_row_number + 1 AS _row, {where} AS _file, {cols} FROM raw")  # nosec B608  # quoted identifiers and literals only
    return headers


def _match(spec: DatasetSpec, headers: list[str], name: str) -> dict[str, str | None]:
    """Spec column name → the file's header (None: an optional column the file lacks)."""
    stripped = {h.strip().lstrip("\ufeff"): h for h in headers}
    found: dict[str, str | None] = {}
    missing = []
    for column in spec.columns:
        header = next((stripped[h] for h in column.headers if h in stripped), None)
        if header is None and (column.role == "person_id" or (column.key and column.required)):
            missing.append(column.name)
        found[column.name] = header
    if missing:
        raise RecordsRejected(name, [RecordProblem(name, None, m, "缺少必需的列") for m in missing])
    return found


def _cell(header: str | None) -> str:
    return f"NULLIF(trim({quote(header)}), '')" if header else "CAST(NULL AS VARCHAR)"


def _date(header: str | None) -> str:
    formats = ", ".join(literal(f) for f in DATE_FORMATS)
    cell = _cell(header)
    return f"coalesce(TRY_CAST({cell} AS DATE), CAST(TRY_STRPTIME({cell}, [{formats}]) AS DATE))"


def _norm(spec: DatasetSpec, headers: dict[str, str | None]) -> str:
    return idnumber.sql_normalised(quote(str(headers[spec.person_id.name])), convert_15=spec.convert_15)


def _birth(norm: str) -> str:
    return f"CAST(TRY_STRPTIME(substr({norm}, 7, 8), '%Y%m%d') AS DATE)"


def _checks(spec: DatasetSpec, headers: dict[str, str | None]) -> list[tuple[str, str, str]]:
    """(field, raw-cell expression, reason-or-NULL expression) for every checked column and rule."""
    out = [(spec.person_id.name, quote(str(headers[spec.person_id.name])), idnumber.sql_problem("_id"))]
    for column in spec.kept:
        header = headers[column.name]
        if header is None:
            continue
        cell, reason = _cell(header), _reason(column, header)
        if column.key == spec.age_at:
            reason = f"coalesce({reason}, CASE WHEN {_date(header)} < {_birth('_id')} THEN '日期早于身份证号中的出生日期' END)"
        out.append((column.name, cell, reason))
    for check in spec.checks:
        first, second = spec.column(check.first), spec.column(check.second)
        a, b = headers[first.name], headers[second.name]
        if a is not None and b is not None:
            out.append((first.name, _cell(a), _cross(check, first, second, a, b)))
    return out


def _number(header: str | None) -> str:
    return f"TRY_CAST(replace({_cell(header)}, ',', '') AS DECIMAL(18, 2))"


def _cross(check: Check, first: Column, second: Column, a: str, b: str) -> str:
    """A rule between two cells of a row (NULL when either is empty or unreadable: reported on its own)."""
    if check.kind == "not_after":
        x, y, word = _date(a), _date(b), "晚于"
    else:
        x, y, word = _number(a), _number(b), "大于"
    text = f"'{first.name}{word}{second.name}（' || CAST({x} AS VARCHAR) || ' {'>'} ' || CAST({y} AS VARCHAR) || '）'"
    valid = "" if check.kind == "not_after" else f" AND {y} >= 0"  # a negative amount is reported on its own
    return f"(CASE WHEN {x} > {y}{valid} THEN {text} END)"


def _reason(column: Column, header: str) -> str:
    cell = _cell(header)
    empty = "'为空'" if column.required else "NULL"
    if column.role == "org_unit":
        known = f"{cell} NOT IN (SELECT code FROM org_units)"  # nosec B608  # quoted identifiers and literals only
        if column.outside:
            prefixes = "|".join(column.outside)
            known += f" AND NOT regexp_full_match({cell}, '({prefixes})[0-9]{{4}}')"
        rule = f"WHEN {known} THEN '未知的行政区划代码：' || {cell}"
    elif column.role == "number":
        rule = (
            f"WHEN {_number(header)} IS NULL THEN '不是数字（金额，元）：' || {cell} "
            f"WHEN {_number(header)} < 0 THEN '金额不能为负数：' || {cell}"
        )
    elif column.role == "flag":
        allowed = ", ".join(literal(v) for v in FLAG_TRUE + FLAG_FALSE)
        rule = f"WHEN {cell} NOT IN ({allowed}) THEN '应为“是”或“否”：' || {cell}"
    elif column.role == "code" and (column.pattern or column.lookup or column.values):
        rule = _code_rule(column, cell)
    elif column.role == "date":
        rule = (
            f"WHEN {_date(header)} IS NULL THEN '日期无法识别（应为 2024-03-05 或 20240305）：' || {cell} "
            f"WHEN {_date(header)} > current_date THEN '日期晚于今天：' || {cell}"
        )
    else:
        rule = ""
    return f"(CASE WHEN {cell} IS NULL THEN {empty} {rule} END)"


LOOKUP_NAMES = {"drg_weights": "DRG 权重表"}


def _code_rule(column: Column, cell: str) -> str:
    rules = []
    if column.values:
        allowed = ", ".join(literal(v) for v in column.values)
        rules.append(
            f"WHEN {cell} NOT IN ({allowed}) THEN '取值不在允许范围（{'、'.join(column.values)}）：' || {cell}"
        )
    if column.pattern:
        rules.append(
            f"WHEN NOT regexp_full_match({cell}, {literal(column.pattern)}) THEN '编码格式不符：' || {cell}"
        )
    if column.lookup:
        table = LOOKUP_NAMES.get(column.lookup, column.lookup)
        rules.append(
            f"WHEN {cell} NOT IN (SELECT key FROM lookup_{column.lookup}) THEN '不在{table}中的分组：' || {cell}"  # nosec B608  # quoted identifiers and literals only
        )
    return " ".join(rules)


def _stage(con: duckdb.DuckDBPyConnection, spec: DatasetSpec, headers: dict[str, str | None]) -> None:
    """The one pass over the input: every row normalised, typed and checked into the temporary table
    ``staged`` (spilling to the zone's scratch directory when large). Column ``why_<i>`` holds the reason
    of check i of :func:`_checks`, NULL when the cell passed."""
    checks = _checks(spec, headers)
    sex = "(CASE WHEN TRY_CAST(substr(_id, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END)"
    kept = [f"{_stored(c, headers[c.name])} AS {quote(c.key)}" for c in spec.kept]
    # the ID cell itself is kept only where its check failed (to show it masked), never otherwise
    raw_id = f"CASE WHEN ({checks[0][2]}) IS NOT NULL THEN {checks[0][1]} END AS _raw_id"
    whys = [f"CAST({why} AS VARCHAR) AS why_{i}" for i, (_, _, why) in enumerate(checks)]
    cols = ", ".join(["_row", "_file", "_id", raw_id, f"{sex} AS sex", f"{_age_band(spec, headers)} AS age_band",
                      *kept, *whys])  # fmt: skip
    con.execute(f"""CREATE TEMP TABLE staged AS
        WITH normalised AS MATERIALIZED (SELECT *, {_norm(spec, headers)} AS _id FROM src)
        SELECT {cols} FROM normalised""")  # nosec B608  # quoted identifiers and literals only


def _problems(
    con: duckdb.DuckDBPyConnection, spec: DatasetSpec, headers: dict[str, str | None], name: str
) -> None:
    """Raise :class:`RecordsRejected` listing the staged rows' failed checks (the costly list of structs
    is built only for the rows that fail)."""
    checks = _checks(spec, headers)
    failing = " OR ".join(f"why_{i} IS NOT NULL" for i in range(len(checks)))
    row = con.execute(f"SELECT count(*) FROM staged WHERE {failing}").fetchone()  # nosec B608  # generated column names
    if not row or not row[0]:
        return
    structs = ", ".join(
        f"{{'field': {literal(f)}, 'raw': {'_raw_id' if i == 0 else 'CAST(NULL AS VARCHAR)'}, 'reason': why_{i}}}"
        for i, (f, _, _) in enumerate(checks)
    )
    con.execute(f"""CREATE TEMP TABLE problems AS
        SELECT _row, _file, unnest(list_filter([{structs}], p -> p.reason IS NOT NULL), recursive := true)
        FROM staged WHERE {failing}""")  # nosec B608  # quoted identifiers and literals only
    counted = con.execute("SELECT count(*) FROM problems").fetchone()
    total = int(counted[0]) if counted else 0
    listed = con.execute(
        f"SELECT _file, _row, field, raw, reason FROM problems ORDER BY _file, _row, field LIMIT {MAX_LISTED}"  # nosec B608  # quoted identifiers and literals only
    ).fetchall()
    id_field = spec.person_id.name
    problems = [
        RecordProblem(file, int(r), f, f"{why}：{idnumber.mask(raw)}" if f == id_field and raw else why)
        for file, r, f, raw, why in listed
    ]
    raise RecordsRejected(name, problems, total)


def _age_band(spec: DatasetSpec, headers: dict[str, str | None]) -> str:
    at = "current_date"
    if spec.age_at is not None:
        column = next(c for c in spec.kept if c.key == spec.age_at)
        at = _date(headers[column.name])
    age = f"date_sub('year', {_birth('_id')}, {at})"
    labels = age_band_labels(spec.age_bands)
    whens = " ".join(
        f"WHEN {age} >= {lo} THEN {literal(label)}"
        for lo, label in reversed(list(zip(spec.age_bands, labels, strict=True)))
    )
    return f"(CASE {whens} END)"


def _stored(column: Column, header: str | None) -> str:
    """The zone's typed value of a checked cell: DATE, DECIMAL(18,2), BOOLEAN or text."""
    if column.role == "date":
        return _date(header)
    if column.role == "number":
        return _number(header)
    if column.role == "flag":
        yes = ", ".join(literal(v) for v in FLAG_TRUE)
        cell = _cell(header)
        return f"(CASE WHEN {cell} IS NULL THEN NULL ELSE {cell} IN ({yes}) END)"
    return _cell(header)


def _select(spec: DatasetSpec) -> str:
    """The rows to store, from ``staged``. The keyed hash runs once per distinct person (``ids``), joined
    back by the normalised number — on a year of visits that is several times fewer HMACs than rows."""
    pid = "sha256($opad || unhex(sha256($ipad || encode(_id))))"
    kept = ", ".join(quote(c.key) for c in spec.kept)
    return (
        f"WITH ids AS (SELECT _id, {pid} AS person_pid FROM (SELECT DISTINCT _id FROM staged)) "
        f"SELECT ids.person_pid, sex, age_band, {kept} FROM staged JOIN ids USING (_id)"  # nosec B608  # quoted identifiers and literals only
    )


def _write(
    spec: DatasetSpec, source: Path, kind: str, name: str, digest: str, tmp: Path, key: PseudonymKey,
    org_units: Sequence[str], lookups: Mapping[str, Collection[str]], progress: Progress | None,
) -> Batch:  # fmt: skip
    scratch = tmp / "spill"
    _mkdir(scratch)
    con = connect(scratch)
    try:
        try:
            headers = _match(spec, _source(con, source, kind, name), name)
            con.execute(
                "CREATE TEMP TABLE org_units AS SELECT unnest($codes::VARCHAR[]) AS code",
                {"codes": list(org_units)},
            )
            for table, keys in lookups.items():
                if not table.isidentifier():
                    raise ZoneError(f"参照表名称无效：{table}")
                con.execute(
                    f"CREATE TEMP TABLE lookup_{table} AS SELECT unnest($keys::VARCHAR[]) AS key",
                    {"keys": sorted(keys)},
                )
            _run(con, "读取并检查", progress, lambda: _stage(con, spec, headers))
            _problems(con, spec, headers, name)
            ipad, opad = key.pads()
            target = tmp / DATA_FILE
            copy = f"COPY ({_select(spec)}) TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd)"
            con.execute("SET preserve_insertion_order = false")
            result: list[Any] = []
            _run(
                con,
                "假名化并写入",
                progress,
                lambda: result.extend(con.execute(copy, {"ipad": ipad, "opad": opad}).fetchall()),
            )
        except duckdb.Error as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise RecordsRejected(name, [RecordProblem(name, None, None, f"无法读取：{message}")]) from None
    finally:
        con.close()
    shutil.rmtree(scratch, ignore_errors=True)
    target.chmod(0o600)
    batch = Batch(
        dataset=spec.code, content_hash=digest, source_file=name, rows=int(result[0][0]),
        imported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), key_fingerprint=key.fingerprint,
        columns=spec.zone_columns, is_demo=name.startswith("示例数据"),
    )  # fmt: skip
    with _private(tmp / META_FILE) as out:
        json.dump(asdict(batch), out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())
    with target.open("rb") as f:
        os.fsync(f.fileno())
    return batch


def _run(
    con: duckdb.DuckDBPyConnection, stage: str, progress: Progress | None, work: Callable[[], None]
) -> None:
    """Run a DuckDB step, reporting its progress (percent) every second when asked to."""
    if progress is None:
        work()
        return
    failure: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)

    progress(stage, 0, 100)
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(1.0)
        if worker.is_alive():
            with contextlib.suppress(duckdb.Error):
                percent = con.query_progress()
                if percent > 0:
                    progress(stage, int(percent), 100)
    if failure:
        raise failure[0]
    progress(stage, 100, 100)
