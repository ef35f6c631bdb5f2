"""python-docx helpers for Chinese official documents (公文) in the GB/T 9704-2012 format.

- Page: A4, margins 上37 下35 左28 右26 mm (版心 156 × 225 mm), 22 lines of 28 characters.
- Type: 标题 2号 (22 pt) 小标宋; 正文 3号 (16 pt) 仿宋_GB2312; 一级标题 3号黑体; tables 4号 (14 pt) smaller.
- Page numbers: 4号 "— 1 —" in the footer, odd pages right-aligned and even pages left-aligned (空一字).

Fonts: each face names the official font as its East Asian font (``w:eastAsia``), which Word on an office
PC uses, and an open font (Noto CJK) for Latin text and as the name a machine without the official fonts
(and LibreOffice, see :mod:`.pdf`) falls back on.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph


@dataclass(frozen=True)
class Face:
    official: str  # the GB/T 9704 font, the East Asian name
    open: str  # an open substitute (SIL OFL), the Latin name


TITLE = Face("方正小标宋简体", "Noto Serif CJK SC")
BODY = Face("仿宋_GB2312", "Noto Serif CJK SC")
HEADING = Face("黑体", "Noto Sans CJK SC")
PAGE_NUMBER = Face("宋体", "Noto Serif CJK SC")

SIZE_TITLE, SIZE_BODY, SIZE_TABLE, SIZE_PAGE = 22, 16, 12, 14  # 2号, 3号, 小4号, 4号
LINE = Pt(28.9)  # 225 mm / 22 lines
COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", ">": "＞", "<": "＜", "==": "＝", "=": "＝"}


def sign(comparator: str) -> str:
    """The printed sign of a target comparator: ≥ ≤ rather than >= <=."""
    return COMPARATOR_SIGNS.get(comparator, comparator)


def set_font(run_or_style: Any, face: Face, size: float | None = None, bold: bool | None = None) -> None:
    """The open face for Latin text, the official one as East Asian face (Word reads Chinese from it)."""
    font = run_or_style.font
    font.name = face.open
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
    rfonts.set(qn("w:eastAsia"), face.official)


def setup(doc: DocumentType) -> None:
    """A4 with GB/T 9704 margins, body and heading styles, and page numbers on every section."""
    for section in doc.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Pt(SIZE_PAGE)  # the number sits 7 mm under the 版心
    normal = doc.styles["Normal"]
    set_font(normal, BODY, SIZE_BODY)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_after = Pt(0)
    for level in (1, 2):
        style = doc.styles[f"Heading {level}"]
        set_font(style, HEADING, SIZE_BODY, bold=False)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.first_line_indent = Pt(SIZE_BODY * 2)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = LINE
    page_numbers(doc)


def page_numbers(doc: DocumentType) -> None:
    """ "— n —" (4号宋体) in the footer: 单页码居右空一字, 双页码居左空一字."""
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        settings.append(OxmlElement("w:evenAndOddHeaders"))
    for section in doc.sections:
        _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(footer: Any, alignment: WD_ALIGN_PARAGRAPH) -> None:
    p = footer.paragraphs[0]
    p.alignment = alignment
    indent = Pt(SIZE_PAGE)  # 空一字
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = indent
    else:
        p.paragraph_format.left_indent = indent
    set_font(p.add_run("— "), PAGE_NUMBER, SIZE_PAGE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        set_font(run, PAGE_NUMBER, SIZE_PAGE)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    set_font(p.add_run(" —"), PAGE_NUMBER, SIZE_PAGE)


def title(doc: DocumentType, text: str, sub: str = "") -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(35)  # a 2号 title needs more than the body line
    set_font(p.add_run(text), TITLE, SIZE_TITLE)
    if sub:
        q = doc.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(q.add_run(sub), BODY, SIZE_BODY)


def para(doc: DocumentType, text: str, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(SIZE_BODY * 2)  # 首行缩进二字
    run = p.add_run(text)
    set_font(run, BODY, SIZE_BODY, bold=bold)
    if colour is not None:
        run.font.color.rgb = colour


def table(doc: DocumentType, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    t = doc.add_table(rows=1 + len(rows), cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = t._cells  # the grid once: row.cells re-reads the whole table on every call (quadratic)
    width = len(header)
    # One cell paragraph per face built through python-docx, then copied (lxml) into every cell: building
    # each cell's run and fonts through python-docx took most of the briefing's time (hundreds of cells).
    heading, body = _cell_prototype(cells[0], HEADING), _cell_prototype(cells[0], BODY)
    for j, text in enumerate(header):
        _cell(cells[j], str(text), heading)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            _cell(cells[i * width + j], "" if value is None else str(value), body)
    doc.add_paragraph()


def _cell_prototype(cell: Any, face: Face) -> Any:
    """A table cell's paragraph (single line spacing, not the 28.9 pt body line) with one run in ``face``."""
    p = deepcopy(cell.paragraphs[0]._p)  # a new cell holds one empty paragraph
    para = Paragraph(p, cell)
    para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    set_font(para.add_run(""), face, SIZE_TABLE)
    return p


def _cell(cell: Any, text: str, prototype: Any) -> None:
    p = deepcopy(prototype)
    p.r_lst[0].text = text
    cell._tc.replace(cell._tc.p_lst[0], p)
