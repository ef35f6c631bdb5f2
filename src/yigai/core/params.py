"""Numbers typed into a URL or a form, as the database can hold them.

``str.isdigit`` accepts ``²`` and ``٣`` (``int`` refuses the first), and a 30-digit id overflows a database
integer (SQLite: OverflowError; PostgreSQL: "bigint out of range"): either was a server error where the
page meant "no such object". :func:`db_int` reads ASCII digits up to a signed 64-bit integer, else None.

>>> db_int("42"), db_int(" 7 "), db_int("²"), db_int("9" * 30), db_int("-1")
(42, 7, None, None, None)

A day asked for (an ad-hoc 考核 stage, the ledger's lights on another day) is evaluated afresh, and a day
near the calendar's end overflows date arithmetic: :func:`sane_day` keeps it within 2000–2100.

>>> sane_day(dt.date(2024, 6, 30)), sane_day(dt.date(9999, 12, 30))
(True, False)
"""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
DB_INT_MAX = 2**63 - 1


def db_int(raw: str | None) -> int | None:
    """``raw`` (surrounding spaces ignored) as a non-negative database integer, or None."""
    text = (raw or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= DB_INT_MAX else None


FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def sane_day(day: dt.date) -> bool:
    """Whether ``day`` lies within 2000–2100 (the days worth evaluating)."""
    return FIRST_DAY <= day <= LAST_DAY
