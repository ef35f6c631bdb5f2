"""Text normalisation: join hard-wrapped lines, drop artefacts, and a 1:1 canonical form for matching.

Two views of the same text are kept everywhere in the extractor:

* the **clean** text: the document's own characters with layout whitespace removed — quotes are
  cut from it, so a quote is an exact span of the source once whitespace is removed;
* the **canonical** text, ``canon(clean)``: the same length, character for character, with
  full-width digits and letters made half-width and bracket/colon/dash variants unified, so that
  patterns need to know one spelling only. Offsets found in one are valid in the other.

>>> canon("（责任单位:市卫生健康委）达到７５％")
'（责任单位：市卫生健康委）达到75%'
>>> clean_line("2021 年底前，启动 4 个省级中心")
'2021年底前，启动4个省级中心'
"""

from __future__ import annotations

import re
from collections import Counter

_FULL = "０１２３４５６７８９％．：；，（）［］＜＞～－＋／"
_HALF = "0123456789%.：；，（）［］<>~-+/"
_MAP = {ord(f): h for f, h in zip(_FULL, _HALF, strict=True)}
# Letters A–Z, a–z in full width.
_MAP.update({0xFF21 + i: chr(0x41 + i) for i in range(26)})
_MAP.update({0xFF41 + i: chr(0x61 + i) for i in range(26)})
# Half-width brackets and colons become the full-width forms policy documents mostly use.
_MAP.update({ord("("): "（", ord(")"): "）", ord(":"): "：", ord(";"): "；"})
# Dashes between numbers ("1—3", "1-3", "1–3", "1~3") all read as "-"; "—" stays 1:1.
_MAP.update({ord(c): "-" for c in "—–‐‑−－―"})
_MAP.update({ord("～"): "~", ord("〜"): "~"})
_MAP[ord("﹢")] = "+"
_MAP.update({ord("∶"): "：", ord("︰"): "："})  # the ratio colon of "1∶1.2"
_MAP[ord("\u3000")] = " "


_MAP = {k: v for k, v in _MAP.items() if chr(k) != v}  # identities ("，" → "，") cost a look-up each
# Most lines need no change at all: one regex scan (C speed) is far cheaper than translate's per-character
# dictionary look-up, which was the engine's largest single cost on a large document.
_CHANGES = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_MAP)) + "]")


def canon(text: str) -> str:
    """Return a same-length canonical spelling of ``text`` (see module docstring)."""
    return text.translate(_MAP) if _CHANGES.search(text) else text


_ASCII_WORD = re.compile(r"[A-Za-z0-9.%]")
_WS = re.compile(r"[ \t\u3000\u00a0\u2002-\u200b\ufeff]+")
_ARTEFACTS = re.compile(r"\[bookmark: [^\]]*\]|<!--.*?-->")


def clean_line(line: str) -> str:
    """Strip a line and drop whitespace except a single space between two Latin words.

    >>> clean_line("  DIP (按病种分值付费)  Smart  Hospital ")
    'DIP(按病种分值付费)Smart Hospital'
    """
    line = _ARTEFACTS.sub("", line)
    parts = _WS.split(line.strip())
    out = parts[0] if parts else ""
    for part in parts[1:]:
        if not part:
            continue
        if (
            out
            and _ASCII_WORD.match(out[-1])
            and part[0].isalpha()
            and part[0].isascii()
            and out[-1].isalpha()
        ):
            out += " " + part
        else:
            out += part
    return out


_TERMINAL = tuple("。！？；：”）)")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}[.．、](?!\d)|"
    r"[（(]\d{1,3}[）)]|[①-⑳]|附件\s*\d*|专栏\s*\d+|第[一二三四五六七八九十百]+[章节部分条]|——|"
    r"[\u4e00-\u9fa5]{1,12}[〔\[［【]\s*(?:19|20)\d{2}\s*[〕\]］】]\s*\d{1,4}\s*号\s*$)"
)


def starts_block(line: str) -> bool:
    """Does this line open a new heading, numbered item, annex or bullet?"""
    return bool(_HEADING_START.match(line.strip()))


_NARROW = re.compile("[\u0000-\u2e7f]")  # below the CJK radicals: Latin, digits, punctuation


def width(line: str) -> int:
    """The printed width of a line in full-width characters: digits and Latin letters are half as wide.

    A line wrapped by a page holds fewer Chinese characters when it carries numbers
    ("到2027年，县域内就诊率达到90%以上…" wraps at 43 characters where plain text wraps at 40).

    >>> width("到2027年，就诊率达到90%以上"), width("一、总体要求")
    (14, 6)
    """
    half = _NARROW.subn("", line)[1]
    return len(line) - half + (half + 1) // 2


def _wrap_width(lines: list[str]) -> int | None:
    """The hard-wrap width of PDF-extracted text, or None if lines are whole paragraphs.

    A PDF's text comes as lines of nearly equal (printed) width; a Word export gives one
    paragraph a line, of every length. Wrapped when one width (±1) covers 30 % of non-blank lines.
    """
    lengths = [width(ln.strip()) for ln in lines if ln.strip()]
    if len(lengths) < 8:
        return None
    counts = Counter(lengths)
    best, cover = 0, 0
    for n in counts:
        c = counts[n - 1] + counts[n] + counts[n + 1]
        if c > cover:
            best, cover = n, c
    if best >= 15 and cover >= 0.3 * len(lengths):
        return best
    return None


# A short line ending in a genre word is a title of its own ("…2025年重点工作实施方案"), not a sentence
# the page broke: the paragraph after it is not joined to it.
_TITLE_END = re.compile(r"(?:方案|规划|意见|通知|清单|办法|计划|要点)(?:[（(][^（()）]{4,16}[)）])?$")


def join_wrapped(lines: list[str]) -> list[str]:
    """Join lines broken inside sentences (PDF hard wraps); keep real paragraph breaks.

    Blank lines are dropped in wrapped text (PDF page and line spacing), kept as ``""``
    otherwise. A line is continued when it reaches the wrap width and the next line does not
    open a heading, or when it ends without punctuation and the next line starts with
    closing material (a unit, a digit glued to a classifier: "12\\n\\n个"), or when it is long and ends
    without punctuation (unless it ends like a title).
    """
    wrap = _wrap_width(lines)
    if wrap is None:
        return [ln.rstrip("\n") for ln in lines]
    out: list[str] = []
    joining = False
    for raw in lines:
        stripped = raw.strip()
        if not stripped:
            continue
        if joining and out and not starts_block(stripped):
            out[-1] = out[-1] + stripped
        else:
            out.append(stripped)
        printed = width(stripped)
        joining = printed >= wrap - 3 or (
            printed >= 0.6 * wrap and not stripped.endswith(_TERMINAL) and not _TITLE_END.search(stripped)
        )
    return out


_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—\-－–―]+\s*\d{1,4}\s*[—\-－–―]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)


def is_page_number(line: str) -> bool:
    """A page number line left by a PDF conversion ("— 3 —", "-3-", "第3页", "3/12").

    >>> is_page_number("— 2 —"), is_page_number("2025年")
    (True, False)
    """
    return bool(_PAGE_NUMBER.match(line))


def clean_text_lines(text: str) -> list[str]:
    """Raw text → cleaned lines (page numbers dropped, wraps joined, whitespace inside lines removed)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [ln for ln in lines if not is_page_number(ln)]
    return [clean_line(ln) for ln in join_wrapped(lines)]


_WS_ALL = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """Remove every whitespace character (the form in which quotes are compared)."""
    return _WS_ALL.sub("", text)
