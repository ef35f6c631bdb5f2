"""Database triggers that move a generation on every write to a watched app's tables.

Why triggers and not application code: the ledger alone is written by services, bulk ``update()`` calls
(the nightly light refresh), Excel imports and migrations; a counter bumped in Python would be one missed
call away from serving a stale dashboard. A trigger sees every write, whatever issued it, inside the
writer's transaction: readers see the new generation exactly when they see the new rows.

- PostgreSQL: one statement-level trigger per table (``AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE``):
  a bulk write of 100,000 rows moves the generation once. The function names its table with the schema
  and runs with a fixed ``search_path``, so a session with another ``search_path`` (``pg_restore``, a psql
  script) still writes.
- SQLite (no statement-level triggers): three row-level triggers per table.

Both upsert the generation row, so a flushed table (tests) or a new kind starts by itself. Writers of one
kind wait for each other's commit on that kind's row (as audited writers already wait on the audit chain);
readers never wait. Installed after every ``migrate`` (``post_migrate``): missing triggers are created,
triggers of an older version (``VERSION`` is in their name) are dropped, and a new epoch is drawn.
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
    "assessment": "assessment",  # evidence marks, 自评 and 申诉 feed open stages' cached scores
}
TABLE = "caching_generation"
PREFIX = "yigai_gen_"
VERSION = 2  # bump when the trigger body or events change: install() replaces every older trigger
PG_FUNCTION = f"yigai_generation_bump_v{VERSION}"


def watched_tables() -> dict[str, str]:
    """Every table of the watched apps (many-to-many link tables included) → its generation name."""
    found: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        name = WATCHED.get(model._meta.app_label)
        if name is not None and model._meta.managed and not model._meta.proxy:
            found[model._meta.db_table] = name
    return found


def trigger_name(table: str, suffix: str = "") -> str:
    return f"{PREFIX}v{VERSION}_{table}{suffix}"[:63]


def installed(using: str = "default") -> list[tuple[str, str]]:
    """(table, trigger name) of every generation trigger in the database (the current schema)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace s ON s.oid = c.relnamespace "
                "WHERE s.nspname = current_schema() AND t.tgname LIKE %s",
                [PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [PREFIX + "%"],
            )
        return sorted((str(table), str(name)) for table, name in cursor.fetchall())


def _postgres(cursor: Any, wanted: dict[tuple[str, str], str], stale: list[tuple[str, str]]) -> None:
    cursor.execute("SELECT current_schema()")
    schema = cursor.fetchone()[0]
    q = f'"{schema}"'
    # Constants and catalogue names only: no input reaches this DDL.
    body = f"INSERT INTO {q}.{TABLE} (name, n) VALUES (TG_ARGV[0], 1) ON CONFLICT (name) DO UPDATE SET n = {q}.{TABLE}.n + 1"  # nosec B608
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {q}.{PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
        f"SET search_path = {q}, pg_catalog AS $$ BEGIN {body}; RETURN NULL; END $$"
    )
    for table, trigger in stale:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON {q}."{table}"')
    for (table, trigger), name in wanted.items():
        cursor.execute(
            f'CREATE TRIGGER "{trigger}" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {q}."{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {q}.{PG_FUNCTION}('{name}')"
        )


def _sqlite(cursor: Any, wanted: dict[tuple[str, str], str], stale: list[tuple[str, str]]) -> None:
    for _table, trigger in stale:
        cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
    for (table, trigger), name in wanted.items():
        event = trigger.rsplit("_", 1)[1].upper()
        # table names from the model registry, generation names from WATCHED: no input
        bump = f"INSERT OR IGNORE INTO {TABLE} (name, n) VALUES ('{name}', 0); UPDATE {TABLE} SET n = n + 1 WHERE name = '{name}'"  # nosec B608
        cursor.execute(f'CREATE TRIGGER "{trigger}" AFTER {event} ON "{table}" BEGIN {bump}; END')


def install(using: str = "default") -> int:
    """Create the missing triggers of every watched table and drop those of older versions (no table lock
    when nothing is missing: every command runs migrate); the number of triggers created."""
    connection = connections[using]
    present = set(connection.introspection.table_names())
    if TABLE not in present:
        return 0
    tables = {t: n for t, n in watched_tables().items() if t in present}
    suffixes = ("",) if connection.vendor == "postgresql" else ("_insert", "_update", "_delete")
    expected = {(t, trigger_name(t, s)): n for t, n in tables.items() for s in suffixes}
    have = installed(using)
    stale = [(t, name) for t, name in have if (t, name) not in expected]
    wanted = {key: n for key, n in expected.items() if key not in set(have)}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _postgres(cursor, wanted, stale)
        elif connection.vendor == "sqlite":
            _sqlite(cursor, wanted, stale)
        else:  # pragma: no cover - the two supported databases (ADR 0002)
            raise NotImplementedError(f"no generation triggers for {connection.vendor}")
    return len(wanted)


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver (it fires once per app; this acts once): triggers, then a new epoch."""
    if getattr(sender, "label", None) != "caching":
        return
    install(using)
    from yigai.apps.caching.services import new_epoch

    if TABLE in connections[using].introspection.table_names():
        new_epoch()
