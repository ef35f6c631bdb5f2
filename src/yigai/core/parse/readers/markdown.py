"""Markdown (and Markdown posts carrying HTML, like crawled news articles) to blocks.

Front matter gives ``title_hint``; pipe tables become ``table`` blocks; heading markers,
``**`` emphasis, link syntax and blockquote markers are removed. List markers stay:
"1." and "（一）" are structure for the engine. When the body holds HTML block tags it is
rendered as HTML first, keeping its source line breaks, then the Markdown rules apply to
the text that results.

>>> doc = read_markdown("a.md", "---\\ntitle: 方案\\n---\\n## 一、目标\\n| 指标 | 值 |\\n|---|--:|\\n| 床位 | **5** |")
>>> doc.title_hint, [(b.kind, b.text or b.rows) for b in doc.blocks]
('方案', [('text', '一、目标'), ('table', (('指标', '值'), ('床位', '5')))])
"""

from __future__ import annotations

import html
import re

from yigai.core.parse.blocks import Block, RawDocument
from yigai.core.parse.readers.builder import BlockBuilder
from yigai.core.parse.readers.frontmatter import split_front_matter
from yigai.core.parse.readers.markup import html_to_blocks

_HTML_TAG = re.compile(
    r"</?(?:p|div|br|table|tr|td|th|h[1-6]|ul|ol|li|span|html|body|head|section|article|font|strong)\b[^<>]*>",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_IMAGE_OR_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*(?P<text>.+?)\*\*")  # not __: "____" is a fill-in blank
_ESCAPE = re.compile(r"\\(?P<char>[\\`*_{}\[\]()#+\-.!|>~])")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """At least two recognisable HTML tags: a ``<`` in prose ("<5%") does not count."""
    return len(_HTML_TAG.findall(text, 0, 200_000)) >= 2


def read_markdown(source: str, text: str, *, format: str = "md") -> RawDocument:
    title, body = split_front_matter(text)
    if looks_like_html(body):
        rendered, html_title = html_to_blocks(body, keep_newlines=True)
        title = title or html_title
        builder = BlockBuilder()
        for block in rendered:
            if block.kind == "table":
                builder.add_block(block)
            else:
                _add_markdown(builder, block.text, unescape=False)
        blocks = builder.blocks()
    else:
        blocks = markdown_to_blocks(body)
    return RawDocument(source=source, format=format, blocks=blocks, title_hint=title)


def markdown_to_blocks(text: str) -> tuple[Block, ...]:
    builder = BlockBuilder()
    _add_markdown(builder, text, unescape=True)
    return builder.blocks()


def _add_markdown(builder: BlockBuilder, text: str, *, unescape: bool) -> None:
    lines = text.split("\n")
    i, fenced = 0, False
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            fenced = not fenced
        elif fenced:
            builder.add_line(line)
        elif _is_table_start(lines, i):
            i = _add_table(builder, lines, i, unescape=unescape)
            continue
        elif not (_SETEXT.match(line) and i > 0 and lines[i - 1].strip()):
            builder.add_line(_inline(_line_text(line), unescape=unescape))
        i += 1


def _is_table_start(lines: list[str], i: int) -> bool:
    return (
        "|" in lines[i]
        and i + 1 < len(lines)
        and "-" in lines[i + 1]
        and bool(_DELIMITER_ROW.match(lines[i + 1]))
    )


def _add_table(builder: BlockBuilder, lines: list[str], i: int, *, unescape: bool) -> int:
    rows = [_cells(lines[i], unescape=unescape)]
    i += 2
    while i < len(lines) and lines[i].strip() and "|" in lines[i]:
        rows.append(_cells(lines[i], unescape=unescape))
        i += 1
    builder.add_table(rows)
    return i


def _cells(line: str, *, unescape: bool) -> list[str]:
    line = line.strip()
    line = line.removeprefix("|")
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [
        _inline(_CELL_BREAK.sub("\n", cell.strip()), unescape=unescape) for cell in _CELL_SPLIT.split(line)
    ]


def _line_text(line: str) -> str:
    heading = _HEADING.match(line)
    if heading:
        return heading["text"]
    stripped = line.lstrip(" ")
    while stripped.startswith(">"):
        stripped = stripped[1:].lstrip(" ")
    return stripped if stripped != line.lstrip(" ") else line


def _inline(text: str, *, unescape: bool) -> str:
    text = _IMAGE_OR_LINK.sub(lambda m: m["text"], text)
    text = _EMPHASIS.sub(lambda m: m["text"], text)
    text = _ESCAPE.sub(lambda m: m["char"], text)
    return html.unescape(text) if unescape else text
