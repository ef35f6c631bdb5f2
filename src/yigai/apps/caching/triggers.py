"""Database triggers that move a generation on every write to a watched app's tables.

Why triggers and not application code: the ledger alone is written by services, bulk ``update()`` calls
(the nightly light refresh), Excel imports and migrations; a counter bumped in Python would be one missed
call away from serving a stale dashboard. A trigger sees every write, whatever issued it, inside the
writer's transaction: readers see the new generation exactly when they see the new rows.

- PostgreSQL: one statement-level trigger per table (``AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE``):
  a bulk write of 100,000 rows moves the generation once.
- SQLite (no statement-level triggers): three row-level triggers per table.

Both upsert the generation row, so a flushed table (tests) or a new kind starts by itself. Installed after
every ``migrate`` (``post_migrate``): only missing triggers are created (no table lock otherwise), so tables
added by later migrations get theirs.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connections

#: app label → the generation its tables move (what cached pages depend on). Accounts are not here: what a
#: user may see is part of each cache key (:func:`yigai.apps.caching.services.visibility_key`).
WATCHED = {
    "ledger": "ledger",
    "plans": "plans",
    "indicators": "indicators",
    "orgunits": "orgunits",
    "units": "units",
}
TABLE = "caching_generation"
PG_FUNCTION = "yigai_generation_bump"


def watched_tables() -> dict[str, str]:
    """Every table of the watched apps (many-to-many link tables included) → its generation name."""
    found: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        name = WATCHED.get(model._meta.app_label)
        if name is not None and model._meta.managed and not model._meta.proxy:
            found[model._meta.db_table] = name
    return found


def _trigger_name(table: str, suffix: str = "") -> str:
    return f"yigai_gen_{table}{suffix}"[:63]


def _postgres(cursor: Any, tables: dict[str, str]) -> None:
    # constants only (no input reaches this DDL)
    body = f"INSERT INTO {TABLE} (name, n) VALUES (TG_ARGV[0], 1) ON CONFLICT (name) DO UPDATE SET n = {TABLE}.n + 1"  # nosec B608
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body}; RETURN NULL; END $$"
    )
    cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["yigai_gen_%"])
    present = {row[0] for row in cursor.fetchall()}
    for table, name in tables.items():
        trigger = _trigger_name(table)
        if trigger in present:  # every command runs migrate: take no table lock when nothing is missing
            continue
        cursor.execute(
            f'CREATE TRIGGER "{trigger}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}('{name}')"
        )


def _sqlite(cursor: Any, tables: dict[str, str]) -> None:
    for table, name in tables.items():
        for event in ("INSERT", "UPDATE", "DELETE"):
            trigger = _trigger_name(table, f"_{event.lower()}")
            # table names from the model registry, generation names from WATCHED: no input
            bump = f"INSERT OR IGNORE INTO {TABLE} (name, n) VALUES ('{name}', 0); UPDATE {TABLE} SET n = n + 1 WHERE name = '{name}'"  # nosec B608
            cursor.execute(
                f'CREATE TRIGGER IF NOT EXISTS "{trigger}" AFTER {event} ON "{table}" BEGIN {bump}; END'
            )


def install(using: str = "default") -> int:
    """Create (or replace) the triggers of every watched table; the number of tables covered."""
    connection = connections[using]
    present = set(connection.introspection.table_names())
    if TABLE not in present:
        return 0
    tables = {t: n for t, n in watched_tables().items() if t in present}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _postgres(cursor, tables)
        elif connection.vendor == "sqlite":
            _sqlite(cursor, tables)
        else:  # pragma: no cover - the two supported databases (ADR 0002)
            raise NotImplementedError(f"no generation triggers for {connection.vendor}")
    return len(tables)


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: install once per migrate run (it fires once per app)."""
    if getattr(sender, "label", None) == "caching":
        install(using)
