"""The PDF of the held-out corpus: a two-level outline and a ruled indicator table (see build.py)."""

from __future__ import annotations

from pathlib import Path

# --------------------------------------------------------------------------------------------------
# guangxi_2023_service_system_plan.pdf (synthetic). Source lines: "# text" = outline level 0 heading,
# "## text" = outline level 1 heading, "[table]" = the indicator table below, other lines = body.
GUANGXI_TABLE = [
    ["序号", "指标", "单位", "2025年目标值", "指标属性"],
    ["1", "每千人口医疗卫生机构床位数", "张", "≥6.5", "预期性"],
    ["2", "每千人口执业（助理）医师数", "人", "≥3.0", "预期性"],
    ["3", "每千人口注册护士数", "人", "≥3.6", "预期性"],
    ["4", "每万人口全科医生数", "人", "≥4", "约束性"],
    ["5", "县域内住院人次占比", "%", "≥80", "预期性"],
    ["6", "三级公立医院平均住院日", "天", "≤8.5", "预期性"],
    ["7", "公立医院床位使用率", "%", "85%-90%", "预期性"],
    ["8", "个人卫生支出占卫生总费用的比重", "%", "≤27", "约束性"],
    ["9", "二级以上综合医院设置老年医学科的比例", "%", "≥60", "预期性"],
]
GUANGXI_COLS = (34, 236, 40, 90, 70)


def build_guangxi(src: Path, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle("广西壮族自治区进一步完善医疗卫生服务体系实施方案（2023—2025年）")
    c.setAuthor("yigai holdout corpus")
    width, height = A4
    size, leading, margin = 12, 20, 60
    per_line = int((width - 2 * margin) // size)
    state = {"y": height - margin, "page": 1, "mark": 0}

    def footer() -> None:
        c.setFont(font, 10)
        c.drawCentredString(width / 2, 30, f"— {state['page']} —")

    def need(space: float) -> None:
        if state["y"] - space < margin:
            footer()
            c.showPage()
            state["page"] += 1
            state["y"] = height - margin

    def line(text: str, font_size: int = size) -> None:
        need(leading)
        c.setFont(font, font_size)
        c.drawString(margin, state["y"], text)
        state["y"] -= leading

    def outline(text: str, level: int) -> None:
        need(leading)
        key = f"m{state['mark']}"
        state["mark"] += 1
        c.bookmarkHorizontal(key, margin, state["y"] + size)
        c.addOutlineEntry(text, key, level=level, closed=False)

    def table() -> None:
        row_h = 22
        need(row_h * len(GUANGXI_TABLE) + 10)
        top = state["y"] + size
        total_w = sum(GUANGXI_COLS)
        for r, row in enumerate(GUANGXI_TABLE):
            y_top = top - r * row_h
            x = margin
            for w, cell in zip(GUANGXI_COLS, row, strict=True):
                c.setFont(font, 10)
                c.drawString(x + 4, y_top - 15, cell)
                x += w
            c.line(margin, y_top, margin + total_w, y_top)
        bottom = top - len(GUANGXI_TABLE) * row_h
        c.line(margin, bottom, margin + total_w, bottom)
        x = margin
        for w in (0, *GUANGXI_COLS):
            x += w
            c.line(x, top, x, bottom)
        state["y"] = bottom - leading

    for raw in src.read_text(encoding="utf-8").split("\n"):
        if raw == "[table]":
            table()
        elif raw.startswith("## "):
            outline(raw[3:], 1)
            line(raw[3:])
        elif raw.startswith("# "):
            outline(raw[2:], 0)
            line(raw[2:])
        elif not raw:
            state["y"] -= leading / 2
        else:
            for i in range(0, len(raw), per_line):
                line(raw[i : i + per_line])
    footer()
    c.showPage()
    c.save()
