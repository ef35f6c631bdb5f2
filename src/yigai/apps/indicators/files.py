"""Read data-value files (CSV, Excel) in the long or the wide layout into raw rows, keeping positions.

Long: one value per row, columns ``org_unit`` (adcode or name), ``data_element`` (code, name or alias),
``period``, ``value`` and optionally ``disaggregation`` — Chinese headers (机构/行政区划, 数据项, 期间,
数值, 分类) work too. Wide, the way people keep yearbook tables: org units as rows, periods as columns,
one data element per sheet named above the header ("数据项：实有床位数"), by the sheet or file name, or by
``--data-element``::

    数据项：实有床位数
    地区,      2022,  2023
    石家庄市,  72000, 75000
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from yigai.core.indicators import Period, PeriodError
from yigai.core.limits import csv_rows, open_workbook, sheet_rows
from yigai.core.uploads import UploadRejected

LONG_HEADERS: dict[str, tuple[str, ...]] = {
    "org_unit": ("org_unit", "机构", "行政区划", "地区", "代码", "行政区划代码", "adcode", "单位"),
    "data_element": ("data_element", "数据项", "数据元", "指标项"),
    "period": ("period", "期间", "时期", "报告期", "年份"),
    "value": ("value", "数值", "值", "数据"),
    "disaggregation": ("disaggregation", "分类", "类别"),
}
REQUIRED = ("org_unit", "data_element", "period", "value")
LABEL_PREFIXES = ("数据项", "data_element", "指标项")
OPTION_PREFIXES = ("分类", "disaggregation")


@dataclass(frozen=True)
class Cell:
    column: str  # the header as written, or the column letter
    value: Any


@dataclass(frozen=True)
class RawRow:
    where: str  # file name, with the sheet for workbooks of several sheets
    row: int  # 1-based, as the spreadsheet shows it
    org_unit: Cell
    data_element: Cell
    period: Cell
    value: Cell
    disaggregation: Cell | None = None


@dataclass(frozen=True)
class Problem:
    where: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return _("%(file)s：%(reason)s") % {"file": self.where, "reason": self.reason}
        return _("%(file)s：第%(row)s行，列“%(column)s”：%(reason)s") % {
            "file": self.where, "row": self.row, "column": self.column or "-", "reason": self.reason,
        }  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    where: str
    name: str
    rows: list[list[Any]]


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheets(file_name: str, data: bytes) -> list[Sheet]:
    """Every non-empty sheet of a workbook, or the one table of a CSV (UTF-8 or GB18030)."""
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        limits = settings.INPUT_LIMITS
        try:
            wb = open_workbook(file_name, data, limits)
            sheets = [
                (ws.title, [list(r) for r in sheet_rows(file_name, ws, limits)]) for ws in wb.worksheets
            ]
        except UploadRejected as exc:
            raise ValueError(exc.message) from exc
        sheets = [(n, rows) for n, rows in sheets if any(any(text(c) for c in r) for r in rows)]
        many = len(sheets) > 1
        return [Sheet(f"{file_name}[{n}]" if many else file_name, n, rows) for n, rows in sheets]
    if not file_name.lower().endswith((".csv", ".txt")):
        raise ValueError(_("不支持的文件类型（可用 .csv、.xlsx）"))
    for enc in ("utf-8-sig", "gb18030"):
        try:
            decoded = data.decode(enc)
        except UnicodeDecodeError:
            continue
        try:
            rows = csv_rows(file_name, decoded, settings.INPUT_LIMITS)
        except UploadRejected as exc:
            raise ValueError(exc.message) from exc
        return [Sheet(file_name, PurePath(file_name).stem, rows)]
    raise ValueError(_("无法识别文件编码（应为 UTF-8 或 GB18030）"))


def _long_columns(header: list[Any]) -> dict[str, int]:
    names = [text(h).lower() for h in header]
    found: dict[str, int] = {}
    for key, aliases in LONG_HEADERS.items():
        for alias in aliases:
            if alias in names and key not in found:
                found[key] = names.index(alias)
    return found


def _is_period(value: Any) -> bool:
    try:
        Period.parse(text(value))
    except PeriodError:
        return False
    return bool(text(value))


def _wide_header(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:10]):
        if row and text(row[0]) and not _is_period(row[0]) and any(_is_period(c) for c in row[1:]):
            return i
    return None


def _labelled(rows: list[list[Any]], prefixes: tuple[str, ...]) -> str | None:
    for row in rows:
        for cell in row:
            value = text(cell)
            for prefix in prefixes:
                if value.lower().startswith(prefix.lower()):
                    rest = value[len(prefix) :].lstrip("：:= ").strip()
                    if rest:
                        return rest
                    idx = row.index(cell)
                    return text(row[idx + 1]) if idx + 1 < len(row) else None
    return None


def long_rows(sheet: Sheet) -> tuple[list[RawRow], list[Problem]]:
    header = sheet.rows[0]
    cols = _long_columns(header)
    missing = [k for k in REQUIRED if k not in cols]
    if missing:
        return [], [Problem(sheet.where, 1, None, _("缺少列 %(cols)s") % {"cols": ", ".join(missing)})]
    out = []
    for n, raw in enumerate(sheet.rows[1:], start=2):
        if not any(text(c) for c in raw):
            continue

        def cell(key: str, raw: list[Any] = raw) -> Cell:
            i = cols[key]
            return Cell(text(header[i]), raw[i] if i < len(raw) else None)

        disagg = cell("disaggregation") if "disaggregation" in cols else None
        out.append(
            RawRow(
                sheet.where, n, cell("org_unit"), cell("data_element"), cell("period"), cell("value"), disagg
            )
        )
    return out, []


def wide_rows(sheet: Sheet, data_element: str | None) -> tuple[list[RawRow], list[Problem]]:
    h = _wide_header(sheet.rows)
    assert h is not None
    header = sheet.rows[h]
    above = sheet.rows[:h]
    element = data_element or _labelled(above, LABEL_PREFIXES) or ""
    option = _labelled(above, OPTION_PREFIXES)
    element_col = _("数据项")
    out = []
    for n, raw in enumerate(sheet.rows[h + 1 :], start=h + 2):
        if not raw or not text(raw[0]):
            continue
        for i, head in enumerate(header[1:], start=1):
            value = raw[i] if i < len(raw) else None
            if not _is_period(head) or not text(value):
                continue
            column = text(head)
            out.append(RawRow(
                sheet.where, n, Cell(text(header[0]), raw[0]), Cell(element_col, element),
                Cell(column, head), Cell(column, value), Cell(element_col, option) if option else None,
            ))  # fmt: skip
    return out, []


def read_rows(
    file_name: str, data: bytes, *, data_element: str | None = None
) -> tuple[list[RawRow], list[Problem], list[Sheet]]:
    """Raw rows of every sheet in either layout; structural problems (no header, unreadable) as Problems."""
    try:
        sheets = read_sheets(file_name, data)
    except Exception as exc:  # an unreadable file is the user's problem, reported in one line
        return [], [Problem(file_name, None, None, _("无法读取：%(error)s") % {"error": exc})], []
    if not sheets:
        return [], [Problem(file_name, None, None, _("文件为空"))], []
    rows: list[RawRow] = []
    problems: list[Problem] = []
    for sheet in sheets:
        if _long_columns(sheet.rows[0]).keys() >= {"org_unit", "data_element"}:
            r, p = long_rows(sheet)
        elif _wide_header(sheet.rows) is not None:
            r, p = wide_rows(sheet, data_element or _sheet_element(sheet))
        else:
            reason = _(
                "无法识别表格格式：长表需要 org_unit、data_element、period、value 列；宽表需要以年份为列名的表头"
            )
            r, p = [], [Problem(sheet.where, 1, None, reason)]
        rows += r
        problems += p
    return rows, problems, sheets


def _sheet_element(sheet: Sheet) -> str | None:
    """A wide sheet with no "数据项：" line may be named after its data element; checked later."""
    h = _wide_header(sheet.rows) or 0
    if _labelled(sheet.rows[:h], LABEL_PREFIXES):
        return None
    return sheet.name if sheet.name and not sheet.name.lower().startswith("sheet") else None
