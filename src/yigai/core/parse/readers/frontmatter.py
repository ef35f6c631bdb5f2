"""YAML front matter (``---`` … ``---`` at the top of a Markdown/Hexo/Jekyll post).

Only ``title:`` matters to us, so a line regex is enough and a broken header can never
fail the read.

>>> split_front_matter("\\n---\\ntitle: '河北：六项举措'\\ndate: 2021\\n---\\n正文")
('河北：六项举措', '正文')
>>> split_front_matter("--- 不是前言\\n正文")
(None, '--- 不是前言\\n正文')
"""

from __future__ import annotations

import re

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?P<head>(?:.*\n){0,200}?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*\s*:", re.MULTILINE)
_TITLE = re.compile(r"^title\s*:[ \t]*(?P<value>.*?)[ \t]*$", re.MULTILINE | re.IGNORECASE)


def has_front_matter(text: str) -> bool:
    match = _FRONT_MATTER.match(text)
    return bool(match and _KEY_LINE.search(match["head"]))


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return ``(title, body)``; the text is unchanged when there is no front matter."""
    match = _FRONT_MATTER.match(text)
    if not match or not _KEY_LINE.search(match["head"]):
        return None, text
    title_match = _TITLE.search(match["head"])
    title = _unquote(title_match["value"]) if title_match else None
    return title or None, text[match.end() :]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'").strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').strip()
    return value.strip()
