"""What a reader hands to the extractor: the document as text blocks and table blocks.

A ``text`` block keeps its line breaks exactly as read (hard PDF breaks, tab-indented
flattened tables and all): normalisation and segmentation happen later, in one place.
A ``table`` block is a grid of cell texts; a cell continued from a merge is ``""`` so
that the "blank cell inherits from the row above" rule applies to every format alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Block:
    kind: Literal["text", "table"]
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class RawDocument:
    source: str  # the file's base name
    format: str  # "txt" | "html" | "md" | "docx" | "pdf"
    blocks: tuple[Block, ...]
    title_hint: str | None = None  # e.g. the ``title:`` of an HTML/Markdown front matter, a docx core title
    warnings: tuple[str, ...] = ()  # what the reader wants the user to know (OCR confidence, a conversion)
    # Lines read by OCR, in reading order, with Tesseract's mean word confidence (0–100): review hints.
    ocr_lines: tuple[tuple[str, float], ...] = ()


class ReadError(Exception):
    """A file that cannot be read as a document. ``reason`` is a short human sentence."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
