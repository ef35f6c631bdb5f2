"""Reading a ledger workbook: find the sheet by its 台账编号 header, the rows that hold anything, and the
cell values (dates as offices type them, percents). No database: :mod:`excel_import` validates and applies.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

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

REQUIRED = (CODE, VERSION, CHECK, *TRACKED)


def open_sheet(file_name: str, data: bytes) -> tuple[Worksheet, int, dict[str, int]] | str:
    """(sheet, header row, header → column index) or the file-level error."""
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        return f"{file_name}：不是有效的 Excel（.xlsx）文件，请上传从本系统导出的工作台账"
    sheets = ([wb[SHEET]] if SHEET in wb.sheetnames else []) + [w for w in wb.worksheets if w.title != SHEET]
    for ws in sheets:
        for r in range(1, min(ws.max_row, 10) + 1):
            headers = [cell_text(c.value) for c in ws[r]]
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


def sheet_rows(ws: Worksheet, header: int, cols: dict[str, int]) -> list[Row]:
    found = []
    for n, cells in enumerate(ws.iter_rows(min_row=header + 1, values_only=True), start=header + 1):
        values = {h: cells[i] if i < len(cells) else None for h, i in cols.items()}
        if all(cell_text(values[h]) == "" for h in (CODE, TEXT, PERCENT, STATUS)):
            continue
        found.append(Row(n, cell_text(values[CODE]), values))
    return found
