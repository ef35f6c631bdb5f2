"""python-docx helpers for Chinese official-style documents: fonts with an East Asian face, tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "方正小标宋简体"


def set_font(run_or_style: Any, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian face both (Word reads Chinese text from ``w:eastAsia``)."""
    font = run_or_style.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def setup(doc: DocumentType) -> None:
    normal = doc.styles["Normal"]
    set_font(normal, BODY_FONT, 12)
    for level, size in ((1, 15), (2, 13)):
        style = doc.styles[f"Heading {level}"]
        set_font(style, HEADING_FONT, size, bold=True)
        style.font.color.rgb = RGBColor(0, 0, 0)


def title(doc: DocumentType, text: str, sub: str = "") -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(text), TITLE_FONT, 20, bold=True)
    if sub:
        q = doc.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(q.add_run(sub), BODY_FONT, 12)


def para(doc: DocumentType, text: str, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(24)
    run = p.add_run(text)
    set_font(run, BODY_FONT, 12, bold=bold)
    if colour is not None:
        run.font.color.rgb = colour


def table(doc: DocumentType, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        cell.text = ""
        set_font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, 10.5)
    for row in rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            set_font(cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, 10.5)
    doc.add_paragraph()
