"""Numbers typed into a URL or a form, as the database can hold them.

``str.isdigit`` accepts ``²`` and ``٣`` (``int`` refuses the first), and a 30-digit id overflows a database
integer (SQLite: OverflowError; PostgreSQL: "bigint out of range"): either was a server error where the
page meant "no such object". :func:`db_int` reads ASCII digits up to a signed 64-bit integer, else None.

>>> db_int("42"), db_int(" 7 "), db_int("²"), db_int("9" * 30), db_int("-1")
(42, 7, None, None, None)
"""

from __future__ import annotations

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
