"""Plain text: decoding (BOM, UTF-8, GB18030) and the ``txt`` reader.

The text is handed on untouched apart from newline style: tabs, blank lines, full-width
spaces and hard line breaks all carry structure the extraction engine relies on (a
flattened table is tab-indented; a PDF copy breaks lines mid-sentence).

>>> decode_text("s.txt", "第一条".encode("gb18030"))
'第一条'
>>> decode_text("s.txt", b"\\xef\\xbb\\xbf\\xe4\\xb8\\x80\\r\\n\\xe4\\xba\\x8c\\r\\xe4\\xb8\\x89")
'一\\n二\\n三'
"""

from __future__ import annotations

import codecs
import re

from yigai.core.parse.blocks import Block, RawDocument, ReadError
from yigai.core.parse.readers.builder import trim_blank_lines

EMPTY = "文件为空"
BINARY = "不是文本文件（含二进制内容）"
UNKNOWN_ENCODING = "无法识别文本编码，请另存为 UTF-8 编码的文本文件后再导入"

_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_PLAUSIBLE = re.compile("[\t\n\r\x20-\x7e\u2000-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(source: str, data: bytes) -> str:
    """Decode bytes to text with ``\\n`` line breaks, or raise :class:`ReadError`."""
    text = _decode(source, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(source, EMPTY)
    if _control_ratio(text) > 0.01:
        raise ReadError(source, BINARY)
    return text


def read_txt(source: str, text: str) -> RawDocument:
    """``text`` as :func:`decode_text` returned it: one block, line breaks and tabs kept."""
    return RawDocument(source=source, format="txt", blocks=(Block(kind="text", text=trim_blank_lines(text)),))


def _decode(source: str, data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise ReadError(source, UNKNOWN_ENCODING) from None
    if not data.strip():
        raise ReadError(source, EMPTY)
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise ReadError(source, BINARY)
        return utf16
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(source, UNKNOWN_ENCODING)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM (Windows "Unicode" text), told from binary junk that has NULs too.

    Junk decoded as UTF-16 spreads over the whole Basic Multilingual Plane; a Chinese
    document stays within ASCII, CJK ideographs and CJK/full-width punctuation.
    """
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text and _control_ratio(text) <= 0.01 and _plausible_ratio(text) >= 0.9:
            return text
    return None


def _plausible_ratio(text: str) -> float:
    return len(_PLAUSIBLE.findall(text)) / max(len(text), 1)


def _control_ratio(text: str) -> float:
    """Share of control characters other than tab, line feed, carriage return and form feed."""
    return len(_CONTROLS.findall(text)) / max(len(text), 1)
