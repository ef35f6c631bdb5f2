"""The Word briefing (工作简报 / 进展通报) of one scope, from the same :class:`~.inputs.Inputs` as the
dashboard: 总体进展, 预警情况, 督办情况, 指标监测 (with a chart when matplotlib and a CJK font are there),
下步工作 (deadlines in the next 30 days). Demo data is marked 示例数据 under the title and at the end.

The document is Chinese by nature (an official-style briefing), so its text is not translated.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentType
from docx.shared import Cm, RGBColor

from yigai.apps.assessment.briefing import assessment_section
from yigai.apps.dashboard import charts, docx_style
from yigai.apps.dashboard.inputs import Inputs
from yigai.apps.dashboard.mapdata import STATUS_HEX
from yigai.apps.dashboard.summary import AT_RISK, Summary, summarise
from yigai.apps.ledger.adapters import place_unit
from yigai.apps.ledger.board import HEX
from yigai.apps.ledger.selectors import ItemLight
from yigai.core.indicators.status import STATUS_LABELS, STATUSES

HEADINGS = ("一、总体进展", "二、预警情况", "三、督办情况", "四、指标监测", "五、下步工作")
LIST_LIMIT = 30
AHEAD_DAYS = 30
RED = RGBColor(0xC0, 0x1F, 0x28)


@dataclass(frozen=True)
class Briefing:
    data: bytes
    summary: Summary
    charts: int  # images embedded
    note: str  # why there is no chart ('' when there is)


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def briefing_docx(inputs: Inputs, *, plan_title: str = "") -> Briefing:
    s = summarise(inputs)
    doc = Document()
    docx_style.setup(doc)  # 公文 format: A4, GB/T 9704 margins, type sizes, page numbers
    demo = inputs.is_demo
    sub = f"{s.scope.name} · {cn_date(inputs.today)}" + (f" · {plan_title}" if plan_title else "")
    docx_style.title(doc, f"{s.scope.name}医改工作进展简报", sub + ("（示例数据）" if demo else ""))
    if demo:
        docx_style.para(doc, "说明：本简报含示例数据（演示用，非真实工作情况）。", bold=True, colour=RED)
    _overall(doc, s)
    _warnings(doc, s)
    _notices(doc, s)
    images, note = _indicators(doc, s)
    _ahead(doc, s)
    assessment_section(doc, inputs.scope)  # 六、考核结果, when a stage is frozen
    if demo:
        docx_style.para(doc, "（本简报数据为示例数据，仅供演示。）", colour=RED)
    out = io.BytesIO()
    doc.save(out)
    return Briefing(out.getvalue(), s, images, note)


def _overall(doc: DocumentType, s: Summary) -> None:
    t = s.total
    doc.add_heading(HEADINGS[0], level=1)
    colours = "、".join(f"{label}{t.colours[c]}项" for c, label, _hex in s.colours) or "无"
    docx_style.para(doc, (
        f"纳入工作台账的任务共{t.total}项，已销号{t.closed}项，逾期未完成{t.overdue}项；预警：{colours}。"
        f"应报送进展{t.expected}次，按时报送{t.on_time}次、迟报{t.late}次、漏报{t.missing}次，"
        f"报送率{pct(t.reporting_rate)}。"
    ))  # fmt: skip
    rows = [
        (a.name, a.total, a.overdue, a.closed, a.colours["red"], a.colours["yellow"] + a.colours["orange"],
         a.colours["green"] + a.colours["blue"], pct(a.reporting_rate))
        for a in s.areas if a.total
    ]  # fmt: skip
    if rows:
        docx_style.table(doc, ("地区", "任务", "逾期", "已销号", "红灯", "黄灯", "绿灯", "报送率"), rows)


def _warnings(doc: DocumentType, s: Summary) -> None:
    doc.add_heading(HEADINGS[1], level=1)
    red = [x for x in s.inputs.lights if x.warning.colour == "red"]
    red.sort(key=lambda x: (x.item.deadline, x.item.code))
    if not red:
        docx_style.para(doc, "目前没有红灯事项。")
        return
    docx_style.para(
        doc,
        f"红灯事项共{len(red)}项，按完成时限先后列出{'前' + str(LIST_LIMIT) + '项' if len(red) > LIST_LIMIT else ''}：",
    )
    rows = [(x.item.code, _title(x), place_unit(x.item), x.item.deadline.isoformat(), x.warning.reason)
            for x in red[:LIST_LIMIT]]  # fmt: skip
    docx_style.table(doc, ("编号", "事项", "责任单位", "完成时限", "预警原因"), rows)
    if len(red) > LIST_LIMIT:
        docx_style.para(doc, f"另有{len(red) - LIST_LIMIT}项红灯事项，详见平台“工作台账—预警看板”。")


def _title(light: ItemLight) -> str:
    text = light.item.title or light.item.text
    return text[:40] + ("…" if len(text) > 40 else "")


def _notices(doc: DocumentType, s: Summary) -> None:
    doc.add_heading(HEADINGS[2], level=1)
    notices, today = s.inputs.notices, s.inputs.today
    if not notices:
        docx_style.para(doc, "本期未下发督办单。")
        return
    replied = sum(1 for n in notices if n.replied_at)
    late = sum(1 for n in notices if not n.replied_at and n.reply_by < today)
    docx_style.para(doc, f"共下发督办单{len(notices)}份，已回复{replied}份，逾期未回复{late}份。")
    rows = []
    for n in notices[:LIST_LIMIT]:
        state = "已回复" if n.replied_at else ("逾期未回复" if n.reply_by < today else "待回复")
        rows.append((n.issued_on.isoformat(), f"{n.item.code} {n.item.title[:24]}", place_unit(n.item),
                     n.reply_by.isoformat(), state))  # fmt: skip
    docx_style.table(doc, ("下发日期", "督办事项", "责任单位", "回复期限", "状态"), rows)


def _indicators(doc: DocumentType, s: Summary) -> tuple[int, str]:
    doc.add_heading(HEADINGS[3], level=1)
    t, rows = s.total, s.inputs.targets
    if not rows:
        docx_style.para(doc, "暂无关联指标的目标。")
        return 0, ""
    counts = "、".join(f"{STATUS_LABELS[st]}{t.targets[st]}项" for st in STATUSES if t.targets[st])
    docx_style.para(
        doc,
        f"纳入监测的目标（按地区计）共{len(rows)}项：{counts}。其中存在风险（需加快进度、进展有限、出现倒退）{t.at_risk}项。",
    )
    docx_style.table(doc, ("状态", "数量"), [(STATUS_LABELS[st], t.targets[st]) for st in STATUSES])
    images, note = 0, charts.chart_unavailable()
    png = charts.stacked_bars(
        "各地红黄绿灯事项（项）", [a.name for a in s.areas if a.total][:20],
        [(label, [a.colours[c] for a in s.areas if a.total][:20], HEX.get(c, "#888"))
         for c, label, _hex in s.colours],
    )  # fmt: skip
    png_targets = charts.stacked_bars(
        "指标目标状态（项）", [STATUS_LABELS[st] for st in STATUSES],
        [(STATUS_LABELS[st], [t.targets[st] if j == i else 0 for j in range(len(STATUSES))], STATUS_HEX[st])
         for i, st in enumerate(STATUSES)],
        legend=False,
    )  # fmt: skip
    for image in (png, png_targets):
        if image:
            doc.add_picture(io.BytesIO(image), width=Cm(15.5))  # inside the 156 mm 版心
            images += 1
    if note:
        docx_style.para(doc, f"（图表未生成：{note}。）", colour=RED)
    risky = [r for r in rows if r.status in AT_RISK][:LIST_LIMIT]
    if risky:
        docx_style.para(doc, "存在风险的目标：")
        docx_style.table(doc, ("指标", "地区", "目标", "最新值", "状态"), [
            (r.indicator_name, r.org_unit_name, f"{r.target_text}（{r.due.year}年）",
             r.latest_text + (f"（{r.latest_period}）" if r.latest_period else ""), r.label)
            for r in risky
        ])  # fmt: skip
    return images, note


def _ahead(doc: DocumentType, s: Summary) -> None:
    doc.add_heading(HEADINGS[4], level=1)
    today = s.inputs.today
    end = today + dt.timedelta(days=AHEAD_DAYS)
    due = [x for x in s.inputs.lights
           if x.item.status not in ("closed", "withdrawn") and today <= x.item.deadline <= end]  # fmt: skip
    due.sort(key=lambda x: (x.item.deadline, x.item.code))
    if not due:
        docx_style.para(
            doc,
            f"未来{AHEAD_DAYS}天内（至{cn_date(end)}）没有到期的台账任务；请各责任单位按月报送进展，及时销号。",
        )
        return
    docx_style.para(
        doc,
        f"未来{AHEAD_DAYS}天内（至{cn_date(end)}）到期的任务{len(due)}项，请责任单位抓紧推进、按时申请销号：",
    )
    rows = [(x.item.deadline.isoformat(), x.item.code, _title(x), place_unit(x.item),
             "—" if x.item.progress is None else f"{x.item.progress}%") for x in due[:LIST_LIMIT]]  # fmt: skip
    docx_style.table(doc, ("完成时限", "编号", "事项", "责任单位", "当前进度"), rows)
