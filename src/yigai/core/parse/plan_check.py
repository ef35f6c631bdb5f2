"""Does this look like a policy plan at all? A research article or a news feature read as a plan gives
dozens of "tasks"; the user is told what the file looks like instead.

A plan shows at least one of: a 文号, an issuing organ, a title naming a policy genre (方案, 意见, 通知,
规划 …), a section of tasks or measures ("重点任务", "保障措施", "组织实施" …), or unit tags on its
tasks ("（省卫生健康委牵头）", "责任单位：…"). With none of them, no tasks are returned and one warning
says why.

>>> not_a_plan("基层医疗服务利用的影响因素研究", None, None, ["一、研究背景", "二、研究方法"], []) is not None
True
>>> not_a_plan("关于推进分级诊疗的实施方案", None, None, [], []) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from yigai.core.plan import Task

NOT_A_PLAN = (
    "文件不像政策规划文件（does not look like a policy plan）：未见文号、发文机关、规划类标题、任务或措施章节，"
    "也没有责任单位，因此未提取任务；如确为规划文件，请核对是否选错了文件"
)
_GENRE = re.compile(
    r"方案|计划|任务|意见|通知|规划|办法|纲要|要点|分工|清单|细则|决定|措施|行动|安排|纲领|指南|规定|条例|函|批复"
)
_TASK_SECTION = re.compile(
    r"(?:重点|主要|工作|具体)(?:任务|措施|举措)|保障措施|组织实施|实施步骤|工作要求|工作目标|总体目标|"
    r"主要目标|责任单位|牵头单位|配合单位|按职责分工|责任分工|任务分工"
)


def not_a_plan(
    title: str | None, doc_number: str | None, issuer: str | None, lines: Sequence[str], tasks: Sequence[Task]
) -> str | None:
    """The warning for a document with no sign of a plan, else None."""
    if doc_number or issuer or (title and _GENRE.search(title)):
        return None
    if any(task.lead_units or task.co_units or task.units_as_written for task in tasks):
        return None
    if any(_TASK_SECTION.search(line) for line in lines):
        return None
    return NOT_A_PLAN
