"""Fixed-window rate counting in one SQL statement, shared by every worker process.

``rate_hit`` counts a request with a single ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` (PostgreSQL,
and SQLite ≥ 3.35): atomic per row on both, so concurrent workers never lose a hit, and one round trip
instead of a cache's read-modify-write (the database cache needed eleven statements and two transactions
per counted request). A new window resets the row's count in the same statement. Rows of clients that
went away are deleted now and then (about one hit in ``SWEEP_EVERY``).
"""

from __future__ import annotations

import secrets
import time

from django.db import connection

from yigai.apps.throttle.models import RateCounter

SWEEP_EVERY = 500


def _sql() -> str:
    q = connection.ops.quote_name
    t = q(RateCounter._meta.db_table)
    bucket, period, hits, expires = (q(c) for c in ("bucket", "period", "hits", "expires"))
    # quoted identifiers from the model's metadata; the values go as parameters
    return f"INSERT INTO {t} ({bucket}, {period}, {hits}, {expires}) VALUES (%s, %s, 1, %s) ON CONFLICT ({bucket}) DO UPDATE SET {hits} = CASE WHEN {t}.{period} = excluded.{period} THEN {t}.{hits} + 1 ELSE 1 END, {period} = excluded.{period}, {expires} = excluded.{expires} RETURNING {hits}"  # nosec B608


def rate_hit(*, scope: str, client: str, limit: int, seconds: int, now: float | None = None) -> int | None:
    """Count one request of ``client`` in ``scope`` (``limit`` per ``seconds``): the seconds to wait when it
    is over the limit, else None."""
    moment = time.time() if now is None else now
    period = int(moment // seconds)
    expires = (period + 1) * seconds
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [f"{scope}:{client}"[:120], period, expires])
        count = int(cursor.fetchone()[0])
    if secrets.randbelow(SWEEP_EVERY) == 0:
        RateCounter.objects.filter(expires__lt=int(moment)).delete()
    if count > limit:
        return max(1, expires - int(moment))
    return None
