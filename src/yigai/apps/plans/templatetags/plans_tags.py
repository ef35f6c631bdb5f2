"""Display helpers for plan pages: the quote highlighted in its passage, warnings in the reader's language,
the plan period as written."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

#: The extractor writes warnings as "中文（english）：details"; the reader gets the part in their language.
_BILINGUAL = re.compile(r"（(?P<en>[a-z][a-z ,'-]+)）")


@register.filter
def highlight(passage: str, quote: str) -> SafeString:
    """The passage, escaped, with the first occurrence of ``quote`` in ``<mark>``."""
    text, quote = passage or "", (quote or "").strip()
    at = text.find(quote) if quote else -1
    if at < 0:
        return conditional_escape(text)
    before, after = text[:at], text[at + len(quote) :]
    return mark_safe(  # nosec B308 B703  # every part escaped
        f"{conditional_escape(before)}<mark>{conditional_escape(quote)}</mark>{conditional_escape(after)}"
    )


@register.filter
def warning_text(warning: str) -> str:
    """ "文件可能不完整（document may be truncated）：…" → "文件可能不完整：…" in Chinese; in English the
    English label, then the details (quotes of the document stay as written)."""
    m = _BILINGUAL.search(warning or "")
    if m is None:
        return warning
    if (get_language() or "zh-hans").startswith("en"):
        rest = warning[m.end() :].lstrip("：: ")
        return f"{m['en'][0].upper()}{m['en'][1:]}" + (f": {rest}" if rest else "")
    return warning[: m.start()] + warning[m.end() :]


@register.simple_tag
def period_text(start: int | None, end: int | None) -> str:
    """The plan period as the document states it: "2023—2027年", "至2025年", "2024年起", or "—"."""
    if start and end and start == end:
        return _("%(end)s年") % {"end": end}
    if start and end:
        return _("%(start)s—%(end)s年") % {"start": start, "end": end}
    if end:
        return _("至%(end)s年") % {"end": end}
    if start:
        return _("%(start)s年起") % {"start": start}
    return "—"
