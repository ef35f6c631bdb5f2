"""Rate-limit counters under the production cache configuration are shared by separate cache clients (as
the gunicorn workers of `yigai serve` each hold their own), and `yigai` creates the cache table itself.

Two :class:`~django.core.cache.CacheHandler` instances give two independent connections to the same
configuration, which is what two worker processes have."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import CacheHandler
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from yigai.web import security

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


@pytest.fixture
def production_caches(monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, Any]:
    """``CACHES`` exactly as ``YIGAI_ENV=production`` configures it."""
    monkeypatch.setenv("YIGAI_SECRET_KEY", "ci-dummy-" + "k7Qz" * 12)
    monkeypatch.setenv("YIGAI_ALLOWED_HOSTS", "yigai.example.org")
    monkeypatch.setenv("YIGAI_DATA_DIR", str(tmp_path))
    production = importlib.reload(importlib.import_module("yigai.web.settings.production"))
    return production.CACHES


def _hits(monkeypatch: pytest.MonkeyPatch, workers: list[Any], spec: str) -> list[bool]:
    """Send one counted API request through each worker's cache in turn; True where it was limited."""
    monkeypatch.setattr(security, "time", SimpleNamespace(time=lambda: 1_700_000_000.0))  # one window
    limited = []
    for worker in workers:
        monkeypatch.setattr(security, "cache", worker)
        limited.append(security.RateLimitMiddleware._hit("api", "t:shared-token", spec) is not None)
    return limited


def test_production_uses_the_database_cache(production_caches) -> None:
    assert production_caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_two_workers_share_the_counter(production_caches, monkeypatch: pytest.MonkeyPatch) -> None:
    with override_settings(CACHES=production_caches):
        call_command("createcachetable", verbosity=0)
        one, two = CacheHandler()["default"], CacheHandler()["default"]
        assert one is not two
        one.set("probe", 41)
        assert two.get("probe") == 41 and two.incr("probe") == 42 and one.get("probe") == 42
        # limit 3 per window: requests 1–3 pass whichever worker serves them, the 4th is refused
        assert _hits(monkeypatch, [one, two, one, two, one], "3/60") == [False, False, False, True, True]
        with connection.cursor() as cursor:  # the counter lives in the database, not in a process
            cursor.execute(f"SELECT COUNT(*) FROM {production_caches['default']['LOCATION']}")
            assert cursor.fetchone()[0] == 2  # the probe and the window's counter


def test_per_process_caches_count_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """The problem the shared cache solves: a local-memory cache per worker lets 2 × the limit through."""
    with override_settings(CACHES={"default": {**LOCMEM, "LOCATION": "worker-1"}}):
        one = CacheHandler()["default"]
    with override_settings(CACHES={"default": {**LOCMEM, "LOCATION": "worker-2"}}):
        two = CacheHandler()["default"]
    assert _hits(monkeypatch, [one, two] * 3, "3/60") == [False] * 6


@pytest.mark.django_db(transaction=True)
def test_yigai_creates_the_cache_table_with_the_migrations(production_caches) -> None:
    from yigai.cli.platform import _ready

    with override_settings(CACHES=production_caches):
        for _ in range(2):  # idempotent: every command runs it
            _ready()
            assert production_caches["default"]["LOCATION"] in connection.introspection.table_names()
