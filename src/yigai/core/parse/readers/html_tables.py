"""One HTML ``<table>`` as it is parsed: cells with their spans, laid out into a grid at the end.

>>> t = HtmlTable()
>>> t.start_row(); t.start_cell(1, 2); t.cell.append("市卫生健康委"); t.start_cell(2, 1); t.cell.append("甲")
>>> t.start_row(); t.start_cell(1, 1); t.cell.append("乙")
>>> t.grid()
[['市卫生健康委', '甲', ''], ['', '乙', '']]
"""

from __future__ import annotations

import re

SPACES = re.compile(r"[ \t\n\r\f\xa0]+")


class HtmlTable:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.caption: list[str] = []

    def start_row(self) -> None:
        self.end_cell()
        self.rows.append([])

    def start_cell(self, colspan: int, rowspan: int) -> None:
        self.end_cell()
        if not self.rows:
            self.rows.append([])
        self.cell, self.span = [], (colspan, rowspan)

    def end_cell(self) -> None:
        if self.cell is not None:
            lines = (SPACES.sub(" ", line).strip() for line in "".join(self.cell).split("\n"))
            self.rows[-1].append(("\n".join(line for line in lines if line), *self.span))
            self.cell = None

    def grid(self) -> list[list[str]]:
        self.end_cell()
        taken: dict[tuple[int, int], str] = {}
        for r, row in enumerate(self.rows):
            c = 0
            for text, colspan, rowspan in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(min(rowspan, len(self.rows) - r)):
                    for dc in range(colspan):
                        taken[(r + dr, c + dc)] = text if dr == dc == 0 else ""
                c += colspan
        width = max((c + 1 for _, c in taken), default=0)
        return [[taken.get((r, c), "") for c in range(width)] for r in range(len(self.rows))]
