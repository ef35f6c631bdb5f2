"""Task-division tables (任务分工表): recognise the header and what each column holds.

Column roles are found from header words, in any order and any of the usual spellings:

>>> roles(["序号", "目标任务", "任务描述", "具体措施", "牵头及责任部门", "完成时限"])
['number', 'group', 'group', 'text', 'units', 'deadline']
>>> roles(["序号", "重点任务", "牵头单位", "配合单位", "完成时间"])
['number', 'text', 'lead', 'co', 'deadline']
"""

from __future__ import annotations

import re

# (role, pattern) in priority order; the first that matches a header cell wins.
_ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(p))
    for role, p in (
        ("number", r"^(?:序号|编号|序列|No\.?)$"),
        ("co", r"配合|协办|协助|参与单位|配合单位|协同"),
        (
            "units",
            r"牵头及|牵头和|及责任|牵头.*责任|责任.*牵头|责任单位|责任部门|责任处室|负责单位|责任主体|承办单位|实施单位|主责",
        ),
        ("lead", r"牵头"),
        ("deadline", r"时限|完成时间|时间节点|完成期限|截止|进度安排|时间安排|完成年限"),
        ("leader", r"责任领导|分管领导|责任人"),
        (
            "text",
            r"具体措施|具体工作|主要工作|工作措施|主要措施|政策内容|工作内容|具体任务|任务内容|主要内容|工作任务|重点任务|推进措施|具体举措|任务举措|改革举措|措施|举措|任务名称|重点工作|工作事项|内容",
        ),
        ("group", r"目标任务|任务描述|任务类别|政策类别|支持对象|类别|领域|项目|目标|板块|方面|分类"),
        ("ignore", r"备注|进展|完成情况|状态|预警|说明|评价|成效"),
    )
)
_HEADER_WORDS = re.compile(
    r"序号|编号|牵头|责任|配合|协办|时限|完成时间|具体措施|重点任务|工作任务|任务|措施|政策内容|目标|指标|单位"
)


def role_of(header: str) -> str:
    """The role of one header cell: number, text, group, units, lead, co, deadline, leader, ignore."""
    h = re.sub(r"\s+", "", header)
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(h):
            return role
    return "ignore" if h else "group"


def roles(header: list[str]) -> list[str]:
    """Roles for a header row. The last matching 'text' column is the task text; earlier ones group."""
    out = [role_of(h) for h in header]
    if "lead" in out:  # 牵头单位 beside 责任单位: the latter lists the co-units
        out = ["co" if r == "units" else r for r in out]
    texts = [i for i, r in enumerate(out) if r == "text"]
    for i in texts[:-1]:
        out[i] = "group"
    if not texts and "group" in out:
        # No measure column: the last group column carries the task text.
        last = max(i for i, r in enumerate(out) if r == "group")
        out[last] = "text"
    return out


def is_header_row(cells: list[str]) -> bool:
    """A header row has at least two header words and no long sentence."""
    words = [c for c in cells if c and len(re.sub(r"\s+", "", c)) <= 12 and _HEADER_WORDS.search(c)]
    return len(words) >= 2 and all(len(c) <= 20 for c in cells)
