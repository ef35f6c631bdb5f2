"""Rate-limit counters live in one database row per client (yigai.apps.throttle), counted by a single
upsert: every worker process of `yigai serve` shares them, concurrent hits are never lost, and a new window
starts from one. The cache configuration does not matter to them any more."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import pytest
from django.db import connection, connections

from yigai.apps.throttle.models import RateCounter
from yigai.apps.throttle.services import rate_hit

T0 = 1_700_000_040.0  # the start of a 60-second window


@pytest.mark.django_db
def test_counts_up_to_the_limit_then_refuses_with_the_wait() -> None:
    waits = [rate_hit(scope="api", client="t:a", limit=3, seconds=60, now=T0 + i) for i in range(5)]
    assert waits[:3] == [None, None, None]
    assert waits[3:] == [57, 56]  # seconds left in the window at T0+3 and T0+4
    assert RateCounter.objects.get(bucket="api:t:a").hits == 5


@pytest.mark.django_db
def test_a_new_window_starts_from_one_and_clients_count_apart() -> None:
    for i in range(4):
        rate_hit(scope="api", client="t:a", limit=3, seconds=60, now=T0 + i)
    assert rate_hit(scope="api", client="t:b", limit=3, seconds=60, now=T0 + 5) is None  # another token
    assert rate_hit(scope="login", client="t:a", limit=3, seconds=60, now=T0 + 5) is None  # another scope
    assert rate_hit(scope="api", client="t:a", limit=3, seconds=60, now=T0 + 60) is None  # next window
    assert RateCounter.objects.get(bucket="api:t:a").hits == 1
    assert RateCounter.objects.count() == 3  # one row per client and scope, not per window


@pytest.mark.django_db
def test_expired_rows_are_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    rate_hit(scope="api", client="t:gone", limit=3, seconds=60, now=T0)
    monkeypatch.setattr("yigai.apps.throttle.services.secrets.randbelow", lambda n: 0)  # sweep this time
    rate_hit(scope="api", client="t:here", limit=3, seconds=60, now=T0 + 3600)
    assert list(RateCounter.objects.values_list("bucket", flat=True)) == ["api:t:here"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_lose_no_hit() -> None:
    """Four threads, each with its own database connection (as gunicorn workers have), 25 hits each in one
    window: the counter ends at exactly 100 and exactly the hits past the limit were refused."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (one connection writes at a time): nothing concurrent to test")
    refused: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            mine = [rate_hit(scope="api", client="t:shared", limit=60, seconds=60, now=T0) is not None
                    for _ in range(25)]  # fmt: skip
            with lock:
                refused.extend(mine)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert RateCounter.objects.get(bucket="api:t:shared").hits == 100
    assert refused.count(True) == 40


def test_production_cache_is_shared_by_workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """What the cache holds for every worker (cached page bodies, target status) needs a shared cache."""
    monkeypatch.setenv("YIGAI_SECRET_KEY", "ci-dummy-" + "k7Qz" * 12)
    monkeypatch.setenv("YIGAI_ALLOWED_HOSTS", "yigai.example.org")
    monkeypatch.setenv("YIGAI_DATA_DIR", str(tmp_path))
    production = importlib.reload(importlib.import_module("yigai.web.settings.production"))
    assert production.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db(transaction=True)
def test_yigai_creates_the_cache_table_with_the_migrations(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from django.test import override_settings

    from yigai.cli.platform import _ready

    caches = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "yigai_cache"}
    }
    with override_settings(CACHES=caches):
        for _ in range(2):  # idempotent: every command runs it
            _ready()
            assert "yigai_cache" in connection.introspection.table_names()


def test_too_old_sqlite_is_a_start_up_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from yigai.apps.throttle import checks

    if connection.vendor != "sqlite":
        pytest.skip("the check is about SQLite")
    assert checks.sqlite_version_check() == []
    monkeypatch.setattr(checks.sqlite3, "sqlite_version_info", (3, 34, 1))
    monkeypatch.setattr(checks.sqlite3, "sqlite_version", "3.34.1")
    [error] = checks.sqlite_version_check()
    assert error.id == "yigai.E001" and "3.34.1" in error.msg and "3.35" in error.msg
