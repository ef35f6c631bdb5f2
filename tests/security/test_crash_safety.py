"""Crash safety (issue 6; security.md §5.3): nothing partial after a SIGKILL, nothing acknowledged lost when
the database connection is cut.

(a) ``yigai indicators import`` of a generated 21,600-row CSV runs in a subprocess against its own
    database (a SQLite file; a fresh PostgreSQL database) and is killed with SIGKILL as soon as it reports
    its first written chunk — inside the import's transaction. Afterwards there is no ImportBatch and no
    value from that file; importing it again gives every row (the state a clean run gives).
(b) PostgreSQL: progress reports are submitted through the service from a worker thread; during one of
    them the server-side backend is terminated (``pg_terminate_backend`` from another connection) while
    its transaction is open. Every write that returned is present afterwards; the cut one raised a
    database error and left no trace (no report, no evidence row or file, the version unchanged); the
    next write after reconnecting succeeds.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

PG_ADMIN = os.environ.get("YIGAI_TEST_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
ELEMENTS = ("PHYSICIANS", "NURSES", "PHARMACISTS", "GPS")
YEARS = range(1995, 2025)


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except Exception:
        return False
    return True


def _need_pg() -> None:
    if not _pg_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable at {PG_ADMIN} and CI=true")
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN}")


def _big_csv(path: Path) -> int:
    """Every org unit × 4 workforce elements × 30 years: 21,600 valid rows."""
    divisions = resources.files("yigai.data").joinpath("hebei_divisions.csv").read_text(encoding="utf-8")
    codes = [row["adcode"] for row in csv.DictReader(divisions.splitlines())]
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["org_unit", "data_element", "period", "value", "disaggregation"])
        for code in codes:
            for i, element in enumerate(ELEMENTS):
                for year in YEARS:
                    out.writerow([code, element, year, 100 + (int(code) + i * 7 + year) % 900, ""])
                    n += 1
    return n


class Database:
    """A throw-away database for the subprocess: a SQLite file, or a fresh PostgreSQL database."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind, self.tmp = kind, tmp
        self.name = f"yigai_crash_{uuid.uuid4().hex[:10]}"
        self.url = f"sqlite:///{tmp / 'crash.sqlite3'}"
        if kind == "postgresql":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "YIGAI_ENV")}
        return {**env, "DATABASE_URL": self.url, "YIGAI_DATA_DIR": str(self.tmp), "PYTHONUNBUFFERED": "1"}

    def count(self, sql: str, *args: Any) -> int:
        if self.kind == "sqlite":
            import sqlite3

            with sqlite3.connect(self.tmp / "crash.sqlite3") as conn:
                return int(conn.execute(sql.replace("%s", "?"), args).fetchone()[0])
        import psycopg

        with psycopg.connect(self.url) as conn:
            return int(conn.execute(sql, args).fetchone()[0])  # type: ignore[index]

    def drop(self) -> None:
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _yigai(*args: str) -> list[str]:
    return [sys.executable, "-c", "from yigai.cli import main; main()", *args]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_import_killed_midway_leaves_nothing(kind: str, tmp_path: Path) -> None:
    if kind == "postgresql":
        _need_pg()
    big = tmp_path / "workforce.csv"
    rows = _big_csv(big)
    db = Database(kind, tmp_path)
    try:
        ready = subprocess.run(_yigai("manage", "migrate", "-v", "0"), env=db.env(), capture_output=True,
                               text=True, timeout=300)  # fmt: skip
        assert ready.returncode == 0, ready.stderr
        proc = subprocess.Popen(
            _yigai("indicators", "import", str(big)), env=db.env(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        seen = _kill_at_first_chunk(proc, rows)
        assert proc.returncode == -signal.SIGKILL, "the import finished before it could be killed"
        assert "已导入" not in (proc.stdout.read() if proc.stdout else "")
        assert f"已写入 2000/{rows}" in seen  # killed inside the transaction, after rows were written
        # nothing partial: no batch, no value from that file
        assert db.count("SELECT count(*) FROM indicators_importbatch") == 0
        assert db.count("SELECT count(*) FROM indicators_datavalue WHERE source_file = %s", big.name) == 0
        assert db.count("SELECT count(*) FROM indicators_datavalue") == 0
        # and the same file again completes: the state a clean run gives
        again = subprocess.run(_yigai("indicators", "import", str(big)), env=db.env(), capture_output=True,
                               text=True, timeout=600)  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert f"新增 {rows}" in again.stdout
        assert db.count("SELECT count(*) FROM indicators_datavalue WHERE source_file = %s", big.name) == rows
        assert db.count("SELECT count(*) FROM indicators_importbatch") == 1
    finally:
        db.drop()


def _kill_at_first_chunk(proc: subprocess.Popen[str], rows: int) -> str:
    """Read the import's progress lines; SIGKILL it at the first written chunk. Returns what it printed."""
    seen = []
    deadline = time.monotonic() + 300
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if "已写入" in line:
            proc.send_signal(signal.SIGKILL)
            break
        if time.monotonic() > deadline:
            proc.kill()
            break
    proc.wait(timeout=60)
    return "".join(seen)


# ---- (b) a connection cut during a write -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_connection_cut_loses_nothing_acknowledged(world, monkeypatch, settings) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL (make unit-pg runs this)")
    from django.db import DatabaseError
    from django.db import connection as main_conn

    from yigai.apps.ledger.models import Evidence, LedgerItem, ProgressReport
    from yigai.apps.ledger.services import progress_report_submit, workflow

    user, item_pk = world.users["rep_a"], world.item_a.pk
    inside, cut = threading.Event(), threading.Event()
    backend: dict[str, int] = {}
    original = workflow.evidence_attach

    def attach_then_wait(**kwargs: Any) -> Any:
        """Called inside the report's transaction, after the item and the report rows were written."""
        from django.db import connection as worker_conn

        backend["pid"] = worker_conn.connection.info.backend_pid
        inside.set()
        assert cut.wait(timeout=60)
        return original(**kwargs)

    outcomes: list[tuple[str, str]] = []  # (text, "ok" | error class)

    def worker() -> None:
        from django.db import connection as worker_conn

        try:
            for n in range(6):
                text = f"进展第{n}次"
                item = LedgerItem.objects.get(pk=item_pk)
                files = [("cut.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)] if n == 3 else []
                if n == 3:
                    monkeypatch.setattr(workflow, "evidence_attach", attach_then_wait)
                try:
                    progress_report_submit(item=item, user=user, text=text, percent=10 + n,
                                           expected_version=item.version, files=files)  # fmt: skip
                    outcomes.append((text, "ok"))
                except DatabaseError as exc:
                    outcomes.append((text, type(exc).__name__))
                    worker_conn.close()  # a broken connection: the next query reconnects
                finally:
                    monkeypatch.setattr(workflow, "evidence_attach", original)
        finally:
            worker_conn.close()

    before = LedgerItem.objects.get(pk=item_pk)
    reports_before = ProgressReport.objects.filter(item_id=item_pk).count()
    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(timeout=60), "the write never reached its open transaction"
    with main_conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", [backend["pid"]])
        assert cur.fetchone()[0] is True
    cut.set()
    thread.join(timeout=120)
    assert not thread.is_alive()

    acknowledged = [t for t, outcome in outcomes if outcome == "ok"]
    failed = [(t, o) for t, o in outcomes if o != "ok"]
    assert len(outcomes) == 6 and len(acknowledged) == 5, outcomes
    assert failed[0][0] == "进展第3次" and failed[0][1] in ("OperationalError", "InterfaceError"), failed
    texts = set(ProgressReport.objects.filter(item_id=item_pk).values_list("text", flat=True))
    assert set(acknowledged) <= texts, "an acknowledged write was lost"
    assert "进展第3次" not in texts, "the cut write left a report behind"
    assert ProgressReport.objects.filter(item_id=item_pk).count() == reports_before + 5
    assert not Evidence.objects.filter(item_id=item_pk, original_name="cut.png").exists()
    after = LedgerItem.objects.get(pk=item_pk)
    assert after.version == before.version + 5 and after.progress == 15  # the last acknowledged write
    assert list(Path(settings.LEDGER_EVIDENCE_DIR).glob("*")) == [
        p for p in Path(settings.LEDGER_EVIDENCE_DIR).glob("*") if p.name in _stored_names()
    ], "an evidence file without its row"


def _stored_names() -> set[str]:
    from yigai.apps.ledger.models import Evidence

    return set(Evidence.objects.values_list("stored_name", flat=True))
