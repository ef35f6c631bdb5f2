"""PDF: text through pdfium (pypdfium2), ruled tables through pdfplumber, scans through OCR.

Text of a page comes from pdfium, line by line with its hard breaks (the engine joins them): it is
fast, close to the cost floor of any PDF text extraction. Only a page that draws ruled lines (at
least two horizontal and two vertical strokes) is handed to pdfplumber, whose ``find_tables()``
turns each ruled grid into a ``table`` block placed by its top edge, the text outside the grids
staying lines. A table that runs on over a page break is joined back together (a repeated header
row dropped). Page-number lines ("— 3 —", "第3页", "3/12") and the running header and footer a
browser prints (the page's address, the print date, "1/3") are dropped at the top and bottom of each
page. A PDF without a text layer is a scan: its pages are rendered and read by OCR (:mod:`.ocr`).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from yigai.core.parse.blocks import Block, RawDocument, ReadError
from yigai.core.parse.readers.builder import BlockBuilder, has_text, normalise_table

# pdfminer (under pdfplumber) logs "Could not get FontBBox…" warnings by the hundred on ordinary
# Chinese PDFs; they say nothing to a user and must never reach the CLI's stderr.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

SCANNED = "PDF 中没有可提取的文字（可能是扫描件），请先进行文字识别（OCR）"
ENCRYPTED = "PDF 文件已加密（设置了打开密码），请取消密码后再导入"
CORRUPT = "PDF 文件已损坏，无法读取"
TRUNCATED = "PDF 文件不完整（缺少文件结尾，可能下载中断），请重新获取完整文件"
UNDECODABLE = "PDF 中的文字无法解码（字体缺少编码信息），请导入原始 Word 文件或先进行文字识别（OCR）"

_DASHES = "-‐‑‒–—―－─━"
_PAGE_NUMBER = re.compile(
    rf"^(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"  # — 3 —   - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"  # 第3页  第3页，共12页
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"  # 共12页 第3页
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/12
    r"|\d{1,3}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",  # 3   Page 3 of 12
    re.IGNORECASE,
)
# What a browser prints around each page: the address (with "1/3" after it) and the print date/time.
_RUNNING = re.compile(
    r"(?:https?://|file://|www\.)\S+(?:\s+\d{1,4}\s*/\s*\d{1,4})?\s*$"
    r"|^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[\s,]+(?:上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?",
    re.IGNORECASE,
)
_CID = re.compile(r"\(cid:\d+\)")
_MIN_TEXT_PER_PAGE = 4  # fewer characters than this on every page: no text layer


def read_pdf(source: str, data: bytes) -> RawDocument:
    if b"%%EOF" not in data:
        raise ReadError(source, TRUNCATED)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ReadError(source, ENCRYPTED if "password" in str(error).lower() else CORRUPT) from None
    warnings: tuple[str, ...] = ()
    ocr_lines: tuple[tuple[str, float], ...] = ()
    try:
        pages = [_page_lines(pdf, i, data) for i in range(len(pdf))]
        title = _title(pdf.get_metadata_dict())
        blank = [i for i, page in enumerate(pages) if _is_blank(page)]
        if pages and len(blank) == len(pages):
            from yigai.core.parse.readers.ocr import read_scanned  # only scans pay for the OCR import

            return read_scanned(source, pdf, title)
        scanned = [i for i in blank if _has_image(pdf, i)]
        if scanned:
            warnings, ocr_lines = _read_scanned_pages(source, pdf, pages, scanned)
    finally:
        pdf.close()
    blocks = _assemble([item for page in _drop_running(pages) for item in page])
    if not has_text(blocks):
        raise ReadError(source, SCANNED)
    text = "".join(b.text for b in blocks)
    if len(_CID.findall(text)) * 6 > len(text) / 2:
        raise ReadError(source, UNDECODABLE)
    return RawDocument(
        source=source, format="pdf", blocks=blocks, title_hint=title, warnings=warnings, ocr_lines=ocr_lines
    )


def _has_image(pdf: Any, index: int) -> bool:
    page = pdf[index]
    try:
        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    finally:
        page.close()


def _read_scanned_pages(
    source: str, pdf: Any, pages: list[list[tuple[str, Any]]], scanned: list[int]
) -> tuple[tuple[str, ...], tuple[tuple[str, float], ...]]:
    """A PDF with typed pages and scanned ones (a stamped signature page, an annex): OCR the scanned ones.
    Gives the warnings and the OCR lines with their confidence."""
    from yigai.core.parse.readers import ocr

    listed = "、".join(str(i + 1) for i in scanned[:10]) + ("等" if len(scanned) > 10 else "")
    if not ocr.ocr_available():
        return (f"第{listed}页是扫描页（没有文字层），服务器未安装文字识别组件，这些页未读取",), ()
    lines = ocr.ocr_pages(source, pdf, scanned)
    for i in scanned:
        pages[i] = [("line", text) for number, text, _ in lines if number == i + 1]
    read = tuple((text, conf) for _, text, conf in lines)
    return (f"第{listed}页为扫描页，" + ocr.confidence_warning(lines),), read


def _is_blank(page: list[tuple[str, Any]]) -> bool:
    chars = sum(len(str(v).strip()) for kind, v in page if kind == "line")
    return chars < _MIN_TEXT_PER_PAGE and not any(kind == "table" for kind, _ in page)


def _page_lines(pdf: Any, index: int, data: bytes) -> list[tuple[str, Any]]:
    """("line", text) and ("table", rows) items of one page, top to bottom."""
    page = pdf[index]
    try:
        if _has_rules(page):
            return list(_plumber_items(data, index))
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [("line", line) for line in _drop_page_numbers(lines)]


def _has_rules(page: Any) -> bool:
    """Does the page draw a grid (≥ 2 horizontal and ≥ 2 vertical thin strokes)?"""
    horizontal = vertical = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= 3 and width >= 15:
            horizontal += 1
        elif width <= 3 and height >= 8:
            vertical += 1
        if horizontal >= 2 and vertical >= 2:
            return True
    return False


def _plumber_items(data: bytes, index: int) -> Iterator[tuple[str, Any]]:
    import pdfplumber  # only pages with ruled tables pay for pdfminer's layout analysis

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        page = pdf.pages[0]
        tables = [t for t in page.find_tables() if t.bbox[2] > t.bbox[0] and t.bbox[3] > t.bbox[1]]
        boxes = [t.bbox for t in tables]

        def outside_tables(obj: dict[str, Any]) -> bool:
            if obj.get("object_type") != "char":
                return True
            x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

        text_page = page.filter(outside_tables) if boxes else page
        lines = [(line["top"], line["text"]) for line in text_page.extract_text_lines(return_chars=False)]
        kept = set(_drop_page_numbers([text for _, text in lines], keep_index=True))
        placed: list[tuple[float, int, tuple[str, Any]]] = [
            (top, 0, ("line", text)) for i, (top, text) in enumerate(lines) if i in kept
        ]
        placed += [(t.bbox[1], 1, ("table", t.extract())) for t in tables]
        placed.sort(key=lambda item: (item[0], item[1]))
        yield from (item for _, _, item in placed)


def _drop_page_numbers(lines: list[str], *, keep_index: bool = False) -> list[Any]:
    """Remove page-number lines among the first two and the last two non-blank lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edge = set(filled[:2] + filled[-2:])
    kept = [i for i in range(len(lines)) if not (i in edge and _PAGE_NUMBER.match(lines[i].strip()))]
    return kept if keep_index else [lines[i] for i in kept]


def _drop_running(pages: list[list[tuple[str, Any]]]) -> Iterator[list[tuple[str, Any]]]:
    """Drop a browser's running header and footer: the address and print date at a page's edges,
    and an edge line repeated on most pages (the page title a browser prints above each page)."""

    def edges(page: list[tuple[str, Any]]) -> list[int]:
        filled = [i for i, (kind, v) in enumerate(page) if kind == "line" and str(v).strip()]
        return filled[:2] + filled[-2:]

    counts: dict[str, int] = {}
    for page in pages:
        for text in {str(page[i][1]).strip() for i in edges(page)}:
            counts[text] = counts.get(text, 0) + 1
    repeated = {t for t, n in counts.items() if len(pages) >= 2 and n >= max(2, len(pages) * 0.6)}
    for page in pages:
        drop = {
            i for i in edges(page) if _RUNNING.search(str(page[i][1])) or str(page[i][1]).strip() in repeated
        }
        yield [item for i, item in enumerate(page) if i not in drop] + [("page", None)]


def _assemble(items: list[tuple[str, Any]]) -> tuple[Block, ...]:
    builder = BlockBuilder()
    pending: list[tuple[str, ...]] = []  # the last table, kept open in case the next page continues it
    crossed_page = False
    for kind, value in items:
        if kind == "page":
            crossed_page = True
        elif kind == "line":
            if pending and value.strip():
                builder.add_table(pending)
                pending = []
            builder.add_line(value)
        else:
            rows = list(normalise_table([[cell or "" for cell in row] for row in value]))
            if pending and crossed_page and rows and len(rows[0]) == len(pending[0]):
                pending += rows[1:] if rows[0] == pending[0] else rows  # drop a repeated header
            else:
                if pending:
                    builder.add_table(pending)
                pending = rows
            crossed_page = False
    if pending:
        builder.add_table(pending)
    return builder.blocks()


def _title(metadata: dict[str, Any]) -> str | None:
    """The document-info title, when it is a real one (not "Microsoft Word - 1.docx")."""
    title = metadata.get("Title")
    if isinstance(title, bytes):
        title = title.decode("utf-8", "replace")
    if not isinstance(title, str):
        return None
    title = re.sub(r"^Microsoft Word\s*-\s*", "", title.strip())
    title = re.sub(r"\.(docx?|wps|pdf)$", "", title, flags=re.IGNORECASE).strip()
    return title if re.search(r"[\u4e00-\u9fff]{2}", title) else None
