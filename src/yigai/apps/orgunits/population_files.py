"""Parse a population file (CSV or .xlsx) into rows, collecting every row-level error (file, row, column)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from yigai.core.limits import csv_rows, open_workbook, sheet_rows
from yigai.core.uploads import UploadRejected

HEADERS = {
    "code": ("代码", "行政区划代码", "code", "adcode"),
    "year": ("年份", "year"),
    "value": ("人口", "常住人口", "population", "value"),
}
LABELS = {"code": _("代码"), "year": _("年份"), "value": _("人口")}  # named in messages


@dataclass(frozen=True)
class PopulationRow:
    line: int
    code: str
    year: int
    value: int


def _table(file_name: str, data: bytes) -> list[list[Any]]:
    if file_name.lower().endswith(".xlsx"):
        limits = settings.INPUT_LIMITS
        try:
            wb = open_workbook(file_name, data, limits)
            return [list(r) for r in sheet_rows(file_name, wb.worksheets[0], limits)]
        except UploadRejected as exc:
            raise ValueError(exc.message) from exc
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        try:
            return csv_rows(file_name, text, settings.INPUT_LIMITS)
        except UploadRejected as exc:
            raise ValueError(exc.message) from exc
    raise ValueError(gettext("无法识别文件编码（应为 UTF-8 或 GB18030）"))


def _columns(header: list[Any]) -> dict[str, int]:
    names = [str(h or "").strip().lower() for h in header]
    return {
        key: names.index(alias) for key, aliases in HEADERS.items() for alias in aliases if alias in names
    }


def _int(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(str(value).strip().replace(",", ""))


def read_population_file(file_name: str, data: bytes) -> tuple[list[PopulationRow], list[str]]:
    try:
        table = _table(file_name, data)
    except Exception as exc:  # any unreadable file is a user error, reported in one line
        return [], [gettext("%(file)s：无法读取：%(error)s") % {"file": file_name, "error": exc}]
    if not table:
        return [], [gettext("%(file)s：文件为空") % {"file": file_name}]
    cols = _columns(table[0])
    missing = [str(LABELS[k]) for k in HEADERS if k not in cols]
    if missing:
        columns = pgettext("list separator", "、").join(missing)
        return [], [gettext("%(file)s：第1行：缺少列 %(columns)s") % {"file": file_name, "columns": columns}]
    rows: list[PopulationRow] = []
    errors: list[str] = []
    for line, raw in enumerate(table[1:], start=2):
        if not any(str(c or "").strip() for c in raw):
            continue
        cells = {k: raw[i] if i < len(raw) else None for k, i in cols.items()}
        parsed: dict[str, int] = {}
        for key in ("year", "value"):
            try:
                parsed[key] = _int(cells[key])
                if parsed[key] < 0:
                    raise ValueError
            except (TypeError, ValueError):
                message = gettext("%(file)s：第%(line)s行，列“%(column)s”：不是非负整数：%(value)r")
                errors.append(
                    message % {"file": file_name, "line": line, "column": LABELS[key], "value": cells[key]}
                )
        code = str(cells["code"] or "").strip()
        if not code:
            message = gettext("%(file)s：第%(line)s行，列“%(column)s”：为空")
            errors.append(message % {"file": file_name, "line": line, "column": LABELS["code"]})
        if len(parsed) == 2 and code:
            rows.append(PopulationRow(line=line, code=code, year=parsed["year"], value=parsed["value"]))
    return rows, errors
