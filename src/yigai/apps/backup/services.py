"""``backup_create`` / ``backup_verify`` / ``backup_restore``: one ``.tar`` holding the database dump, the
files under ``YIGAI_DATA_DIR`` (evidence, uploads; not ``keys/``), ``manifest.json`` with SHA-256 checksums
of every member and a checksum of every table's rows, and ``manifest.sig``, its HMAC-SHA256 with a key kept
outside the database and the backup (:mod:`yigai.apps.backup.manifest`).

- SQLite: the online backup API (consistent while the site runs), from and into the live connection.
- PostgreSQL: ``pg_dump -Fc`` / ``pg_restore --clean`` when they are on PATH, else a clear error.

Verify and restore check the signature, that every path stays inside the data directory (no ``..``, no
absolute path, no link member, no symlink out at the destination) and every member against the manifest
first, touching nothing on any failure; then restores, then recomputes the table checksums
and compares them with the manifest; the outcome is an audit event (the 恢复测试记录 evidence).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump/pg_restore, with argument lists and no shell
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from yigai.apps.audit.models import Result
from yigai.apps.audit.services import audit_record, audit_restored
from yigai.apps.backup.manifest import (
    MANIFEST,
    SIGNATURE,
    BackupError,
    check_targets,
    open_archive,
    signature_for,
)

FORMAT = 1
#: Tables whose rows change with every request (sessions, cached pages, rate-limit counters, data
#: generations): their checksums are taken a moment after the dump, so they are not compared on restore.
VOLATILE_TABLES = frozenset({"django_session", "yigai_cache", "throttle_ratecounter", "caching_generation"})
SKIP_FILES = ("yigai.sqlite3", "yigai.sqlite3-journal", "yigai.sqlite3-wal", "yigai.sqlite3-shm")
#: backups/: earlier archives; keys/: the integrity and pseudonym keys, which never go into a backup
SKIP_DIRS = ("backups", "keys")
__all__ = ["BackupError", "backup_create", "backup_restore", "backup_verify", "table_checksums"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_checksums() -> dict[str, dict[str, Any]]:
    """Rows and a SHA-256 over the sorted rows of every table (the same data gives the same checksum)."""
    out: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            name = connection.ops.quote_name(table)  # a name from the catalogue, quoted
            cursor.execute(f"SELECT * FROM {name}")  # nosec B608  # no user input: table names from introspection
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            out[table] = {"rows": len(rows), "sha256": digest}
    return out


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ, "PGPASSWORD": str(s.get("PASSWORD") or "")}
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：PostgreSQL 数据库的备份与恢复需要安装 PostgreSQL 客户端（如 apt-get install postgresql-client）"
        )
    return path


def _dump(target: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)  # online backup API: a consistent copy while in use
        finally:
            dest.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args]
        subprocess.run(cmd, check=True, env=env, capture_output=True)  # nosec B603  # fixed argument list
        return "postgresql"
    raise BackupError(f"不支持的数据库类型：{connection.vendor}")


def _data_files() -> list[Path]:
    root = Path(settings.DATA_DIR)
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.name not in SKIP_FILES and p.relative_to(root).parts[0] not in SKIP_DIRS
        and not any(q.is_symlink() for q in (p, *p.parents) if q.is_relative_to(root) and q != root)
    )  # fmt: skip  # a symlink would copy a file from outside the data directory into the backup


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    manifest: dict[str, Any]


def backup_create(*, out_dir: Path) -> BackupInfo:
    """Write ``yigai-backup-<time>.tar`` into ``out_dir`` and verify it; returns its path and manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    audit_record(actor=None, action="backup.create", details={"out_dir": str(out_dir)})
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "database.dump"
        vendor = _dump(dump)
        root = Path(settings.DATA_DIR)
        files = [
            {"path": str(p.relative_to(root)), "sha256": _sha256(p), "size": p.stat().st_size}
            for p in _data_files()
        ]
        manifest = {
            "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(), "vendor": vendor,
            "database": {"file": "database.dump", "sha256": _sha256(dump), "size": dump.stat().st_size},
            "files": files, "tables": table_checksums(),
        }  # fmt: skip
        raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        (Path(tmp) / MANIFEST).write_bytes(raw)
        (Path(tmp) / SIGNATURE).write_bytes(signature_for(raw))  # HMAC, key outside the database and backup
        target = out_dir / f"yigai-backup-{stamp}.tar"
        with tarfile.open(target, "w") as tar:
            tar.add(Path(tmp) / MANIFEST, MANIFEST)
            tar.add(Path(tmp) / SIGNATURE, SIGNATURE)
            tar.add(dump, "database.dump")
            for f in files:
                tar.add(root / str(f["path"]), f"files/{f['path']}")
    backup_verify(path=target)
    return BackupInfo(path=target, manifest=manifest)


def _extract(path: Path, into: Path) -> dict[str, Any]:
    """The signed manifest, its paths inside the root and its members all regular files, extracted."""
    return open_archive(path, into)


def _check_members(manifest: dict[str, Any], into: Path) -> list[str]:
    problems = []
    db = manifest["database"]
    if _sha256(into / db["file"]) != db["sha256"]:
        problems.append(f"数据库转储 {db['file']} 校验和不符")
    for f in manifest["files"]:
        member = into / "files" / f["path"]
        if not member.is_file() or _sha256(member) != f["sha256"]:
            problems.append(f"文件 {f['path']} 缺失或校验和不符")
    return problems


def backup_verify(*, path: Path) -> dict[str, Any]:
    """Check every member of the archive against its manifest; returns the manifest, raises on a mismatch."""
    with tempfile.TemporaryDirectory() as tmp:
        manifest = _extract(path, Path(tmp))
        problems = _check_members(manifest, Path(tmp))
    if problems:
        raise BackupError(f"备份文件已损坏：{'；'.join(problems)}")
    return manifest


def _drop_tables_not_in(tables: set[str]) -> None:
    """Tables created after the backup (a newer release's migrations): ``pg_restore --clean`` drops only what
    the dump holds, and a table left behind without its migration record would stop the next migrate."""
    with connection.cursor() as cursor:
        for table in sorted(set(connection.introspection.table_names(cursor)) - tables):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def _load(dump: Path, vendor: str, tables: set[str]) -> None:
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，当前是 {connection.vendor}，不能直接恢复")
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    _drop_tables_not_in(tables)
    args, env = _pg_env()
    connection.close()  # pg_restore --clean drops tables: no open transaction of ours may hold them
    cmd = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *args,
        str(dump),
    ]
    subprocess.run(cmd, check=True, env=env, capture_output=True)  # nosec B603  # fixed argument list


def _upgrade() -> None:
    """After the check: bring a backup of an older release to the current schema, reinstall the data
    generation triggers (a dump of an older release has none) and draw a new epoch, so no page cached
    before the restore — keyed by generation numbers the restored data repeats — is served (ADR 0004)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    cache.clear()


@dataclass(frozen=True)
class RestoreReport:
    tables: int
    rows: int
    mismatched: list[str]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.mismatched


def backup_restore(*, path: Path) -> RestoreReport:
    """Replace the database and the data files with the backup's, then prove the data is identical."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        manifest = _extract(path, Path(tmp))
        problems = _check_members(manifest, Path(tmp))
        if problems:
            raise BackupError(f"备份文件已损坏，未做任何恢复：{'；'.join(problems)}")
        check_targets(manifest, Path(settings.DATA_DIR))
        _load(Path(tmp) / manifest["database"]["file"], manifest["vendor"], set(manifest["tables"]))
        root = Path(settings.DATA_DIR)
        for f in manifest["files"]:  # paths checked by open_archive and check_targets
            (root / f["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(tmp) / "files" / f["path"], root / f["path"])
    audit_restored()  # the head file notes the chain's reset to the backup's head
    now = table_checksums()
    expected = manifest["tables"]
    compared = (set(expected) | set(now)) - VOLATILE_TABLES
    mismatched = sorted(t for t in compared if expected.get(t) != now.get(t))
    _upgrade()
    report = RestoreReport(
        tables=len(now), rows=sum(t["rows"] for t in now.values()), mismatched=mismatched,
        seconds=round(time.monotonic() - started, 2),
    )  # fmt: skip
    audit_record(
        actor=None, action="backup.restore", result=Result.SUCCESS if report.ok else Result.FAILED,
        details={"file": path.name, "created_at": manifest["created_at"], "tables": report.tables,
                 "rows": report.rows, "mismatched": mismatched, "seconds": report.seconds},
    )  # fmt: skip
    return report
