"""The document's outline: headings by marker type, annexes, paragraphs and tables as a tree.

The level comes from the marker's type, never from its order (GB/T 9704: 一、 > （一） > 1. >
（1）); numbering may restart in every group and every annex (附件N) starts a new tree.

>>> root = build_outline(["一、总体要求", "（一）推动发展。协调推进。", "1．第一项。（责任单位:市卫生健康委）"])
>>> [(n.level, n.number, n.heading) for n in walk(root.children)]
[(1, '一', '总体要求'), (2, '一', '推动发展'), (3, '1', '第一项')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from yigai.core.parse.normalise import canon

CN = "一二三四五六七八九十百零〇"
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(r"^附件\s*(?P<n>\d*)\s*[：:]?\s*(?P<rest>.{0,40})$")),
    (1, re.compile(rf"^第(?P<n>[{CN}]+)(?:部分|章)\s*(?P<rest>.*)$")),
    (1, re.compile(rf"^(?P<n>[{CN}]+)\s*[、.](?!\d)\s*(?P<rest>.*)$")),
    (2, re.compile(rf"^[（(]\s*(?P<n>[{CN}]+)\s*[）)]\s*[、.]?\s*(?P<rest>.*)$")),
    (2, re.compile(rf"^第(?P<n>[{CN}]+)节\s*(?P<rest>.*)$")),
    (3, re.compile(r"^(?P<n>\d{1,3})\s*[.、](?!\d)\s*(?P<rest>.*)$")),
    (4, re.compile(r"^[（(]\s*(?P<n>\d{1,3})\s*[）)]\s*(?P<rest>.*)$")),
    (4, re.compile(r"^(?P<n>\d{1,3})[）)]\s*(?P<rest>.*)$")),
    (5, re.compile(r"^(?P<n>[①-⑳])\s*(?P<rest>.*)$")),
    (6, re.compile(r"^(?P<n>专栏\s*\d*)\s*[：:]?\s*(?P<rest>.*)$")),
)
_SENTENCE_END = re.compile(r"[。！？]")


@dataclass
class Node:
    """A heading (or annex, or box) with the lines and tables under it."""

    level: int
    number: str | None
    heading: str
    line: str  # the heading line as written, marker included
    body: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    @property
    def is_annex(self) -> bool:
        return self.level == 0

    def path(self) -> tuple[str, ...]:
        out: list[str] = []
        node = self.parent
        while node is not None and node.level >= 0:
            out.append(node.label())
            node = node.parent
        return tuple(reversed(out))

    def label(self) -> str:
        return self.line if self.level != 0 else (self.line + (f"：{self.heading}" if self.heading else ""))


def classify(line: str) -> tuple[int, str, str] | None:
    """(level, number, rest of the line) when a line opens a heading or item; else None."""
    text = canon(line.strip())
    for level, pattern in _MARKERS:
        m = pattern.match(text)
        if m is None:
            continue
        rest = line.strip()[len(text) - len(m.group("rest")) :] if m.group("rest") else ""
        if level == 0 and rest and (len(rest) > 40 or _SENTENCE_END.search(rest)):
            continue
        return level, m.group("n").replace(" ", ""), rest
    return None


def heading_title(rest: str) -> str:
    """The title part of a heading line: up to the first 。 ("推动发展。协调推进…" → "推动发展")."""
    m = _SENTENCE_END.search(rest)
    title = rest[: m.start()] if m else rest
    return title.strip().rstrip("：:；;，,")


def build_outline(items: list[str | list[list[str]]]) -> Node:
    """Lines (str) and tables (rows) in document order → the root node (level -1).

    An annex title on the line after "附件N" is taken as the annex's heading.
    """
    root = Node(level=-1, number=None, heading="", line="")
    stack: list[Node] = [root]
    pending_annex_title: Node | None = None
    for item in items:
        if isinstance(item, list):
            stack[-1].tables.append(item)
            stack[-1].body.append(f"\x00table{len(stack[-1].tables) - 1}")
            pending_annex_title = None
            continue
        line = item.strip()
        if not line:
            continue
        if pending_annex_title is not None and classify(line) is None and len(line) <= 40:
            pending_annex_title.heading = (
                (pending_annex_title.heading + line) if pending_annex_title.heading else line
            )
            if not _SENTENCE_END.search(line):
                continue
        pending_annex_title = None
        found = classify(line)
        if found is None:
            stack[-1].body.append(line)
            continue
        level, number, rest = found
        if stack[-1].level == 6 and level >= 3:  # items inside a 专栏 box stay its text
            stack[-1].body.append(line)
            continue
        if level == 0:
            stack = [root]
        else:
            while len(stack) > 1 and stack[-1].level >= level:
                stack.pop()
        title = heading_title(rest) if level else rest
        node = Node(level=level, number=number, heading=title, line=line, parent=stack[-1])
        if level != 0 and rest and rest != title:
            node.body.append(rest)
        stack[-1].children.append(node)
        stack.append(node)
        if level == 0:
            pending_annex_title = node
    return root


def walk(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        if node.level >= 0:
            yield node
        yield from walk(node.children)
