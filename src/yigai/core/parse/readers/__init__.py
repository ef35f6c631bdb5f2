"""Document readers: a file in, a :class:`~yigai.core.parse.blocks.RawDocument` out.

Supported: ``.docx``, ``.pdf`` (scans through OCR), ``.xlsx``, ``.txt``, ``.htm``/``.html``,
``.md``/``.markdown``, and ``.doc``/``.wps``/``.rtf`` through LibreOffice.
The format is decided by content first (see :mod:`.sniff`), so a ``.txt`` that is really a
PDF, or a Markdown post full of HTML, is read as what it is. Everything that goes wrong
becomes a :class:`ReadError` whose ``reason`` is one Chinese sentence for the user — never
a library traceback.

``format`` of the result: ``txt`` (plain text), ``md`` (Markdown, including a text file with
front matter), ``html`` (HTML, including a text file made of HTML tags), ``docx``, ``pdf``,
``xlsx``.

>>> doc = read_bytes("通知.txt", "一、总体要求\\r\\n\\t（一）目标".encode("gbk"))
>>> doc.format, doc.blocks[0].text
('txt', '一、总体要求\\n\\t（一）目标')
>>> read_bytes("a.txt", b"")
Traceback (most recent call last):
yigai.core.parse.blocks.ReadError: a.txt: 文件为空
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from yigai.core.parse.blocks import Block, RawDocument, ReadError
from yigai.core.parse.readers.builder import has_text
from yigai.core.parse.readers.convert import failed as conversion_failed
from yigai.core.parse.readers.convert import read_legacy
from yigai.core.parse.readers.excel import read_xlsx
from yigai.core.parse.readers.frontmatter import has_front_matter
from yigai.core.parse.readers.markdown import looks_like_html, read_markdown
from yigai.core.parse.readers.markup import html_to_blocks
from yigai.core.parse.readers.pdf import read_pdf
from yigai.core.parse.readers.sniff import detect, extension
from yigai.core.parse.readers.text import EMPTY, decode_text, read_txt
from yigai.core.parse.readers.word import read_docx

__all__ = ["DEFAULT_MAX_BYTES", "Block", "RawDocument", "ReadError", "read_bytes", "read_path"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 2**20
"""Files above this size are refused; pass ``max_bytes`` to change it."""

_CORRUPT = {
    "docx": "Word 文档已损坏或格式异常，无法读取",
    "xlsx": "Excel 文件已损坏或格式异常，无法读取",
    "pdf": "PDF 文件已损坏，无法读取",
    "doc": conversion_failed(".doc"),
    "wps": conversion_failed(".wps"),
    "rtf": conversion_failed(".rtf"),
}
_BINARY_READERS: dict[str, Callable[[str, bytes], RawDocument]] = {
    "docx": read_docx,
    "xlsx": read_xlsx,
    "pdf": read_pdf,
    "doc": lambda source, data: read_legacy(source, data, ".doc"),
    "wps": lambda source, data: read_legacy(source, data, ".wps"),
    "rtf": lambda source, data: read_legacy(source, data, ".rtf"),
}


def read_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read one file; its base name becomes ``RawDocument.source``."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(name, _too_large(size, max_bytes))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(name, "文件不存在") from None
    except IsADirectoryError:
        raise ReadError(name, "这是一个文件夹，不是文件") from None
    except PermissionError:
        raise ReadError(name, "没有读取该文件的权限") from None
    except OSError as error:
        raise ReadError(name, f"无法读取文件（系统错误 {error.errno}）") from None
    return read_bytes(name, data, max_bytes=max_bytes)


def read_bytes(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read in-memory content; ``name`` is the original file name (its extension is a hint)."""
    source = Path(name).name or name
    if len(data) > max_bytes:
        raise ReadError(source, _too_large(len(data), max_bytes))
    if not data.strip():
        raise ReadError(source, EMPTY)
    kind = detect(source, data, max_unpacked=max_bytes * 10)
    try:
        document = _read(source, data, kind)
    except ReadError:
        raise
    except Exception:  # any library failure on a bad file is the file's fault, said simply
        log.info("reader %s failed on %s", kind, source, exc_info=True)
        raise ReadError(source, _CORRUPT.get(kind, "文件内容异常，无法读取")) from None
    if not has_text(document.blocks):
        raise ReadError(source, EMPTY)
    return document


def _read(source: str, data: bytes, kind: str) -> RawDocument:
    if kind in _BINARY_READERS:
        return _BINARY_READERS[kind](source, data)
    text = decode_text(source, data)
    ext = extension(source)
    if kind == "html" or ext in (".htm", ".html", ".xhtml") or _is_html_page(text):
        return _read_html(source, text)
    if ext in (".md", ".markdown") or has_front_matter(text):
        return read_markdown(source, text)
    if looks_like_html(text):
        return read_markdown(source, text, format="html")
    return read_txt(source, text)


def _is_html_page(text: str) -> bool:
    head = text.lstrip("\ufeff \t\n").lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in head[:4096]


def _read_html(source: str, text: str) -> RawDocument:
    blocks, title = html_to_blocks(text)
    return RawDocument(source=source, format="html", blocks=blocks, title_hint=title)


def _too_large(size: int, limit: int) -> str:
    return f"文件过大（{_human(size)}），超过 {_human(limit)} 的上限，请拆分后再导入"


def _human(size: int) -> str:
    """``52428800`` → ``"50 MB"``; ``1536`` → ``"1.5 KB"``."""
    value, unit = (size / 2**20, "MB") if size >= 2**20 else (size / 2**10, "KB")
    return f"{value:.1f}".removesuffix(".0") + " " + unit
