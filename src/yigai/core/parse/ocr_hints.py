"""Review hints from OCR confidence: a task or target read from a line Tesseract was unsure of.

The OCR reader hands over every line it read with its mean word confidence (``RawDocument.ocr_lines``).
The engine joins, cleans and splits those lines long before tasks exist, so instead of threading a
confidence through every stage, the lines are laid end to end again (in a matching key: canonical
spelling, no whitespace) and each task's text, its unit tag and each target's quote are found in that
string. An item whose span overlaps a line read below :data:`LOW_CONFIDENCE` gets the hint
``ocr_low_confidence``: the span is the line as read, the confidence at most :data:`CAP` (and lower
still for a worse line), so the review page lists it among the first to check.

>>> from yigai.core.plan import Task
>>> lines = (("（一）加强组织领导。", 91.0), ("各地要把能力提升纳入议事日程。", 41.5), ("（二）强化督导。", 93.0))
>>> tasks = (Task("T1", "1", (), "加强组织领导", "加强组织领导。各地要把能力提升纳入议事日程。"),
...          Task("T2", "2", (), "强化督导", "强化督导。"))
>>> marked, _ = mark_low_confidence(tasks, (), lines)
>>> marked[0].hint
Hint(rule='ocr_low_confidence', span='各地要把能力提升纳入议事日程。', confidence=0.4)
>>> marked[1].hint is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from yigai.core.parse.normalise import canon
from yigai.core.plan import Hint, Target, Task

LOW_CONFIDENCE = 60.0  # mean word confidence (0–100) below which a line is flagged
CAP = 0.4  # a hint on a low-confidence line is at most this confident (as low as the weakest rules)
RULE = "ocr_low_confidence"
_ANCHOR = 8  # a span not found whole is found by its first and last characters
_DROP = re.compile(r"\s+")

OcrLine = tuple[str, float]  # a line as read, its mean word confidence (0–100)
Item = TypeVar("Item", Task, Target)


def _key(text: str) -> str:
    return _DROP.sub("", canon(text))


class _Source:
    """The OCR lines end to end in the matching key, with each line's range in it."""

    def __init__(self, lines: Sequence[OcrLine]) -> None:
        parts, self.ranges = [], []
        at = 0
        for text, conf in lines:
            key = _key(text)
            parts.append(key)
            self.ranges.append((at, at + len(key), text, conf))
            at += len(key)
        self.text = "".join(parts)

    def find(self, span: str | None, start: int = 0) -> tuple[int, int] | None:
        key = _key(span or "")
        if not key:
            return None
        at = self.text.find(key, start)
        if at >= 0:
            return at, at + len(key)
        if len(key) < 2 * _ANCHOR:
            return None
        head = self.text.find(key[:_ANCHOR], start)  # a span the engine reworded inside (a rejoined tag)
        if head < 0:
            return None
        tail = self.text.find(key[-_ANCHOR:], head + _ANCHOR)
        if tail < 0 or tail - head > 2 * len(key):
            return None
        return head, tail + _ANCHOR

    def low_lines(self, spans: Sequence[tuple[int, int] | None]) -> list[tuple[str, float]]:
        found = []
        for a, b, text, conf in self.ranges:
            if conf < LOW_CONFIDENCE and b > a and any(s and s[0] < b and a < s[1] for s in spans):
                found.append((text, conf))
        return found


def _marked(item: Item, low: list[tuple[str, float]]) -> Item:
    if not low:
        return item
    old = item.hint.confidence if item.hint else CAP
    worst = min(conf for _, conf in low)
    span = " / ".join("".join(text.split()) for text, _ in low)
    return replace(item, hint=Hint(rule=RULE, span=span, confidence=round(min(old, CAP, worst / 100), 2)))


def mark_low_confidence(
    tasks: Sequence[Task], targets: Sequence[Target], lines: Sequence[OcrLine]
) -> tuple[list[Task], list[Target]]:
    """Tasks and targets with the ``ocr_low_confidence`` hint where their source overlaps a low line."""
    if not lines or all(conf >= LOW_CONFIDENCE for _, conf in lines):
        return list(tasks), list(targets)
    source = _Source(lines)
    starts: dict[str, int] = {}
    out_tasks = []
    cursor = 0  # tasks come in reading order: each is looked for after the one before
    for task in tasks:
        text = source.find(task.text, cursor) or source.find(task.text)
        # A title is the text's first sentence, or a heading of its own when OCR damaged the line.
        title = source.find(task.title, cursor) if task.title else None
        # The unit tag was cut from the text: it follows it, after at most a stray bracket.
        units = source.find(task.units_as_written, text[1]) if text and task.units_as_written else None
        if units and text and units[0] - text[1] > 10:
            units = None  # the same tag further on belongs to another task
        if text:
            starts[task.id] = cursor = text[0]
        out_tasks.append(_marked(task, source.low_lines([title, text, units])))
    out_targets = []
    for target in targets:
        quote = source.find(target.quote, starts.get(target.task_id or "", 0))
        out_targets.append(_marked(target, source.low_lines([quote])))
    return out_tasks, out_targets
