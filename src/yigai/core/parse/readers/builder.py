"""Assembling blocks: consecutive lines become one ``text`` block, grids become ``table`` blocks.

Every reader funnels through :class:`BlockBuilder` so that all formats agree on the small
rules: a text block never starts or ends with blank lines, a table is rectangular (short
rows are padded with ``""``), and a table with no text at all is dropped.

>>> b = BlockBuilder()
>>> b.add_line("")
>>> b.add_line("一、总体要求")
>>> b.add_table([["序号", "任务"], ["1"]])
>>> [(blk.kind, blk.text, blk.rows) for blk in b.blocks()]
[('text', '一、总体要求', ()), ('table', '', (('序号', '任务'), ('1', '')))]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from yigai.core.parse.blocks import Block


class BlockBuilder:
    def __init__(self) -> None:
        self._lines: list[str] = []
        self._blocks: list[Block] = []

    def add_line(self, line: str) -> None:
        self._lines.append(line)

    def add_text(self, text: str) -> None:
        """Add a run of text; its line breaks are kept."""
        self._lines.extend(text.split("\n"))

    def add_table(self, rows: Iterable[Sequence[str]]) -> None:
        grid = normalise_table(rows)
        if not grid:
            return
        self._flush()
        self._blocks.append(Block(kind="table", rows=grid))

    def add_block(self, block: Block) -> None:
        if block.kind == "table":
            self.add_table(block.rows)
        else:
            self.add_text(block.text)

    def blocks(self) -> tuple[Block, ...]:
        self._flush()
        return tuple(self._blocks)

    def _flush(self) -> None:
        text = trim_blank_lines("\n".join(self._lines))
        self._lines = []
        if text:
            self._blocks.append(Block(kind="text", text=text))


def normalise_table(rows: Iterable[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    """Pad rows to the widest one; drop the table when no cell holds text."""
    cleaned = [tuple(cell.strip() for cell in row) for row in rows]
    cleaned = [row for row in cleaned if row]
    if not any(cell for row in cleaned for cell in row):
        return ()
    width = max(len(row) for row in cleaned)
    return tuple(row + ("",) * (width - len(row)) for row in cleaned)


def trim_blank_lines(text: str) -> str:
    """Drop whitespace-only lines at both ends; inner lines are kept exactly.

    >>> trim_blank_lines("\\n \\n\\t一\\n\\n二\\n  ")
    '\\t一\\n\\n二'
    """
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def has_text(blocks: Sequence[Block]) -> bool:
    return any(b.text.strip() or any(c for row in b.rows for c in row) for b in blocks)
