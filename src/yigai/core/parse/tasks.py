"""Tasks from the outline: leaf items and table rows, with units, deadlines and their targets.

A task is a leaf actionable item: a numbered item without numbered children, or a row of a
task-division table. Items under preamble sections (指导思想, 工作目标, 保障措施 …) are not
tasks, nor are main-text summaries that an annex repeats in full (their annex holds the tasks);
their numbers still feed the targets. A document with no numbered items falls back to
paragraphs that open with a short title sentence (news rewrites of a plan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from yigai.core.parse.dates import find_dates, parse_deadline_cell, recurrence
from yigai.core.parse.normalise import canon, clean_line, squeeze
from yigai.core.parse.outline import Node, heading_title, walk
from yigai.core.parse.table_columns import is_header_row, roles
from yigai.core.parse.table_targets import indicator_table_targets, is_indicator_table
from yigai.core.parse.target_lexicon import BASELINE_SECTION
from yigai.core.parse.target_lists import Found
from yigai.core.parse.targets import find_targets
from yigai.core.parse.unit_tags import UnitAssignment, from_cells, parse_unit_text, take_trailing_tag
from yigai.core.plan import Hint, Milestone, Target, Task

_PREAMBLE = re.compile(
    r"指导思想|总体要求|基本原则|工作原则|工作目标|主要目标|总体目标|发展目标|具体目标|目标要求|保障措施|组织保障|"
    r"组织实施|组织领导|工作要求|实施保障|背景|形势|重要意义|发展基础|发展现状|现状|编制依据|适用范围|附则|总则|"
    r"^[^，。]{0,6}目标$"
)
_UNIT_LINE = re.compile(
    r"^[（(]?(?:主要)?(?:责任单位|责任部门|牵头单位|牵头部门|负责单位|配合单位|协办单位)\s*[：:]"
)
_ITEM_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.．、](?!\d)\s*")
# "二、重点任务 …明确10项重点任务，具体任务分工见附件。", "重点任务及分工见附表。": the section points to its
# annex (or table), whose rows are the tasks
_POINTS_TO_ANNEX = re.compile(r"(?:任务|分工)[^。；]{0,12}(?:见|详见|参见)(?:附件|附表|下表)\d*(?:[。.]|$)")


@dataclass
class _State:
    period_end: int | None
    period_start: int | None = None
    standing_co: tuple[str, ...] = ()  # "以下责任单位均包括…，不再列出"
    horizon: tuple[str, str] | None = None  # an annex's own goal date ("到2030年") and its phrase
    tasks: list[Task] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    @property
    def plan_year(self) -> int | None:
        """The year of a one-year plan ("2024年重点工作任务"): what "9月底前" and "年底前" mean."""
        return self.period_end if self.period_end and self.period_start == self.period_end else None

    def add_targets(self, found: list[Found], task_id: str | None) -> None:
        for f in found:
            self.targets.append(
                Target(
                    id=f"G{len(self.targets) + 1}",
                    task_id=task_id,
                    indicator=f.indicator,
                    comparator=f.comparator,  # type: ignore[arg-type]
                    value=f.value,
                    value_max=f.value_max,
                    unit=f.unit,
                    per=f.per,
                    year=f.year,
                    due=f.due,
                    recurring=f.recurring,
                    scope=f.scope,
                    condition=f.condition,
                    quote=f.quote,
                    hint=f.hint,
                )
            )


def _deadline_from_text(
    clean: str, plan_year: int | None = None
) -> tuple[str | None, str | None, tuple[Milestone, ...]]:
    text = canon(clean)
    dates = [d for d in find_dates(text, plan_year) if d.kind in ("deadline", "fiveyear")]
    if not dates:
        return None, None, ()
    last = max(dates, key=lambda d: d.date)
    start = last.start - 1 if last.start > 0 and text[last.start - 1] in "到至于在" else last.start
    milestones = tuple(
        dict.fromkeys(
            Milestone(due=d.date, text=clean[d.start : d.end]) for d in dates if d.date != last.date
        )
    )
    return last.date, clean[start : last.end], milestones


def _title(text: str) -> str:
    return heading_title(_ITEM_NUMBER.sub("", text))[:80]


def _fallback(state: _State, table_deadline: str | None) -> tuple[int | None, str | None]:
    if table_deadline:
        return int(table_deadline[:4]), table_deadline
    if state.horizon:
        return int(state.horizon[0][:4]), state.horizon[0]
    if state.period_end:
        return state.period_end, f"{state.period_end}-12-31"
    return None, None


def _with_standing(state: _State, units: UnitAssignment | None) -> UnitAssignment | None:
    """Apply a document-wide "以下责任单位均包括A、B，不再列出" from the task that states it onwards."""
    if units is None:
        return None
    if units.standing:
        state.standing_co = units.standing
    extra = tuple(n for n in state.standing_co if n not in units.lead and n not in units.co)
    return replace(units, co=units.co + extra) if extra else units


def _task_hint(kind: str, units: UnitAssignment | None, title: str, source: str | None) -> Hint:
    """How a task was read and how sure: unknown or missing units and period-only deadlines are less sure."""
    conf = {"table_row": 0.9, "numbered_item": 0.9, "paragraph": 0.6}[kind]
    if units is None:
        rule, span, conf = f"{kind}/no_units", title, min(conf, 0.5)
    elif units.unknown:
        rule, span, conf = f"{kind}/unknown_unit", units.as_written, min(conf, 0.4)
    else:
        rule, span = f"{kind}/units", units.as_written
    if source == "period":
        conf -= 0.1
    return Hint(rule=rule, span=span or title, confidence=round(conf, 2))


def _make_task(
    state: _State, *, number: str | None, path: tuple[str, ...], title: str, text: str,
    units: UnitAssignment | None, table_deadline: str | None = None, deadline_cell: str | None = None,
    kind: str = "numbered_item",
) -> None:  # fmt: skip
    task_id = f"T{len(state.tasks) + 1}"
    units = _with_standing(state, units)
    # the tag's own time ("（A牵头，B配合，6月底前完成）") is part of what the task's text says
    when = f"{text}\n{units.when}" if units and units.when else text
    text_deadline, text_phrase, milestones = _deadline_from_text(when, state.plan_year)
    if table_deadline:
        deadline, phrase, source = table_deadline, deadline_cell, "table"
        if text_deadline:
            milestones = (*milestones, Milestone(due=text_deadline, text=text_phrase or ""))
    elif text_deadline:
        deadline, phrase, source = text_deadline, text_phrase, "text"
    elif state.horizon:  # dated by its annex's own goal ("附件3 … 一、工作目标 到2030年，…")
        (deadline, phrase), source = state.horizon, "text"
    elif state.period_end:
        deadline, phrase, source = f"{state.period_end}-12-31", deadline_cell, "period"
    else:
        deadline, phrase, source = None, deadline_cell, None
    state.tasks.append(
        Task(
            id=task_id,
            number=number,
            path=path,
            title=title,
            text=text,
            lead_units=units.lead if units else (),
            co_units=units.co if units else (),
            units_as_written=units.as_written if units else None,
            deadline=deadline,
            deadline_text=phrase,
            deadline_source=source,  # type: ignore[arg-type]
            milestones=milestones,
            recurring=recurrence(text[:40]),
            hint=_task_hint(kind, units, title, source),
        )
    )
    year, due = _fallback(state, table_deadline)
    found = find_targets(text, fallback_year=year, fallback_due=due, base_year=state.period_start)
    state.add_targets(found, task_id)


def _body_text(node: Node) -> tuple[str, UnitAssignment | None]:
    """The item's text (heading rest + body lines) and any unit tag or unit line in it."""
    lines = [ln for ln in node.body if not ln.startswith("\x00")]
    units: UnitAssignment | None = None
    kept: list[str] = []
    for line in lines:
        if _UNIT_LINE.match(canon(line)):
            parsed = parse_unit_text(canon(line).lstrip("（(").rstrip("）)"))
            if parsed is not None:
                units = parsed if units is None else UnitAssignment(units.lead, units.co + parsed.lead + parsed.co,
                                                                    units.as_written + "；" + parsed.as_written)  # fmt: skip
                continue
        kept.append(line)
    text = "\n".join(kept) if kept else node.heading
    if units is None:
        text, units = take_trailing_tag(text)
    if units is None and len(kept) > 1:
        # the unit tag closes the task; lines after it are the document's closing words
        # ("各地、各有关部门要加强组织领导…"), which the outline hangs under the last item
        for i in range(len(kept) - 2, -1, -1):
            head, found = take_trailing_tag("\n".join(kept[: i + 1]))
            if found is not None:
                return head, found
    return text, units


def _label(node: Node) -> str:
    if node.level == 0:
        return node.line + (f"：{node.heading}" if node.heading and node.heading not in node.line else "")
    m = re.search(r"[。！？]", node.line)
    return node.line[: m.start()] if m else node.line


def _path(node: Node) -> tuple[str, ...]:
    out: list[str] = []
    cur = node.parent
    while cur is not None and cur.level >= 0:
        out.append(_label(cur))
        cur = cur.parent
    return tuple(reversed(out))


def _excluded(node: Node) -> bool:
    cur: Node | None = node
    while cur is not None and cur.level >= 0:
        if cur.level > 0 and (
            _PREAMBLE.search(cur.heading[:14]) or BASELINE_SECTION.search(cur.heading[:14])
        ):
            return True
        cur = cur.parent
    return False


def _table_tasks(state: _State, node: Node, table: list[list[str]]) -> bool:
    """Rows of a task-division table become tasks; returns False if it is not one."""
    header_at = next((i for i, row in enumerate(table[:6]) if is_header_row(row)), None)
    if header_at is None:
        return False
    header = table[header_at]
    cols = roles(header)
    if "text" not in cols:
        return False
    base = (*_path(node), _label(node)) if node.level >= 0 else ()
    carried: dict[int, str] = {}
    for row in table[header_at + 1 :]:
        row = list(row) + [""] * (len(cols) - len(row))
        if is_header_row(row) and [squeeze(c) for c in row] == [squeeze(c) for c in header]:
            continue
        cells: dict[str, list[str]] = {}
        for i, role in enumerate(cols):
            value = row[i].strip()
            if not value and role in ("group", "units", "lead", "deadline"):
                value = carried.get(i, "")
            if value and role != "text":
                carried[i] = value
            cells.setdefault(role, []).append(value)
        text = "\n".join(clean_line(x) for x in cells.get("text", [""])[0].split("\n") if x.strip())
        if not text:
            continue
        m = _ITEM_NUMBER.match(canon(text))
        number = m.group(1) if m else (squeeze(cells.get("number", [""])[0]) or None)
        groups = [clean_line(g.replace("\n", "")) for g in cells.get("group", []) if g]
        path = tuple(dict.fromkeys((*base, *groups)))
        units = from_cells(
            units="\n".join(cells.get("units", [])), lead="\n".join(cells.get("lead", [])),
            co="\n".join(cells.get("co", [])),
        )  # fmt: skip
        cell = squeeze(cells.get("deadline", [""])[0]) or None
        _make_task(
            state, number=number, path=path, title=_title(text), text=text, units=units,
            table_deadline=parse_deadline_cell(canon(cell), state.plan_year) if cell else None,
            deadline_cell=cell,
            kind="table_row",
        )  # fmt: skip
    return True


def _in_baseline_passage(node: Node) -> bool:
    """Under a 发展基础/现状/成效 heading: its values describe the past."""
    cur: Node | None = node
    while cur is not None and cur.level >= 0:
        if cur.level > 0 and BASELINE_SECTION.search(cur.heading[:14]):
            return True
        cur = cur.parent
    return False


def _body_targets(state: _State, node: Node) -> None:
    year, due = _fallback(state, None)
    baseline = _in_baseline_passage(node)
    for line in node.body:
        if not line.startswith("\x00"):
            found = find_targets(
                line, fallback_year=year, fallback_due=due, base_year=state.period_start, baseline=baseline
            )
            state.add_targets(found, None)


def _tables(state: _State, node: Node) -> None:
    for table in node.tables:
        if is_indicator_table(table):
            state.add_targets(indicator_table_targets(table), None)
        elif not _table_tasks(state, node, table):
            continue


def _is_summary(node: Node, annex_titles: set[str]) -> bool:
    return node.level > 0 and squeeze(node.heading) in annex_titles


_GOAL_HEADING = re.compile(r"工作目标|行动目标|主要目标|总体目标|发展目标|具体目标|目标任务")


def _annex_horizon(annex: Node) -> tuple[str, str] | None:
    """The goal date an annex sets for itself under its 工作目标 heading ("到2030年，…"), if any."""
    for child in walk(annex.children):
        if child.level <= 0 or not _GOAL_HEADING.search(child.heading[:10]):
            continue
        clean = "".join(x for x in (child.line, *child.body) if not x.startswith("\x00"))
        text = canon(clean)
        dates = [
            d
            for d in find_dates(text)
            if d.kind == "deadline" and text[d.start - 1 : d.start] in ("到", "至")
        ]
        if dates:
            last = max(dates, key=lambda d: d.date)
            return last.date, clean[last.start - 1 : last.end]
    return None


def _visit(state: _State, node: Node, annex_titles: set[str]) -> None:
    if node.level == 0:
        horizon = _annex_horizon(node)
        if horizon and state.period_end and int(horizon[0][:4]) < state.period_end:
            horizon = None  # an earlier annex goal ("到2025年底前建成…，持续保持…") does not shorten the plan
        outer, state.horizon = state.horizon, horizon
        _visit_node(state, node, annex_titles)
        state.horizon = outer
    else:
        _visit_node(state, node, annex_titles)


def _visit_node(state: _State, node: Node, annex_titles: set[str]) -> None:
    _tables(state, node)
    leaf = not node.children and node.level > 0 and node.level != 6
    bare = not [b for b in node.body if not b.startswith("\x00")] and len(node.heading) <= 8
    pointer = bool(_POINTS_TO_ANNEX.search(canon("".join(node.body))))
    if (
        leaf and not bare and not pointer and not node.tables and not _excluded(node)
        and not _is_summary(node, annex_titles)
    ):  # fmt: skip
        text, units = _body_text(node)
        _make_task(
            state,
            number=node.number,
            path=_path(node),
            title=node.heading or _title(text),
            text=text,
            units=units,
        )
    else:
        _body_targets(state, node)
    for child in node.children:
        _visit(state, child, annex_titles)


def _paragraph_tasks(state: _State, root: Node) -> None:
    """Unnumbered documents: paragraphs opening with a short title sentence are tasks."""
    for line in root.body:
        m = re.match(r"^([^，。；：、]{4,30})。(.+)$", line)
        if m and not line.startswith("\x00"):
            text, units = take_trailing_tag(line)
            _make_task(
                state, number=None, path=(), title=m.group(1), text=text, units=units, kind="paragraph"
            )
        elif not line.startswith("\x00"):
            _body_targets(state, Node(level=-1, number=None, heading="", line="", body=[line]))


def collect(
    root: Node, *, period_end: int | None, period_start: int | None = None
) -> tuple[list[Task], list[Target]]:
    """Walk the outline in document order and return (tasks, targets) with ids T1…, G1…."""
    state = _State(period_end=period_end, period_start=period_start)
    annex_titles = {squeeze(n.heading) for n in walk(root.children) if n.level == 0 and n.heading}
    numbered = any(n.level > 0 for n in walk(root.children))
    _tables(state, root)
    _body_targets(state, root)
    for child in root.children:
        _visit(state, child, annex_titles)
    if not state.tasks and not numbered:
        state = _State(period_end=period_end, period_start=period_start)
        _tables(state, root)
        _paragraph_tasks(state, root)
    return state.tasks, state.targets
