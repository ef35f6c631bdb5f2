"""Parse a population file (CSV or .xlsx) into rows, collecting every row-level error (file, row, column)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

HEADERS = {
    "code": ("代码", "行政区划代码", "code", "adcode"),
    "year": ("年份", "year"),
    "value": ("人口", "常住人口", "population", "value"),
}
LABELS = {"code": "代码", "year": "年份", "value": "人口"}


@dataclass(frozen=True)
class PopulationRow:
    line: int
    code: str
    year: int
    value: int


def _table(file_name: str, data: bytes) -> list[list[Any]]:
    if file_name.lower().endswith(".xlsx"):
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(data.decode(enc))))
        except UnicodeDecodeError:
            continue
    raise ValueError("无法识别文件编码（应为 UTF-8 或 GB18030）")


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
        return [], [f"{file_name}：无法读取：{exc}"]
    if not table:
        return [], [f"{file_name}：文件为空"]
    cols = _columns(table[0])
    missing = [LABELS[k] for k in HEADERS if k not in cols]
    if missing:
        return [], [f"{file_name}：第1行：缺少列 {'、'.join(missing)}"]
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
                errors.append(f"{file_name}：第{line}行，列“{LABELS[key]}”：不是非负整数：{cells[key]!r}")
        code = str(cells["code"] or "").strip()
        if not code:
            errors.append(f"{file_name}：第{line}行，列“代码”：为空")
        if len(parsed) == 2 and code:
            rows.append(PopulationRow(line=line, code=code, year=parsed["year"], value=parsed["value"]))
    return rows, errors
