"""Excel round trip: export → edit with openpyxl → import shows the diff → apply → values changed; every
kind of bad input refused with its row number and reason and nothing applied; re-import changes nothing;
conflicts (the item saved since the export) left out; seed 003 exports ≥100 rows with merged groups."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from yigai.apps.ledger import excel_import
from yigai.apps.ledger.excel_export import ledger_export
from yigai.apps.ledger.excel_layout import HEADER_ROW, HEADERS, SHEET
from yigai.apps.ledger.models import LedgerItem, ProgressReport
from yigai.apps.ledger.services import evidence_attach, item_transition, progress_report_submit

pytestmark = pytest.mark.django_db
COL = {h: i + 1 for i, h in enumerate(HEADERS)}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def fresh(item: LedgerItem) -> LedgerItem:
    return LedgerItem.objects.get(pk=item.pk)


class Sheet:
    """An exported workbook opened for editing the way a unit would (by 台账编号, not by position)."""

    def __init__(self, data: bytes) -> None:
        self.wb = load_workbook(io.BytesIO(data))
        self.ws = self.wb[SHEET]

    def row_of(self, code: str) -> int:
        for r in range(HEADER_ROW + 1, self.ws.max_row + 1):
            if self.ws.cell(r, COL["台账编号"]).value == code:
                return r
        raise KeyError(code)

    def set(self, code: str, header: str, value: Any) -> int:
        r = self.row_of(code)
        self.ws.cell(r, COL[header]).value = value
        return r

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


def export(plan, user) -> Sheet:
    name, data = ledger_export(plan=plan, user=user)
    assert name.endswith(".xlsx")
    return Sheet(data)


def test_responsible_unit_column_is_never_empty_for_an_item_with_a_unit(plan, users) -> None:
    """A task naming one unit has it as 责任单位 too (the column was empty for most demo rows)."""
    from yigai.apps.ledger.models import LedgerItem

    sheet = export(plan, users["owner"])
    for item in LedgerItem.objects.filter(ledger__plan=plan, co_units__isnull=True, lead_unit__isnull=False):
        r = sheet.row_of(item.code)
        assert sheet.ws.cell(r, COL["责任单位"]).value == sheet.ws.cell(r, COL["牵头单位"]).value != ""


def test_export_layout(plan, users, t1) -> None:
    sheet = export(plan, users["owner"])
    ws = sheet.ws
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 12)] == [
        "序号", "目标任务", "任务描述", "具体措施", "牵头单位", "责任单位", "完成时限", "进展情况",
        "完成进度（%）", "完成状态", "预警",
    ]  # fmt: skip
    assert "关于测试医改工作的实施方案" in ws["A1"].value and "导出日期" in ws["A2"].value
    assert all(ws.column_dimensions[c].hidden for c in "LMN") and ws.protection.sheet
    r = sheet.row_of(t1.code)
    assert ws.cell(r, COL["牵头单位"]).value == "保定市卫生健康委"  # the unit of its place
    assert ws.cell(r, COL["责任单位"]).value == "市医疗保障局、市财政局"
    assert ws.cell(r, COL["完成状态"]).value == "未启动"
    assert ws.cell(r, COL["预警"]).fill.fgColor.rgb.endswith(("F4B6B6", "FFEB9C", "C6EFCE"))
    assert ws.cell(r, COL["进展情况"]).protection.locked is False
    assert ws.cell(r, COL["台账编号"]).protection.locked is True
    status_rules = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert status_rules and "申请销号" in status_rules[0].formula1
    assert "说明" in sheet.wb.sheetnames
    county_rows = [ws.cell(x, COL["牵头单位"]).value for x in range(HEADER_ROW + 1, ws.max_row + 1)]
    assert "清苑区人民政府" in county_rows  # a 各县 child named for its place


def test_round_trip_diff_apply_and_idempotent(plan, users, t1) -> None:
    lead = users["lead"]
    sheet = export(plan, lead)
    row = sheet.set(t1.code, "进展情况", "已完成全市摸底调查，正在起草方案。")
    sheet.set(t1.code, "完成进度（%）", 40)
    data = sheet.bytes()

    preview = excel_import.preview(user=lead, file_name="t.xlsx", data=data)
    assert preview.errors == [] and preview.conflicts == []
    (change,) = preview.changes
    assert change.row == row and change.code == t1.code
    assert [(f.field, f.old, f.new) for f in change.changes] == [
        ("进展情况", "", "已完成全市摸底调查，正在起草方案。"),
        ("完成进度（%）", "", "40"),
        ("完成状态", "未启动", "推进中（随进展报送自动变更）"),
    ]
    assert fresh(t1).progress is None  # a preview writes nothing

    excel_import.apply(user=lead, file_name="t.xlsx", data=data)
    item = fresh(t1)
    assert (item.progress, item.status) == (40, "in_progress")
    assert item.progress_text == "已完成全市摸底调查，正在起草方案。"
    assert ProgressReport.objects.filter(item=item).count() == 1

    again = excel_import.preview(user=lead, file_name="t.xlsx", data=data)
    assert again.changes == [] and again.errors == [] and again.unchanged == again.rows_read
    excel_import.apply(user=lead, file_name="t.xlsx", data=data)
    assert fresh(t1).version == item.version and ProgressReport.objects.filter(item=item).count() == 1


def test_status_cells_drive_the_workflow(plan, users, t1) -> None:
    lead, reviewer = users["lead"], users["reviewer"]
    progress_report_submit(item=t1, user=lead, text="基本完成", percent=90, expected_version=t1.version)
    evidence_attach(item=fresh(t1), user=lead, name="验收.png", data=PNG)
    sheet = export(plan, lead)
    sheet.set(t1.code, "完成状态", "申请销号")
    excel_import.apply(user=lead, file_name="a.xlsx", data=sheet.bytes())
    assert fresh(t1).status == "close_requested"

    sheet = export(plan, reviewer)
    sheet.set(t1.code, "完成状态", "已销号")
    preview = excel_import.preview(user=reviewer, file_name="b.xlsx", data=sheet.bytes())
    assert [(f.old, f.new) for f in preview.changes[0].changes] == [("申请销号", "已销号")]
    excel_import.apply(user=reviewer, file_name="b.xlsx", data=sheet.bytes())
    assert fresh(t1).status == "closed"
    assert [t.action for t in fresh(t1).transitions.all()][-2:] == ["request_close", "approve_close"]


def _refused(user, data: bytes, *needles: str) -> list[str]:
    before = list(LedgerItem.objects.values_list("pk", "version", "status", "progress_text"))
    reports = ProgressReport.objects.count()
    preview = excel_import.preview(user=user, file_name="bad.xlsx", data=data)
    with pytest.raises(excel_import.ImportRejected) as caught:
        excel_import.apply(user=user, file_name="bad.xlsx", data=data)
    assert caught.value.errors == preview.errors
    text = "\n".join(preview.errors)
    for needle in needles:
        assert needle in text, text
    assert list(LedgerItem.objects.values_list("pk", "version", "status", "progress_text")) == before
    assert ProgressReport.objects.count() == reports
    return preview.errors


def test_changed_id_column(plan, users, t1) -> None:
    sheet = export(plan, users["lead"])
    row = sheet.set(t1.code, "进展情况", "有进展")
    sheet.ws.cell(row, COL["台账编号"]).value = "L999-0001"
    _refused(users["lead"], sheet.bytes(), f"第{row}行 台账编号 列", "“L999-0001”不存在")


def test_row_of_another_unit(plan, users, t1) -> None:
    sheet = export(plan, users["owner"])  # the plan owner's file has every row
    row = sheet.set(t1.code, "进展情况", "替别人填写")
    _refused(users["other"], sheet.bytes(), f"第{row}行", "无权修改该事项")
    errors = _refused(users["co"], sheet.bytes(), f"第{row}行 进展情况 列", "配合单位")
    assert len(errors) == 1


def test_good_row_not_applied_when_another_row_is_bad(plan, users, t1) -> None:
    lead = users["lead"]
    sheet = export(plan, users["owner"])
    sheet.set(t1.code, "进展情况", "正常填写的一行")
    county = LedgerItem.objects.filter(ledger__plan=plan, org_unit__code="130608").first()
    row = sheet.set(county.code, "进展情况", "不属于本单位")
    errors = _refused(lead, sheet.bytes(), f"第{row}行（{county.code}）：无权修改该事项")
    assert len(errors) == 1  # the good row (t1) was not applied either: checked by _refused


def test_not_a_date(plan, users, t1) -> None:
    sheet = export(plan, users["lead"])
    row = sheet.set(t1.code, "完成时限", "明年底")
    _refused(users["lead"], sheet.bytes(), f"第{row}行 完成时限 列", "“明年底”不是日期")
    sheet.set(t1.code, "完成时限", "2030-12-31")
    _refused(users["lead"], sheet.bytes(), "完成时限不能在表格中修改")


def test_wrong_sheet_and_not_excel(plan, users) -> None:
    wb = Workbook()
    wb.active.append(["序号", "目标任务", "进展情况"])
    wb.active.append([1, "某任务", "有进展"])
    out = io.BytesIO()
    wb.save(out)
    _refused(users["lead"], out.getvalue(), "找不到“台账编号”列")
    _refused(users["lead"], b"not a workbook", "不是有效的 Excel")


def test_invalid_status_and_illegal_transition(plan, users, t1) -> None:
    sheet = export(plan, users["lead"])
    row = sheet.set(t1.code, "完成状态", "已完成")
    _refused(users["lead"], sheet.bytes(), f"第{row}行 完成状态 列", "“已完成”不是有效的完成状态")
    sheet.set(t1.code, "完成状态", "已销号")
    _refused(users["lead"], sheet.bytes(), f"第{row}行 完成状态 列", "“未启动”状态，不能直接改为“已销号”")
    progress_report_submit(
        item=t1, user=users["lead"], text="开展中", percent=50, expected_version=t1.version
    )
    sheet = export(plan, users["lead"])
    sheet.set(t1.code, "完成状态", "已销号")
    _refused(users["lead"], sheet.bytes(), "“推进中”状态，不能直接改为“已销号”")
    sheet.set(t1.code, "完成状态", "申请销号")  # no evidence yet
    _refused(users["lead"], sheet.bytes(), f"第{row}行 完成状态 列", "申请销号须上传至少一份佐证材料")
    sheet.set(t1.code, "完成状态", "未启动")
    _refused(users["lead"], sheet.bytes(), "不能直接改为“未启动”")
    evidence_attach(item=fresh(t1), user=users["lead"], name="验收.png", data=PNG)
    item_transition(item=t1, action="request_close", user=users["lead"], expected_version=fresh(t1).version)
    sheet = export(plan, users["lead"])
    sheet.set(t1.code, "完成状态", "已销号")
    _refused(users["lead"], sheet.bytes(), f"第{row}行 完成状态 列", "不能改为“已销号”", "无权批准销号")
    sheet.set(t1.code, "完成状态", "推进中")
    sheet.set(t1.code, "完成进度（%）", 140)
    _refused(users["lead"], sheet.bytes(), f"第{row}行 完成进度（%） 列", "0–100")


def test_conflicting_row_left_out(plan, users, t1) -> None:
    lead = users["lead"]
    sheet = export(plan, lead)
    row = sheet.set(t1.code, "进展情况", "离线填写的进展")
    progress_report_submit(item=t1, user=lead, text="同事在线报送", percent=30, expected_version=t1.version)
    preview = excel_import.preview(user=lead, file_name="c.xlsx", data=sheet.bytes())
    assert preview.errors == [] and preview.changes == []
    (conflict,) = preview.conflicts
    assert conflict.row == row and conflict.current["进展情况"] == "同事在线报送"
    assert conflict.typed["进展情况"] == "离线填写的进展"
    excel_import.apply(user=lead, file_name="c.xlsx", data=sheet.bytes())
    assert fresh(t1).progress_text == "同事在线报送"


def test_seed_003_export_has_its_rows_and_merged_groups(orgunits) -> None:
    from yigai.apps.plans.services import plan_import
    from yigai.apps.publishing import plan_publish
    from yigai.web.demo import sample_files

    name, data = next(f for f in sample_files() if f[0].startswith("003_"))
    plan = plan_import(name=name, data=data).plan
    plan_publish(plan=plan)
    _, xlsx = ledger_export(plan=plan, user=None)
    ws = load_workbook(io.BytesIO(xlsx))[SHEET]
    rows = ws.max_row - HEADER_ROW
    assert rows == LedgerItem.objects.filter(ledger__plan=plan).count() >= 100
    merged = [m for m in ws.merged_cells.ranges if m.min_row > HEADER_ROW]
    assert {m.min_col for m in merged} == {2, 3} and len(merged) >= 20
    first = ws.cell(HEADER_ROW + 1, 2).value
    assert (
        first == "（一）合理布局医疗卫生资源" and ws.cell(HEADER_ROW + 1, 3).value == "均衡布局医疗卫生资源"
    )
