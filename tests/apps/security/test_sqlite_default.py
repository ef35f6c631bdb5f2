"""SQLite as a real default (issue 13, finding 12): simultaneous writers wait for each other instead of
failing with "database is locked", and an error on an /api/ path is JSON, never Django's HTML page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

WRITERS = Path(__file__).with_name("sqlite_writers.py")


def test_six_simultaneous_reports_on_a_sqlite_file_all_succeed(tmp_path) -> None:
    """Six threads with their own connections submit a report on one item at the same instant against a
    fresh SQLite file (WAL, immediate transactions, busy timeout): all six are stored, none fails."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, str(WRITERS), str(tmp_path / "data"), "6"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome == {"errors": [], "reports": 6}


@pytest.mark.django_db
def test_sqlite_connections_use_wal_and_wait() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only")
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 10
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000


@pytest.mark.django_db
def test_an_api_error_is_json(client, make_user, monkeypatch) -> None:
    """Any unexpected error under /api/ answers JSON (status 500 and a Chinese sentence), not HTML."""
    from yigai.apps.plans import selectors

    def boom(**kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(selectors, "plan_list", boom)
    client.raise_request_exception = False
    client.force_login(make_user("o", "plan_owner", "130600"))
    response = client.get("/api/plans")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "服务器" in response.json()["detail"]


@pytest.mark.django_db
def test_database_locked_on_the_api_is_json_503(client, make_user, monkeypatch) -> None:
    from django.db import OperationalError

    from yigai.apps.plans import selectors

    def locked(**kwargs: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(selectors, "plan_list", locked)
    client.raise_request_exception = False
    client.force_login(make_user("o", "plan_owner", "130600"))
    response = client.get("/api/plans")
    assert response.status_code == 503 and response["Retry-After"]
    assert response["Content-Type"].startswith("application/json") and "繁忙" in response.json()["detail"]


@pytest.mark.django_db
def test_a_refusal_on_the_api_stays_403_json(client, make_user, monkeypatch) -> None:
    """The catch-all JSON 500 must not swallow a PermissionDenied raised by a selector."""
    from django.core.exceptions import PermissionDenied

    from yigai.apps.plans import selectors

    def refuse(**kwargs: object) -> None:
        raise PermissionDenied("无权查看")

    monkeypatch.setattr(selectors, "plan_list", refuse)
    client.force_login(make_user("o", "plan_owner", "130600"))
    response = client.get("/api/plans")
    assert response.status_code == 403 and response.json() == {"detail": "无权查看"}


@pytest.mark.django_db
def test_a_middleware_error_on_an_api_path_is_json(client, settings, monkeypatch) -> None:
    """Outside django-ninja (a middleware failing before the API runs) the 500 on /api/ is JSON too."""
    from yigai.web import middleware

    def boom(self: object, request: object) -> None:
        raise RuntimeError("middleware")

    monkeypatch.setattr(middleware.HtmxMiddleware, "__call__", boom)
    client.raise_request_exception = False
    response = client.get("/api/plans")
    assert response.status_code == 500 and response.json()["detail"].startswith("服务器")  # yigai.web.errors
    page = client.get("/plans/")
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")
