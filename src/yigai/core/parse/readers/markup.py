"""HTML to blocks with the standard library's tolerant ``html.parser``.

Rendering follows what a reader sees in a browser: ``<script>``, ``<style>``, ``<head>`` and
comments vanish, block-level tags break lines, entities are unescaped, and each outermost
``<table>`` becomes a ``table`` block whose span-continuation cells are ``""``. Nested tables
are flattened into their cell's text.

>>> blocks, title = html_to_blocks("<h1>通知</h1><p>第一条&#12290;</p><table><tr><td colspan=2>甲</td></tr></table>")
>>> title, [(b.kind, b.text or b.rows) for b in blocks]
('通知', [('text', '通知\\n第一条。'), ('table', (('甲', ''),))])
"""

from __future__ import annotations

from html.parser import HTMLParser

from yigai.core.parse.blocks import Block
from yigai.core.parse.readers.builder import BlockBuilder
from yigai.core.parse.readers.html_tables import SPACES, HtmlTable

_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
))  # fmt: skip
_HIDDEN_TAGS = frozenset(
    ("head", "script", "style", "template", "noscript", "iframe", "object", "svg", "math", "select")
)
_VOID_TAGS = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
))  # fmt: skip
_MAX_COLSPAN = 100


class _Renderer(HTMLParser):
    def __init__(self, *, keep_newlines: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.builder = BlockBuilder()
        self.parts: list[str] = []
        self.hidden: list[str] = []
        self.tables: list[HtmlTable] = []
        self.pre = 0
        self.title: list[str] | None = None
        self.h1: list[str] | None = None
        self.titles: dict[str, str] = {}

    # -- tags -----------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and "title" not in self.titles:
            self.title = []
        if tag == "body" and self.hidden[:1] == ["head"]:
            self.hidden = []  # an unclosed <head> ends where the body starts
        if self.hidden or tag in _HIDDEN_TAGS:
            if tag not in _VOID_TAGS:
                self.hidden.append(tag)
            return
        if tag == "h1" and "h1" not in self.titles:
            self.h1 = []
        if tag == "pre":
            self.pre += 1
        if self._table_tag_start(tag, dict(attrs)):
            return
        if tag == "br":
            self._emit("\n")
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title is not None:
            self.titles["title"] = SPACES.sub(" ", "".join(self.title)).strip()
            self.title = None
        if self.hidden:
            if tag in self.hidden:
                while self.hidden.pop() != tag:
                    pass
            return
        if tag == "h1" and self.h1 is not None:
            self.titles["h1"] = SPACES.sub(" ", "".join(self.h1)).strip()
            self.h1 = None
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if self._table_tag_end(tag):
            return
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
        if self.hidden:
            return
        if self.h1 is not None:
            self.h1.append(data)
        if not self.pre:
            data = data.replace("\xa0", " ")
            if self.tables or not self.keep_newlines:
                data = SPACES.sub(" ", data)
        self._emit(data)

    # -- tables ---------------------------------------------------------------------------
    def _table_tag_start(self, tag: str, attrs: dict[str, str | None]) -> bool:
        if tag == "table":
            if self.tables:
                self._emit("\n")  # nested: flattened into the outer cell
                self.tables.append(HtmlTable())
                return True
            self._break()
            self.tables.append(HtmlTable())
            return True
        if not self.tables:
            return False
        nested = len(self.tables) > 1
        if tag == "tr":
            if nested:
                self._emit("\n")
            else:
                self.tables[0].start_row()
            return True
        if tag in ("td", "th"):
            if nested:
                self._emit(" ")
            else:
                self.tables[0].start_cell(
                    _span(attrs.get("colspan"), _MAX_COLSPAN), _span(attrs.get("rowspan"))
                )
            return True
        return tag in ("thead", "tbody", "tfoot", "colgroup", "col", "caption")

    def _table_tag_end(self, tag: str) -> bool:
        if not self.tables:
            return False
        if tag == "table":
            table = self.tables.pop()
            if not self.tables:
                caption = SPACES.sub(" ", "".join(table.caption)).strip()
                if caption:
                    self.builder.add_line(caption)
                self.builder.add_table(table.grid())
            return True
        if tag in ("td", "th") and len(self.tables) == 1:
            self.tables[0].end_cell()
        return tag in ("td", "th", "tr", "thead", "tbody", "tfoot", "colgroup", "caption")

    # -- output ---------------------------------------------------------------------------
    def _emit(self, text: str) -> None:
        if self.tables:
            outer = self.tables[0]
            (outer.cell if outer.cell is not None else outer.caption).append(text)
        else:
            self.parts.append(text)

    def _break(self) -> None:
        if self.tables:
            self._emit("\n")
            return
        text = "".join(self.parts)
        self.parts = []
        if text.strip():
            self.builder.add_text(text)

    def result(self) -> tuple[tuple[Block, ...], str | None]:
        while self.tables:
            self._table_tag_end("table")
        self._break()
        blocks = tuple(
            Block(kind="text", text=_tidy(b.text, collapse=not self.keep_newlines)) if b.kind == "text" else b
            for b in self.builder.blocks()
        )
        return blocks, self.titles.get("h1") or self.titles.get("title") or None


def html_to_blocks(html: str, *, keep_newlines: bool = False) -> tuple[tuple[Block, ...], str | None]:
    """Render HTML to blocks; returns ``(blocks, title from <h1> or <title>)``.

    ``keep_newlines`` treats line breaks in the source text as real (Markdown with inline
    HTML); otherwise they are ordinary HTML white space.
    """
    renderer = _Renderer(keep_newlines=keep_newlines)
    renderer.feed(html)
    renderer.close()
    return renderer.result()


def _span(value: str | None, limit: int = 10_000) -> int:
    try:
        return min(max(int((value or "1").strip()), 1), limit)
    except ValueError:
        return 1


def _tidy(text: str, *, collapse: bool) -> str:
    """Trailing spaces off every line, at most one blank line in a row."""
    lines = [line.rstrip(" \t") for line in text.split("\n")]
    if collapse:
        lines = [line.lstrip(" ") for line in lines]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
