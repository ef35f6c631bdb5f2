"""The .xlsx reader, on workbooks built with openpyxl in the test."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from yigai.core.parse.blocks import ReadError
from yigai.core.parse.readers import read_bytes


def save(workbook: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def task_division_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分工表"
    sheet["A1"] = "附件1 推动公立医院高质量发展重点任务分工表"
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "重点任务", "具体措施", "牵头单位", "完成时限"])
    sheet.append([1, "（一）合理布局医疗资源", "制定区域卫生规划", "市卫生健康委", dt.datetime(2022, 3, 1)])
    sheet.append([2, None, "设置市办三级医院\n（含中医类）", None, dt.date(2025, 12, 31)])
    sheet.append([3.0, "（二）提升能力", "床位使用率", 0.85, "2025年底前"])
    sheet.merge_cells("B3:B4")  # vertical
    sheet.merge_cells("D3:D4")
    sheet["E3"].number_format = 'yyyy"年"m"月"'
    sheet["E4"].number_format = "yyyy-mm-dd"
    sheet["D5"].number_format = "0%"
    sheet.append([4, "（三）合计", None, None, "=1+1"])
    sheet.merge_cells("B6:D6")  # horizontal
    sheet["A40"].number_format = "0.00"  # formatting alone does not make a row
    workbook.create_sheet("下拉选项").append(["市卫生健康委", "市医保局"])
    workbook["下拉选项"].sheet_state = "hidden"
    workbook.create_sheet("空表")
    workbook.properties.title = "任务分工"
    return save(workbook)


def test_xlsx_task_table() -> None:
    doc = read_bytes("分工表.xlsx", task_division_workbook())
    assert doc.format == "xlsx" and doc.title_hint == "任务分工"
    assert [b.kind for b in doc.blocks] == ["text", "table"]  # hidden and empty sheets skipped
    assert doc.blocks[0].text == "附件1 推动公立医院高质量发展重点任务分工表"
    assert doc.blocks[1].rows == (
        ("序号", "重点任务", "具体措施", "牵头单位", "完成时限"),
        ("1", "（一）合理布局医疗资源", "制定区域卫生规划", "市卫生健康委", "2022年3月"),
        ("2", "", "设置市办三级医院\n（含中医类）", "", "2025-12-31"),
        ("3", "（二）提升能力", "床位使用率", "85%", "2025年底前"),
        ("4", "（三）合计", "", "", ""),  # a formula never computed by Excel has no cached value
    )


def test_xlsx_saved_as_txt_is_still_read() -> None:
    assert read_bytes("分工表.txt", task_division_workbook()).format == "xlsx"


def test_empty_workbook() -> None:
    with pytest.raises(ReadError, match="文件为空"):
        read_bytes("a.xlsx", save(openpyxl.Workbook()))


def test_corrupt_workbook() -> None:
    data = task_division_workbook()
    with pytest.raises(ReadError, match=r"Excel（\.xlsx）文件已损坏或不完整"):
        read_bytes("a.xlsx", data[: len(data) - 100])
