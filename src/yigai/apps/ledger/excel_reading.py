"""Reading a ledger workbook: find the sheet by its 台账编号 header, the rows that hold anything, and the
cell values (dates as offices type them, percents). No database: :mod:`excel_import` validates and applies.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from openpyxl.utils.exceptions import InvalidFileException

from yigai.apps.ledger.excel_layout import (
    CHECK,
    CODE,
    PERCENT,
    SHEET,
    STATUS,
    TEXT,
    TRACKED,
    VERSION,
    cell_text,
)
from yigai.core.limits import bounded_rows, check_archive, open_workbook
from yigai.core.limits import sheet_rows as limited
from yigai.core.uploads import UploadRejected

REQUIRED = (CODE, VERSION, CHECK, *TRACKED)
_NOT_EXCEL = "{file_name}：不是有效的 Excel（.xlsx）文件，请上传从本系统导出的工作台账"


def quick_check(*, file_name: str, data: bytes) -> str | None:
    """The refusal a web request gives before queuing the reading job (size, and the archive's directory
    against the expansion limits — nothing is decompressed), or None."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        size, cap = len(data) / 1048576, settings.MAX_UPLOAD_BYTES / 1048576
        return f"{file_name}：文件过大（{size:.1f} MB），上限为 {cap:.0f} MB"
    try:
        check_archive(file_name, data, settings.INPUT_LIMITS)
    except UploadRejected as exc:
        return str(exc) if exc.code == "limit" else _NOT_EXCEL.format(file_name=file_name)
    return None


def open_sheet(file_name: str, data: bytes) -> tuple[Any, int, dict[str, int]] | str:
    """(read-only sheet, header row, header → column index) or the file-level error. The workbook is
    streamed (openpyxl read-only) after the size and expansion checks of :mod:`yigai.core.limits`."""
    limits = settings.INPUT_LIMITS
    refused = quick_check(file_name=file_name, data=data)
    if refused:
        return refused
    try:
        wb = open_workbook(file_name, data, limits)
    except UploadRejected as exc:
        return str(exc) if exc.code == "limit" else _NOT_EXCEL.format(file_name=file_name)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        return _NOT_EXCEL.format(file_name=file_name)
    sheets = ([wb[SHEET]] if SHEET in wb.sheetnames else []) + [w for w in wb.worksheets if w.title != SHEET]
    for ws in sheets:
        top = ws.iter_rows(min_row=1, max_row=10, values_only=True)
        for r, cells in enumerate(bounded_rows(file_name, ws.title, top, limits), start=1):
            headers = [cell_text(c) for c in cells]
            if CODE in headers:
                cols = {h: i for i, h in enumerate(headers) if h}
                missing = [h for h in REQUIRED if h not in cols]
                if missing:
                    return f"{file_name} 工作表“{ws.title}”第{r}行：缺少列 {'、'.join(missing)}（请勿删除或改名表头）"
                return ws, r, cols
    return (
        f"{file_name}：找不到“{CODE}”列。请上传从本系统导出的工作台账（工作表“{SHEET}”），"
        "不要删除隐藏列或换用其他工作表"
    )


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", cell_text(value))
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def parse_percent(text: str) -> int | str | None:
    """The percent, None when blank, or the error."""
    if not text:
        return None
    try:
        number = float(text.rstrip("%％"))
    except ValueError:
        return f"“{text}”不是数字，须为 0–100 的整数"
    if not number.is_integer() or not 0 <= number <= 100:
        return f"“{text}”须为 0–100 的整数"
    return int(number)


@dataclass
class Row:
    n: int
    code: str
    values: dict[str, Any]


#: Told the rows read so far (called for every row: throttle in the callee).
RowsRead = Callable[[int], None]


def sheet_rows(
    file_name: str, ws: Any, header: int, cols: dict[str, int], on_row: RowsRead | None = None
) -> list[Row] | str:
    """The rows that hold anything, or the refusal when the sheet passes the row or cell limit."""
    try:
        return _rows(file_name, ws, header, cols, on_row)
    except UploadRejected as exc:
        return str(exc)


def _rows(file_name: str, ws: Any, header: int, cols: dict[str, int], on_row: RowsRead | None) -> list[Row]:
    found = []
    rows = limited(file_name, ws, settings.INPUT_LIMITS, min_row=header + 1)
    for n, cells in enumerate(rows, start=header + 1):
        if on_row is not None:
            on_row(n - header)
        values = {h: cells[i] if i < len(cells) else None for h, i in cols.items()}
        if all(cell_text(values[h]) == "" for h in (CODE, TEXT, PERCENT, STATUS)):
            continue
        found.append(Row(n, cell_text(values[CODE]), values))
    return found
