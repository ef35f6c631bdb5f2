"""Rebuild tables that a converter flattened into tab-indented lines (seed 003's layout).

Each cell starts on a line beginning with a tab; a line without a tab continues the cell above
(names broken across lines, second paragraphs); rows follow each other with blank lines in
between, and two blank lines end the table. A run of tab lines becomes a table only when its
first cells are header words (序号, 牵头单位, 完成时限 …); other tab runs (a 专栏 box) stay text.

>>> text = "\\t序号\\n\\t任务\\n\\t牵头单位\\n\\n\\t1\\n\\t建设\\n\\t市卫生健康委\\n\\n\\n下文"
>>> kinds = [(k, v) for k, v in split_flat_tables(text.split("\\n"))]
>>> kinds[0][0], kinds[0][1]
('table', [['序号', '任务', '牵头单位'], ['1', '建设', '市卫生健康委']])
>>> kinds[-1]
('line', '下文')
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yigai.core.parse.table_columns import is_header_row

_ENDS_TABLE = re.compile(r"^\s*(?:附件|专栏|[一二三四五六七八九十]+、)")

Piece = tuple[str, "list[list[str]] | str"]


def _header_at(lines: list[str], i: int) -> list[str] | None:
    cells: list[str] = []
    j = i
    while j < len(lines) and lines[j].startswith("\t"):
        cells.append(lines[j].strip())
        j += 1
    return cells if len(cells) >= 2 and is_header_row(cells) else None


def _read_table(lines: list[str], i: int, width: int) -> tuple[list[list[str]], int]:
    cells: list[str] = []
    blanks = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and not line.startswith("\t"):
            blanks += 1
            if blanks >= 2:
                break
            i += 1
            continue
        if line.startswith("\t"):
            cells.append(line.strip())
        elif cells and not (blanks and _ENDS_TABLE.match(line)):
            cells[-1] = (cells[-1] + "\n" + line.strip()).strip("\n")
        else:
            break
        blanks = 0
        i += 1
    rows = [cells[k : k + width] for k in range(0, len(cells), width)]
    if rows and len(rows[-1]) < width:
        rows[-1] = rows[-1] + [""] * (width - len(rows[-1]))
    return rows, i


def _read_tsv(lines: list[str], i: int, width: int) -> tuple[list[list[str]], int]:
    """Tab-separated rows, one per line; short lines without tabs are group rows ("一、健康水平")."""
    rows: list[list[str]] = []
    while i < len(lines):
        line = lines[i].strip()
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            rows.append(cells + [""] * (width - len(cells)))
        elif (line and len(line) <= 20 and not _ENDS_TABLE.match(line.replace("、", "", 0))) or (
            line and len(line) <= 20 and re.match(r"^[一二三四五六七八九十]+、", line)
        ):
            rows.append([line] + [""] * (width - 1))
        else:
            break
        i += 1
    return rows, i


def split_flat_tables(lines: list[str]) -> Iterator[tuple[str, list[list[str]] | str]]:
    """Yield ``("table", rows)`` for flattened tables and ``("line", text)`` for other lines."""
    i = 0
    while i < len(lines):
        line = lines[i]
        inner = line.strip()
        if "\t" in inner and is_header_row([c.strip() for c in inner.split("\t")]):
            rows, i = _read_tsv(lines, i, len(inner.split("\t")))
            yield "table", rows
            continue
        if line.startswith("\t"):
            header = _header_at(lines, i)
            if header is not None:
                rows, i = _read_table(lines, i, len(header))
                yield "table", rows
                continue
            yield "line", line.strip()
        else:
            yield "line", line
        i += 1
