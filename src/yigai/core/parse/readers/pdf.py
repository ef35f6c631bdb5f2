"""PDF with pdfplumber: text lines and ruled tables, page by page, in reading order.

Text outside table boxes comes out line by line with its hard breaks (the engine joins
them); each table found by ``page.find_tables()`` becomes a ``table`` block placed by its
top edge. A table that runs on over a page break is joined back together (a repeated
header row dropped). Page-number lines ("— 3 —", "第3页", "3/12") at the top or bottom of a
page are dropped. A PDF without a text layer is a scan and needs OCR first.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pdfplumber

from yigai.core.parse.blocks import Block, RawDocument, ReadError
from yigai.core.parse.readers.builder import BlockBuilder, has_text, normalise_table

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
_CID = re.compile(r"\(cid:\d+\)")


def read_pdf(source: str, data: bytes) -> RawDocument:
    if b"%%EOF" not in data:
        raise ReadError(source, TRUNCATED)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many unrelated types for bad files
        raise ReadError(source, ENCRYPTED if _is_encryption_error(error) else CORRUPT) from None
    with pdf:
        items = [item for page in pdf.pages for item in _page_items(page)]
        title = _title(pdf.metadata)
    blocks = _assemble(items)
    if not has_text(blocks):
        raise ReadError(source, SCANNED)
    text = "".join(b.text for b in blocks)
    if len(_CID.findall(text)) * 6 > len(text) / 2:
        raise ReadError(source, UNDECODABLE)
    return RawDocument(source=source, format="pdf", blocks=blocks, title_hint=title)


def _is_encryption_error(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        name = type(seen).__name__
        if "Password" in name or "Encrypt" in name or "password" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _page_items(page: Any) -> Iterator[tuple[str, Any]]:
    """("line", text) and ("table", rows) items of one page, top to bottom."""
    tables = [t for t in page.find_tables() if t.bbox[2] > t.bbox[0] and t.bbox[3] > t.bbox[1]]
    boxes = [t.bbox for t in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    lines = [(line["top"], line["text"]) for line in text_page.extract_text_lines(return_chars=False)]
    lines = _drop_page_numbers(lines)
    placed: list[tuple[float, int, tuple[str, Any]]] = [(top, 0, ("line", text)) for top, text in lines]
    placed += [(t.bbox[1], 1, ("table", t.extract())) for t in tables]
    placed.sort(key=lambda item: (item[0], item[1]))
    yield from (item for _, _, item in placed)
    yield ("page", None)
    page.close()


def _drop_page_numbers(lines: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """Remove page-number lines among the first two and the last two lines of a page."""
    edge = {0, 1, len(lines) - 1, len(lines) - 2}
    return [line for i, line in enumerate(lines) if not (i in edge and _PAGE_NUMBER.match(line[1].strip()))]


def _assemble(items: list[tuple[str, Any]]) -> tuple[Block, ...]:
    builder = BlockBuilder()
    pending: list[tuple[str, ...]] = []  # the last table, kept open in case the next page continues it
    crossed_page = False
    for kind, value in items:
        if kind == "page":
            crossed_page = True
        elif kind == "line":
            if pending:
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
