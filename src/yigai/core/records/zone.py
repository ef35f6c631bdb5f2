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

import contextlib
import datetime as dt
import fcntl
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
from yigai.core.records.cell_sql import Cells, literal, quote
from yigai.core.records.input_files import CHUNK, Progress, content_digest, parts
from yigai.core.records.keys import PseudonymKey
from yigai.core.records.spec import DatasetSpec

ZONE = "records"
DATA_FILE = "data.parquet"
META_FILE = "batch.json"
MAX_LISTED = 100  # problems listed in full; the rest are counted
MEMORY_ENV = "YIGAI_RECORDS_MEMORY_LIMIT"
DEFAULT_MEMORY = "2GB"  # DuckDB's working memory for ingest and compute (it spills beyond it)


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
    digest, utf8 = content_digest(path, kind, progress)
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


def _transcode(path: Path, name: str, target: Path) -> Path:
    """A GB18030 CSV (Excel's default on Chinese Windows) rewritten as UTF-8 inside the zone's temp dir."""
    try:
        with path.open(encoding="gb18030", newline="") as src, _private(target) as out:
            shutil.copyfileobj(src, out, CHUNK)
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


# ---- SQL ----------------------------------------------------------------------------------------


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


def _source(con: duckdb.DuckDBPyConnection, path: Path, kind: str, name: str) -> dict[str, str]:
    """Register the input as view ``src`` (its columns as the file types them: text for a CSV) and as
    view ``numbered`` (the same plus ``_row`` and ``_file``, the name a problem report gives: the file's,
    or the part's path inside the directory); returns header → DuckDB type."""
    if kind == "csv":
        scan = f"read_csv({literal(str(path))}, all_varchar = true, header = true)"
        con.execute(f"CREATE VIEW src AS SELECT * FROM {scan}")  # nosec B608  # quoted identifiers and literals only
        types = {r[0]: str(r[1]) for r in con.execute("DESCRIBE src").fetchall()}
        cols = ", ".join(quote(h) for h in types)
        # row numbers need the rows in file order: only a failed import's report reads this view
        numbered = f"SELECT row_number() OVER () + 1 AS _row, {literal(name)} AS _file, {cols} FROM src"  # nosec B608  # quoted identifiers and literals only
        con.execute(f"CREATE VIEW numbered AS {numbered}")
        return types
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
    types = {r[0]: str(r[1]) for r in con.execute("DESCRIBE raw").fetchall() if r[0] not in extra}
    cols = ", ".join(quote(h) for h in types)
    con.execute(f"CREATE VIEW src AS SELECT {cols} FROM raw")  # nosec B608  # quoted identifiers and literals only
    numbered = f"SELECT file_row_number + 1 AS _row, {where} AS _file, {cols} FROM raw"  # nosec B608  # quoted identifiers and literals only
    con.execute(f"CREATE VIEW numbered AS {numbered}")
    return types


def _match(spec: DatasetSpec, headers: Collection[str], name: str) -> dict[str, str | None]:
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


REJECTED = "yigai: row refused"  # raised inside the write pass by the first row that fails a check


def _id_key(cells: Cells) -> str:
    return f"coalesce({cells.raw(str(cells.headers[cells.spec.person_id.name]))}, '')"


def _ids(con: duckdb.DuckDBPyConnection, cells: Cells, key: PseudonymKey) -> None:
    """Table ``ids``: each distinct ID cell once, with its normalised number, the reason it is refused,
    the birth date and sex it encodes and its pseudonym, HMAC-SHA256(key, normalised) — a year of visits
    has several visits per person, so this is several times fewer checks and hashes than rows."""
    norm = idnumber.sql_normalised("raw", convert_15=cells.spec.convert_15)
    check = idnumber.sql_check_digit("substr(_id, 1, 17)")
    problem = idnumber.sql_problem("_id", birth="birth", check="_check")
    sex = "(CASE WHEN TRY_CAST(substr(_id, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END)"
    pid = "sha256($opad || unhex(sha256($ipad || encode(_id))))"
    ipad, opad = key.pads()
    con.execute(
        f"""CREATE TEMP TABLE ids AS
        WITH distinct_ids AS (SELECT DISTINCT {_id_key(cells)} AS raw FROM src),
             normalised AS MATERIALIZED (SELECT raw, {norm} AS _id FROM distinct_ids),
             parsed AS MATERIALIZED (SELECT *, {idnumber.sql_birth("_id")} AS birth, {check} AS _check FROM normalised)
        SELECT raw, {problem} AS problem, birth, {sex} AS sex, {pid} AS pid FROM parsed""",  # nosec B608  # quoted identifiers and literals only
        {"ipad": ipad, "opad": opad},
    )


def _joined(cells: Cells, view: str) -> str:
    return f"{view} JOIN ids ON {_id_key(cells)} = ids.raw"


def _copy(cells: Cells, target: Path) -> str:
    """The write pass: every row's stored values, with a filter that stops the pass at the first row
    failing any check (``error()``; the report is then built by :func:`_problems`)."""
    kept = ", ".join(f"{cells.stored(c)} AS {quote(c.key)}" for c in cells.spec.kept)
    failing = " OR ".join(f"({why}) IS NOT NULL" for _, why in cells.checks())
    columns = f"ids.pid AS person_pid, ids.sex AS sex, {cells.age_band()} AS age_band, {kept}"
    stop = f"CASE WHEN {failing} THEN error({literal(REJECTED)}) ELSE true END"
    select = f"SELECT {columns} FROM {_joined(cells, 'src')} WHERE {stop}"  # nosec B608  # quoted identifiers and literals only
    # zstd level 1: the same size as the default level 3 on record data (191 vs 190 MB at 4.15 M rows)
    # for 30 % less CPU in the write
    return (
        f"COPY ({select}) TO {literal(str(target))} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
    )


def _problems(con: duckdb.DuckDBPyConnection, cells: Cells, name: str) -> RecordsRejected:
    """The report of a refused file: every failed check of every row, the first :data:`MAX_LISTED` in
    file order (the list of structs is built only for the rows that fail)."""
    checks = cells.checks()
    id_header = str(cells.headers[cells.spec.person_id.name])
    whys = ", ".join(f"CAST({why} AS VARCHAR) AS why_{i}" for i, (_, why) in enumerate(checks))
    failing = " OR ".join(f"why_{i} IS NOT NULL" for i in range(len(checks)))
    structs = ", ".join(
        f"{{'field': {literal(f)}, 'raw': {'_raw_id' if i == 0 else 'CAST(NULL AS VARCHAR)'}, 'reason': why_{i}}}"
        for i, (f, _) in enumerate(checks)
    )
    con.execute(f"""CREATE TEMP TABLE problems AS
        WITH checked AS (SELECT _row, _file, {cells.raw(id_header)} AS _raw_id, {whys} FROM {_joined(cells, "numbered")})
        SELECT _row, _file, unnest(list_filter([{structs}], p -> p.reason IS NOT NULL), recursive := true)
        FROM checked WHERE {failing}""")  # nosec B608  # quoted identifiers and literals only
    counted = con.execute("SELECT count(*) FROM problems").fetchone()
    total = int(counted[0]) if counted else 0
    listed = con.execute(
        f"SELECT _file, _row, field, raw, reason FROM problems ORDER BY _file, _row, field LIMIT {MAX_LISTED}"  # nosec B608  # quoted identifiers and literals only
    ).fetchall()
    id_field = cells.spec.person_id.name
    problems = [
        RecordProblem(file, int(r), f, f"{why}：{idnumber.mask(raw)}" if f == id_field and raw else why)
        for file, r, f, raw, why in listed
    ]
    return RecordsRejected(name, problems, total)


def _write(
    spec: DatasetSpec, source: Path, kind: str, name: str, digest: str, tmp: Path, key: PseudonymKey,
    org_units: Sequence[str], lookups: Mapping[str, Collection[str]], progress: Progress | None,
) -> Batch:  # fmt: skip
    """Two passes over the input: the distinct ID numbers (checked and hashed once each), then every
    row checked and written in the same pass — a file with any refused cell stops it, and only then is
    the input read a third time for the report (nothing of a refused file is kept)."""
    scratch = tmp / "spill"
    _mkdir(scratch)
    con = connect(scratch)
    target = tmp / DATA_FILE
    try:
        try:
            types = _source(con, source, kind, name)
            cells = Cells(spec, _match(spec, types, name), types)
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
            _run(con, "检查身份证号并假名化", progress, lambda: _ids(con, cells, key))
            con.execute("SET preserve_insertion_order = false")
            result: list[Any] = []
            try:
                _run(
                    con,
                    "检查并写入",
                    progress,
                    lambda: result.extend(con.execute(_copy(cells, target)).fetchall()),
                )
            except duckdb.InvalidInputException as exc:
                if REJECTED not in str(exc):
                    raise
                target.unlink(missing_ok=True)
                con.execute("SET preserve_insertion_order = true")
                rejected: list[RecordsRejected] = []
                _run(con, "列出错误", progress, lambda: rejected.append(_problems(con, cells, name)))
                raise rejected[0] from None
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
