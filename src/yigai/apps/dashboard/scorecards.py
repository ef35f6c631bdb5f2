"""Scorecards (考核评分表) per responsible unit and per area: tasks assigned, on schedule, overdue, closed,
reporting (on time / late / missing and the rate), and target status counts (per area; targets belong to
places, not to units). Sorted on any column; exported to Excel with openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yigai.apps.dashboard.summary import Summary, Tally


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy text
    value: Callable[[Tally], Any]
    percent: bool = False
    area_only: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("total", gettext_lazy("任务数"), lambda t: t.total),
    Column("on_schedule", gettext_lazy("按期"), lambda t: t.on_schedule),
    Column("overdue", gettext_lazy("逾期"), lambda t: t.overdue),
    Column("closed", gettext_lazy("已销号"), lambda t: t.closed),
    Column("red", gettext_lazy("红灯"), lambda t: t.colours["red"]),
    Column("yellow", gettext_lazy("黄灯"), lambda t: t.colours["yellow"] + t.colours["orange"]),
    Column("green", gettext_lazy("绿灯"), lambda t: t.colours["green"] + t.colours["blue"]),
    Column("on_time", gettext_lazy("按时报送"), lambda t: t.on_time),
    Column("late", gettext_lazy("迟报"), lambda t: t.late),
    Column("missing", gettext_lazy("漏报"), lambda t: t.missing),
    Column("reporting_rate", gettext_lazy("报送率"), lambda t: t.reporting_rate, percent=True),
    Column("achieved", gettext_lazy("目标已达标"), lambda t: t.targets["achieved"], area_only=True),
    Column("on_track", gettext_lazy("进展顺利"), lambda t: t.targets["on_track"], area_only=True),
    Column("at_risk", gettext_lazy("存在风险"), lambda t: t.at_risk, area_only=True),
    Column("no_data", gettext_lazy("无数据"), lambda t: t.targets["no_data"], area_only=True),
)
BY_KEY = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class Row:
    name: str
    code: str
    values: list[tuple[Column, Any]]


def columns_for(by: str) -> list[Column]:
    return [c for c in COLUMNS if by == "area" or not c.area_only]


def scorecard_rows(summary: Summary, *, by: str = "area", sort: str = "") -> list[Row]:
    """Rows per area (``by="area"``) or per responsible unit, sorted by ``sort`` (``-key`` descending)."""
    tallies = summary.areas if by == "area" else summary.units
    key = sort.lstrip("-")
    if key in BY_KEY:
        col = BY_KEY[key]
        present = [t for t in tallies if col.value(t) is not None]
        absent = [t for t in tallies if col.value(t) is None]
        tallies = sorted(present, key=col.value, reverse=sort.startswith("-")) + absent
    elif sort in ("name", "-name"):
        tallies = sorted(tallies, key=lambda t: t.name, reverse=sort == "-name")
    cols = columns_for(by)
    return [Row(t.name, t.code, [(c, c.value(t)) for c in cols]) for t in tallies]


def scorecard_xlsx(summary: Summary) -> bytes:
    """Two sheets (按地区, 按责任单位), header frozen, filters on, rates as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from yigai.core.cells import neutralise_workbook

    book = Workbook()
    first = True
    for by, title in (("area", _("按地区")), ("unit", _("按责任单位"))):
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None  # a new workbook has one sheet
        sheet.title, first = title, False
        cols = columns_for(by)
        sheet.append([_("地区") if by == "area" else _("责任单位"), *[str(c.label) for c in cols]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E8EEF6")
        for row in scorecard_rows(summary, by=by):
            sheet.append([row.name, *[v for _c, v in row.values]])
            for cell, (c, _v) in zip(sheet[sheet.max_row][1:], row.values, strict=True):
                if c.percent:
                    cell.number_format = "0.0%"
        sheet.column_dimensions["A"].width = 30
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = sheet.dimensions
    note = book.create_sheet(_("说明"))
    note.append([_("范围"), summary.scope.name])
    note.append([_("统计日期"), summary.inputs.today.isoformat()])
    if summary.inputs.is_demo:
        note.append([_("示例数据"), _("本表含示例数据，仅供演示")])
    neutralise_workbook(book)  # unit and area names are text a user typed: never a live formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
