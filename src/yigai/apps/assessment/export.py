"""The Excel export of a stage: one sheet of scores and ranks, one of every reason behind them."""

from __future__ import annotations

import io

from yigai.core.assessment import StageResult, UnitScore
from yigai.core.cells import neutralise_workbook


def stage_xlsx(*, title: str, result: StageResult, units: list[UnitScore], frozen: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "得分与排名"
    state = "已冻结" if frozen else "未冻结（按导出时数据计算）"
    sheet.append([f"{title}（截至 {result.as_of.isoformat()}，{state}）"])
    sheet["A1"].font = Font(bold=True, size=13)
    components = [(c.key, c.name) for c in (units[0].components if units else ())]
    sheet.append(["排名", "被考核单位", "代码", "总分", "一票否决", *[n for _, n in components]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for u in units:
        points = [next((c.points for c in u.components if c.key == k), None) for k, _ in components]
        sheet.append([u.rank, u.name, u.key, u.total, "是" if u.vetoed else "", *points])
    sheet.column_dimensions["B"].width = 18
    reasons = book.create_sheet("得分依据")
    reasons.append(["被考核单位", "考核项", "依据类型", "事项/督办单/指标", "说明", "分值"])
    for cell in reasons[1]:
        cell.font = Font(bold=True)
    kinds = {"item": "台账事项", "reports": "报送", "notice": "督办单", "value": "指标值", "award": "加分",
             "veto": "否决", "note": "说明"}  # fmt: skip
    for u in units:
        for c in u.components:
            for r in c.reasons:
                reasons.append([u.name, c.name, kinds.get(r.kind, r.kind), r.ref, r.text, r.points])
    reasons.column_dimensions["E"].width = 80
    neutralise_workbook(book)  # unit names, item titles and reasons are text people typed
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
