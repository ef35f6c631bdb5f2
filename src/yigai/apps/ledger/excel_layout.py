"""The ledger workbook layout shared by export and import: columns, status labels, colours, checksums.

The sheet is what offices already use (seed 003's 任务分工 table: 序号, 目标任务, 任务描述, 具体措施,
牵头单位, 责任单位, 完成时限 …) plus three hidden, locked columns the import relies on:

- 台账编号 — the item's stable code (``L4-0042``); rows are matched by it, never by position;
- 版本 — the item's version when exported (optimistic concurrency: an item saved since → row conflict);
- 校验 — short hashes of the editable cells as exported, so the import knows which cells the unit
  actually changed (a cell nobody touched is never applied, even if the item moved on since).

>>> checksum(["推进中", "60"]) == checksum(["推进中", "60"]), len(checksum(["a", "b"]).split(","))
(True, 2)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from yigai.core.cells import unneutralise
from yigai.core.ledger import Status

SHEET = "工作台账"
HELP_SHEET = "说明"
TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    editable: bool = False
    hidden: bool = False


COLUMNS = (
    Column("序号", 6),
    Column("目标任务", 16),
    Column("任务描述", 16),
    Column("具体措施", 46),
    Column("牵头单位", 16),
    Column("责任单位", 18),
    Column("完成时限", 12),
    Column("进展情况", 40, editable=True),
    Column("完成进度（%）", 9, editable=True),
    Column("完成状态", 11, editable=True),
    Column("预警", 22),
    Column("台账编号", 11, hidden=True),
    Column("版本", 6, hidden=True),
    Column("校验", 30, hidden=True),
)
HEADERS = tuple(c.header for c in COLUMNS)
CODE, VERSION, CHECK = "台账编号", "版本", "校验"
TEXT, PERCENT, STATUS, DEADLINE = "进展情况", "完成进度（%）", "完成状态", "完成时限"
#: Cells whose change the import considers, in checksum order.
TRACKED = (TEXT, PERCENT, STATUS, DEADLINE)

STATUS_LABELS = {s.label: s for s in Status}

#: Warning colour → (fill, font) in ARGB-less hex, readable when printed in black and white too.
FILLS = {
    "red": ("F4B6B6", "9C0006"),
    "orange": ("FBD5B5", "974706"),
    "yellow": ("FFEB9C", "7F6000"),
    "blue": ("BDD7EE", "1F4E79"),
    "green": ("C6EFCE", "006100"),
    "grey": ("E7E6E6", "595959"),
}


def cell_text(value: object) -> str:
    """What a cell holds as text, for comparing and hashing (dates as ISO, whole floats as ints).

    >>> cell_text(None), cell_text(60.0), cell_text(dt.datetime(2025, 12, 31)), cell_text(" 推进中 ")
    ('', '60', '2025-12-31', '推进中')
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(unneutralise(str(value).strip())).replace("\r\n", "\n")  # the export's escaping undone


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def checksum(values: list[str]) -> str:
    """``h1,h2,…``: one short hash per tracked cell, in :data:`TRACKED` order."""
    return ",".join(_hash(v) for v in values)


def changed_cells(values: list[str], check: str) -> list[bool] | None:
    """Which tracked cells differ from what was exported; None when the checksum is not ours."""
    parts = check.split(",") if check else []
    if len(parts) != len(values) or any(len(p) != 10 for p in parts):
        return None
    return [_hash(v) != p for v, p in zip(values, parts, strict=True)]
