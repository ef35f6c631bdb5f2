"""System check: the rate-limit upsert (``INSERT … ON CONFLICT … RETURNING``) needs SQLite 3.35 or newer."""

from __future__ import annotations

import sqlite3
from typing import Any

from django.core.checks import Error
from django.db import connections

SQLITE_NEEDED = (3, 35, 0)


def sqlite_version_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Without it every API call and login post would fail with a server error; say so at start-up."""
    uses_sqlite = any(connections[alias].vendor == "sqlite" for alias in connections)
    if uses_sqlite and sqlite3.sqlite_version_info < SQLITE_NEEDED:
        return [
            Error(
                f"SQLite {sqlite3.sqlite_version} is too old: yigai needs {'.'.join(map(str, SQLITE_NEEDED))} "
                "or newer (INSERT … RETURNING), or PostgreSQL via DATABASE_URL",
                id="yigai.E001",
            )
        ]
    return []
