"""Export a plan's ledger as the workbook offices use (layout in :mod:`excel_layout`).

One row per item the caller may see, in ledger order (a county's child item right under its parent);
目标任务 and 任务描述 merged down over consecutive rows of the same group, as in seed 003; 预警 coloured
by the plan's scheme; 完成状态 a dropdown of the stored statuses; the sheet protected (no password:
against accidents, not people) except the cells a unit fills in. A second sheet 说明 tells how.

>>> wb = workbook_for(title="测试方案", rows=[], exported_on=dt.date(2026, 11, 23), exported_by="owner")
>>> wb.sheetnames, wb[SHEET]["A3"].value, wb[SHEET].column_dimensions["L"].hidden
(['工作台账', '说明'], '序号', True)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from yigai.apps.accounts.models import User
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.ledger.selectors import ItemLight
    from yigai.apps.plans.models import Plan

from yigai.apps.ledger.excel_layout import (
    COLUMNS,
    FILLS,
    HEADER_ROW,
    HEADERS,
    HELP_SHEET,
    INFO_ROW,
    SHEET,
    STATUS_LABELS,
    TITLE_ROW,
    TRACKED,
    cell_text,
    checksum,
)
from yigai.core.cells import neutralise_workbook


@dataclass(frozen=True)
class ExportRow:
    """One item as a sheet row (built by :func:`rows_from_lights`)."""

    number: str
    group: str
    subgroup: str
    text: str
    lead: str
    units: str
    deadline: dt.date
    progress_text: str
    percent: int | None
    status: str
    colour: str
    warning: str
    code: str
    version: int

    def values(self) -> list[object]:
        tracked = [self.progress_text, cell_text(self.percent), self.status, self.deadline.isoformat()]
        assert len(tracked) == len(TRACKED)
        return [self.number, self.group, self.subgroup, self.text, self.lead, self.units, self.deadline,
                self.progress_text, self.percent, self.status, self.warning, self.code, self.version,
                checksum(tracked)]  # fmt: skip


THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EDIT_FILL = PatternFill("solid", fgColor="FFFFF0")
HIDDEN_FILL = PatternFill("solid", fgColor="EDEDED")
CENTRED = {"序号", "完成时限", "完成进度（%）", "完成状态", "台账编号", "版本"}


def _title(ws: Worksheet, title: str, info: str) -> None:
    last = get_column_letter(len([c for c in COLUMNS if not c.hidden]))
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.merge_cells(f"A{INFO_ROW}:{last}{INFO_ROW}")
    ws[f"A{TITLE_ROW}"] = title
    ws[f"A{TITLE_ROW}"].font = Font(size=16, bold=True)
    ws[f"A{TITLE_ROW}"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 30
    ws[f"A{INFO_ROW}"] = info
    ws[f"A{INFO_ROW}"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[INFO_ROW].height = 32


def _header(ws: Worksheet) -> None:
    for n, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, n, col.header)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BORDER, CENTRE
        letter = get_column_letter(n)
        ws.column_dimensions[letter].width = col.width
        ws.column_dimensions[letter].hidden = col.hidden
    ws.row_dimensions[HEADER_ROW].height = 30


def _row(ws: Worksheet, r: int, row: ExportRow) -> None:
    for n, (col, value) in enumerate(zip(COLUMNS, row.values(), strict=True), start=1):
        cell = ws.cell(r, n, value)
        cell.border = BORDER
        cell.alignment = CENTRE if col.header in CENTRED else WRAP
        if col.editable:
            cell.protection, cell.fill = Protection(locked=False), EDIT_FILL
        elif col.hidden:
            cell.fill = HIDDEN_FILL
        if col.header == "完成时限":
            cell.number_format = "yyyy-mm-dd"
    fill, font = FILLS.get(row.colour, ("", ""))
    if fill:
        warn = ws.cell(r, HEADERS.index("预警") + 1)
        warn.fill, warn.font = PatternFill("solid", fgColor=fill), Font(color=font, bold=True)


def _merge_groups(ws: Worksheet, rows: Sequence[ExportRow]) -> None:
    """Merge 目标任务 (column B) and 任务描述 (column C) down over runs of the same group."""
    for col, key in ((2, lambda x: (x.group,)), (3, lambda x: (x.group, x.subgroup))):
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or key(rows[i]) != key(rows[start]):
                if i - start > 1 and key(rows[start])[-1]:
                    a, b = HEADER_ROW + 1 + start, HEADER_ROW + i
                    ws.merge_cells(start_row=a, start_column=col, end_row=b, end_column=col)
                start = i


def _validations(ws: Worksheet, last: int) -> None:
    status_col = get_column_letter(HEADERS.index("完成状态") + 1)
    percent_col = get_column_letter(HEADERS.index("完成进度（%）") + 1)
    status = DataValidation(
        type="list", formula1='"' + ",".join(STATUS_LABELS) + '"', allow_blank=False, showErrorMessage=True,
        errorTitle="完成状态", error="请从下拉列表中选择：" + "、".join(STATUS_LABELS),
        promptTitle="完成状态", prompt="请从下拉列表中选择", showInputMessage=True,
    )  # fmt: skip
    percent = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
        showErrorMessage=True, errorTitle="完成进度", error="请填写 0–100 之间的整数",
    )  # fmt: skip
    for dv, col in ((status, status_col), (percent, percent_col)):
        ws.add_data_validation(dv)
        if last > HEADER_ROW:
            dv.add(f"{col}{HEADER_ROW + 1}:{col}{last}")


def _protect(ws: Worksheet) -> None:
    p = ws.protection
    p.sheet = True  # no password: it guards against accidents only
    p.formatColumns = p.formatRows = p.formatCells = False  # False = allowed to the user
    p.autoFilter = p.sort = False


HELP = [
    ("工作台账表格填写说明", ""),
    ("1. 填写范围", "只填写浅黄色底的三列：进展情况、完成进度（%）、完成状态。其他列（目标任务、具体措施、"
     "牵头单位、完成时限、预警等）由系统生成，已锁定，修改无效。"),
    ("2. 进展情况", "写明本期工作进展、存在问题和下步打算。进展情况或完成进度有改动的行，导入后记为一次进展报送。"),
    ("3. 完成进度（%）", "填写 0–100 的整数，可不填。"),
    ("4. 完成状态", "从下拉列表选择：未启动、推进中、申请销号、已销号、已撤销。状态只能按流程改变："
     "牵头单位可改为“推进中”“申请销号”（申请销号前须已在系统中上传佐证材料）；“已销号”由审核人改；"
     "退回、撤销、延期须填写理由，请在系统的事项页面办理。"),
    ("5. 完成时限", "不能在表格中修改；如需延期，请在系统的事项页面提出延期申请。"),
    ("6. 隐藏列", "表格末尾有隐藏的“台账编号”“版本”“校验”列，系统靠它们匹配事项、判断是否有人同时修改，"
     "请勿删除或修改，也不要删除、插入工作表。可以用筛选查看本单位的行，不影响导入。"),
    ("7. 上传", "在系统“工作台账 → 导入Excel”上传本文件，或用命令 yigai ledger import。系统先列出每一处改动"
     "（原值→新值）供确认；有任何一行出错时整个文件都不导入，并逐行说明行号、列名和原因。"),
    ("8. 同时修改", "如果导出后别人已修改了某个事项，该行作为“冲突”列出、不予导入，请重新导出后再填写。"),
    ("9. 重复上传", "同一文件重复上传不会重复记录：已生效的改动不会再次导入。"),
]  # fmt: skip


def _help(wb: Workbook, is_demo: bool) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 18, 90
    rows = HELP + ([("示例数据", "本表格来自演示数据（示例数据），仅供演示。")] if is_demo else [])
    for r, (head, body) in enumerate(rows, start=1):
        ws.cell(r, 1, head).font = Font(bold=True, size=14 if r == 1 else 11)
        ws.cell(r, 2, body).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 1).alignment = Alignment(vertical="top")


def workbook_for(
    *, title: str, rows: Sequence[ExportRow], exported_on: dt.date, exported_by: str, is_demo: bool = False
) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has one sheet
    ws.title = SHEET
    demo = "（示例数据）" if is_demo else ""
    info = (f"导出日期：{exported_on.isoformat()}　导出人：{exported_by}　共 {len(rows)} 项　"
            f"预警按导出日期计算{'　本表为示例数据，仅供演示' if is_demo else ''}\n"
            "只填写浅黄色底的“进展情况”“完成进度（%）”“完成状态”三列，填好后在系统中上传（见“说明”工作表）")  # fmt: skip
    _title(ws, f"{title}工作台账{demo}", info)
    _header(ws)
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        _row(ws, r, row)
    _merge_groups(ws, rows)
    last = HEADER_ROW + len(rows)
    _validations(ws, last)
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    visible = get_column_letter(len([c for c in COLUMNS if not c.hidden]))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{visible}{max(last, HEADER_ROW + 1)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)
    _help(wb, is_demo)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The saved workbook, every text cell neutralised against formula injection (the importer undoes it
    through :func:`yigai.apps.ledger.excel_layout.cell_text`)."""
    neutralise_workbook(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _groups(path: Sequence[str], fallback: str) -> tuple[str, str]:
    """(目标任务, 任务描述) from a task's section path: its last two levels below the document title."""
    parts = [p for p in path if p]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return (parts[0], "") if parts else (fallback, "")


def _responsible(item: LedgerItem, lead: str) -> str:
    """责任单位: the co-responsible units; a task naming one unit only has that unit (never an empty cell)."""
    co = "、".join(u.name for u in item.co_units.all())
    return co or (lead if item.lead_unit_id else "")


def rows_from_lights(lights: Sequence[ItemLight]) -> list[ExportRow]:
    """Sheet rows for items already scoped to the reader (their lights computed by the selectors)."""
    from yigai.apps.ledger.adapters import place_unit
    from yigai.apps.plans.models import Section, Task

    task_ids = {x.item.task_id for x in lights if x.item.task_id}
    paths = dict(Task.objects.filter(pk__in=task_ids).values_list("pk", "path"))
    sections = dict(
        Section.objects.filter(pk__in={x.item.section_id for x in lights}).values_list("pk", "title")
    )
    rows, top, sub = [], 0, dict[int, int]()
    for light in lights:
        item, w = light.item, light.warning
        if item.parent_id is None or item.parent_id not in sub:
            top += 1
            number = str(top)
            sub[item.pk] = 0
        else:
            sub[item.parent_id] += 1
            number = f"{top}.{sub[item.parent_id]}"
        path = paths.get(item.task_id or 0) or (
            [sections[item.section_id]] if item.section_id in sections else []
        )
        group, subgroup = _groups(path, item.title)
        rows.append(ExportRow(
            number=number, group=group, subgroup=subgroup, text=item.text or item.title,
            lead=place_unit(item), units=_responsible(item, place_unit(item)),
            deadline=item.deadline, progress_text=item.progress_text, percent=item.progress,
            status=item.get_status_display(), colour=w.colour,
            warning=f"{w.label}：{w.reason}" if w.reason else w.label, code=item.code, version=item.version,
        ))  # fmt: skip
    return rows


def ledger_export(*, plan: Plan, user: User | None, on: dt.date | None = None) -> tuple[str, bytes]:
    """(file name, xlsx bytes) of ``plan``'s ledger as ``user`` may see it (None: the operator, all items)."""
    from django.utils import timezone

    from yigai.apps.ledger.selectors import warnings_all, warnings_for

    day = on or timezone.localdate()
    lights = (
        warnings_all(plan=plan.pk, on=day) if user is None else warnings_for(user=user, plan=plan.pk, on=day)
    )
    title = plan.title or plan.source
    wb = workbook_for(title=title, rows=rows_from_lights(lights), exported_on=day,
                      exported_by=(user.display_name or user.username) if user else "系统", is_demo=plan.is_demo)  # fmt: skip
    return f"{title[:40]}_工作台账_{day.isoformat()}.xlsx", workbook_bytes(wb)
