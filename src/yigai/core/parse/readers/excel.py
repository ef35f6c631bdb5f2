"""Excel ``.xlsx``: each visible, non-empty sheet becomes a ``table`` block.

Task-division tables (任务分工表) are often kept in Excel. Rows above the header — the
title row "附件1 XX任务分工表", usually one merged cell — become a text block before the
table: a leading row with fewer than two filled cells is a title, not a header. Merge
continuation cells are ``""``; formulas give their cached value.

Values become text as a reader sees them: ``5`` not ``5.0``; a percent-formatted ``0.85``
is ``85%``; a date is ISO ``2025-12-31``, except that a date formatted without a day
(``yyyy"年"m"月"``) stays ``2022年3月`` — a deadline "March 2022" means its end, not 1 March.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl

from yigai.core.parse.blocks import RawDocument
from yigai.core.parse.readers.builder import BlockBuilder

_DAY_IN_FORMAT = re.compile(r"d", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def read_xlsx(source: str, data: bytes) -> RawDocument:
    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    try:
        builder = BlockBuilder()
        for sheet in workbook.worksheets:
            if sheet.sheet_state == "visible":
                _add_sheet(builder, sheet)
        title = (workbook.properties.title or "").strip() or None
    finally:
        workbook.close()
    return RawDocument(source=source, format="xlsx", blocks=builder.blocks(), title_hint=title)


def _add_sheet(builder: BlockBuilder, sheet: Any) -> None:
    # Only cells that exist: ``iter_rows`` would create every cell up to ``max_row``, which
    # formatting alone can push to a million rows. ``_cells`` is openpyxl's cell store.
    filled = {key: text for key, cell in sheet._cells.items() if (text := cell_text(cell))}
    if not filled:
        return
    row_ids = sorted({r for r, _ in filled})
    cols = range(min(c for _, c in filled), max(c for _, c in filled) + 1)
    rows = [[filled.get((r, c), "") for c in cols] for r in row_ids]
    title_rows = 0
    while title_rows < len(rows) and sum(1 for cell in rows[title_rows] if cell) < 2:
        title_rows += 1
    for row in rows[:title_rows]:
        builder.add_line(" ".join(cell for cell in row if cell))
    builder.add_table(rows[title_rows:])


def cell_text(cell: Any) -> str:
    """A cell's value as displayed text (merged-cell continuations have no value: ``""``)."""
    value = cell.value
    number_format = str(getattr(cell, "number_format", "General") or "General")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime | dt.date):
        return _date_text(value, number_format)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        return _number_text(value, number_format)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _date_text(value: dt.date, number_format: str) -> str:
    """ISO date; month-only or year-only formats keep their meaning ("2022年3月")."""
    if isinstance(value, dt.datetime) and value.time() != dt.time(0, 0):
        return value.strftime("%Y-%m-%d %H:%M")
    shown = _QUOTED.sub("", number_format)
    if not _DAY_IN_FORMAT.search(shown):
        if "m" in shown.lower():
            return f"{value.year}年{value.month}月"
        return f"{value.year}年"
    return value.strftime("%Y-%m-%d")


def _number_text(value: float, number_format: str) -> str:
    if "%" in _QUOTED.sub("", number_format):
        return f"{_plain(value * 100)}%"
    return _plain(value)


def _plain(value: float) -> str:
    """``5.0`` → ``"5"``, ``0.1 + 0.2`` → ``"0.3"`` (no float noise from the binary format)."""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return f"{round(value, 10):.10f}".rstrip("0").rstrip(".")
