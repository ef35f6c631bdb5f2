"""Spreadsheet cells safe to open: neutralise formula injection in every exported .xlsx and .csv cell.

The OWASP rule (CSV injection): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading apostrophe, so Excel/WPS show it as text instead of running it as a formula
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). Only text is touched: a number, a date or None stays what it
is (a genuinely negative number remains a number, and so does a plain number written as text, ``"-3"``,
which cannot run anything and must still read back as a number from a CSV). Leading apostrophes already in front of such a text get
one more, so :func:`unneutralise` gives back exactly what was exported (the ledger Excel round trip).

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5%"), neutralise(-5), neutralise("推进中")
('\\'=HYPERLINK("http://x")', "'-5%", -5, '推进中')
>>> neutralise("'=1+1"), neutralise("'abc"), neutralise(""), neutralise("-3"), neutralise("-3+cmd")
("''=1+1", "'abc", '', '-3', "'-3+cmd")
>>> all(unneutralise(neutralise(v)) == v for v in ["=1", "'=1", "''@x", "'abc", "a=b", "\\tx", "", "'-3"])
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = frozenset("=+-@\t\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")  # a plain number written as text ("-3") cannot run anything


def _triggers(text: str) -> bool:
    rest = text.lstrip("'")
    return rest[:1] in TRIGGERS and rest[:1] != "" and not NUMBER.fullmatch(rest)


def neutralise(value: Any) -> Any:
    """``value`` as it may be written to a spreadsheet cell (text escaped, anything else unchanged)."""
    if isinstance(value, str) and _triggers(value):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` on a text cell read back from a file this platform wrote."""
    if isinstance(value, str) and value.startswith("'") and _triggers(value):
        return value[1:]
    return value


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """One CSV or sheet row, every cell neutralised."""
    return [neutralise(v) for v in values]


def neutralise_workbook(book: Any) -> None:
    """Every text cell of every sheet of an openpyxl workbook, in place, right before it is saved
    (a string that openpyxl took for a formula because it began with ``=`` becomes text again)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and _triggers(value):
                    cell.value = "'" + value
                    cell.data_type = "s"
