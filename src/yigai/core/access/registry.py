"""Facility registry and population points read from CSV/XLSX, every bad row reported, nothing half-read.

A file with any bad row (missing or unparsable field, unknown county, level or status, a duplicate code)
raises :class:`AccessInputError` carrying every problem found, so the user fixes the file in one pass;
no record of that file is used. Points outside their county's boundary are *warnings* (the packaged
boundaries are schematic, rounded to ≈100 m): see :mod:`yigai.core.access.boundaries`.

>>> _coordinate("114.5", "longitude")
114.5
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("基层", "县级", "二级及以上")
FACILITY_COLUMNS = ("code", "name", "level", "type", "county", "longitude", "latitude", "status")
POINT_COLUMNS = ("code", "name", "county", "longitude", "latitude", "population")
# Longitude/latitude must lie in China's extent (a swapped pair or a projected coordinate is caught).
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


@dataclass(frozen=True)
class Problem:
    """One bad cell or row: file, row (1 = header, as a spreadsheet numbers them), field, reason (Chinese)."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行 " if self.row else ""
        field = f"{self.field} 列：" if self.field else ""
        return f"{self.file}: {where}{field}{self.reason}"


class AccessInputError(Exception):
    """Every problem of one input file (the file is rejected as a whole)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    level: str  # one of LEVELS
    type: str  # free text: 乡镇卫生院, 社区卫生服务中心, 县医院 …
    county: str  # county-level adcode
    longitude: float
    latitude: float
    status: str  # one of the configured statuses (运营, 在建, 停业)
    row: int = 0  # its row in the file read (header = 1), for messages


@dataclass(frozen=True)
class PopulationPoint:
    code: str
    name: str
    county: str
    longitude: float
    latitude: float
    population: int
    area_type: str  # one of the configured area types; the default when the column is empty or absent
    row: int = 0


Rows = list[tuple[int, dict[str, str]]]  # (spreadsheet row number, header = 1; cells as text)


def read_table(path: Path) -> tuple[list[str], Rows]:
    """Header and non-blank rows of a CSV (UTF-8, BOM allowed) or the first sheet of an .xlsx."""
    name = str(path)
    try:
        if path.suffix.lower() == ".xlsx":
            return _read_xlsx(path)
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        reason = "不是 UTF-8 编码（在 Excel 中另存为“CSV UTF-8”，或直接使用 .xlsx 文件）"
        raise AccessInputError([Problem(name, 0, "", reason)]) from None
    except (OSError, ValueError, KeyError) as exc:
        raise AccessInputError([Problem(name, 0, "", f"无法读取（{exc.__class__.__name__}）")]) from None
    lines = list(csv.reader(io.StringIO(text)))
    return _rows([[c.strip() for c in line] for line in lines])


def _rows(cells: list[list[str]]) -> tuple[list[str], Rows]:
    if not cells:
        return [], []
    header = cells[0]
    rows = [(n, dict(zip(header, r, strict=False))) for n, r in enumerate(cells[1:], start=2) if any(r)]
    return header, rows


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [["" if c is None else str(c).strip() for c in r] for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    return _rows(rows)


def _missing_columns(name: str, header: list[str], required: tuple[str, ...]) -> list[Problem]:
    missing = [c for c in required if c not in header]
    if not missing:
        return []
    return [Problem(name, 1, ", ".join(missing), f"缺少列（需要 {', '.join(required)}）")]


def _coordinate(value: str, field: str) -> float:
    number = float(value)
    low, high = LON_RANGE if field == "longitude" else LAT_RANGE
    if not low <= number <= high:
        raise ValueError(
            f"“{value}”不在中国境内的经纬度范围（{low}–{high}），经纬度是否写反或不是 WGS84 度数"
        )
    return number


def _check_common(
    name: str, row: int, r: Mapping[str, str], counties: Iterable[str], seen: dict[str, int]
) -> list[Problem]:
    out: list[Problem] = []
    if not r.get("code"):
        out.append(Problem(name, row, "code", "编码为空"))
    elif r["code"] in seen:
        out.append(Problem(name, row, "code", f"编码“{r['code']}”重复（第{seen[r['code']]}行已有）"))
    else:
        seen[r["code"]] = row
    if not r.get("name"):
        out.append(Problem(name, row, "name", "名称为空"))
    if r.get("county", "") not in counties:
        out.append(Problem(name, row, "county", f"“{r.get('county', '')}”不是已知的县级区划代码"))
    for field in ("longitude", "latitude"):
        try:
            _coordinate(r.get(field, ""), field)
        except ValueError as exc:
            reason = str(exc) if "范围" in str(exc) else f"“{r.get(field, '')}”不是数字"
            out.append(Problem(name, row, field, reason))
    return out


def read_facilities(path: Path, *, counties: Iterable[str], statuses: Iterable[str]) -> list[Facility]:
    """The facility registry of ``path``; raises :class:`AccessInputError` listing every bad row."""
    name, counties, statuses = str(path), set(counties), tuple(statuses)
    header, rows = read_table(path)
    problems = _missing_columns(name, header, FACILITY_COLUMNS)
    if problems:
        raise AccessInputError(problems)
    seen: dict[str, int] = {}
    out: list[Facility] = []
    for row, r in rows:
        found = _check_common(name, row, r, counties, seen)
        if r["level"] not in LEVELS:
            found.append(Problem(name, row, "level", f"“{r['level']}”不是机构级别（{'/'.join(LEVELS)}）"))
        if r["status"] not in statuses:
            found.append(Problem(name, row, "status", f"“{r['status']}”不是开业状态（{'/'.join(statuses)}）"))
        problems += found
        if not found and not problems:
            out.append(
                Facility(
                    r["code"],
                    r["name"],
                    r["level"],
                    r["type"],
                    r["county"],
                    float(r["longitude"]),
                    float(r["latitude"]),
                    r["status"],
                    row,
                )
            )
    if problems:
        raise AccessInputError(problems)
    return out


def read_points(
    path: Path, *, counties: Iterable[str], area_types: Iterable[str], default_area_type: str
) -> list[PopulationPoint]:
    """The population points (村/社区) of ``path``; raises :class:`AccessInputError` listing every bad row."""
    name, counties, area_types = str(path), set(counties), tuple(area_types)
    header, rows = read_table(path)
    problems = _missing_columns(name, header, POINT_COLUMNS)
    if problems:
        raise AccessInputError(problems)
    seen: dict[str, int] = {}
    out: list[PopulationPoint] = []
    for row, r in rows:
        found = _check_common(name, row, r, counties, seen)
        population = _population(r["population"])
        if population is None:
            found.append(Problem(name, row, "population", f"“{r['population']}”不是非负整数"))
        area = r.get("area_type") or default_area_type
        if area not in area_types:
            found.append(Problem(name, row, "area_type", f"“{area}”不是地区类型（{'/'.join(area_types)}）"))
        problems += found
        if not found and not problems and population is not None:
            out.append(
                PopulationPoint(
                    r["code"],
                    r["name"],
                    r["county"],
                    float(r["longitude"]),
                    float(r["latitude"]),
                    population,
                    area,
                    row,
                )
            )
    if problems:
        raise AccessInputError(problems)
    return out


def _population(value: str) -> int | None:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return None
    if number < 0 or number != int(number):
        return None
    return int(number)
