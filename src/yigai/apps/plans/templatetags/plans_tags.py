"""Display helpers for plan pages: the quote highlighted in its passage, warnings in the reader's language,
the plan period as written."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
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


#: The extractor's rule codes (core/parse, :class:`yigai.core.plan.Hint`) as the reader calls them.
HINT_RULES = {
    "unit_tag": gettext_lazy("责任单位标注"),
    "unit_column": gettext_lazy("表格中的责任单位列"),
    "numbered_item": gettext_lazy("编号条目"),
    "table_row": gettext_lazy("表格行"),
    "paragraph": gettext_lazy("段落"),
    "deadline": gettext_lazy("完成时限"),
    "ratio": gettext_lazy("比值目标"),
    "share": gettext_lazy("比例目标"),
    "count": gettext_lazy("数量目标"),
    "target": gettext_lazy("量化目标"),
    "listed": gettext_lazy("并列目标（沿用前一指标）"),
    "distributive": gettext_lazy("分别对应的目标"),
    "baseline": gettext_lazy("基线值"),
    "cross_reference": gettext_lazy("引用其他条款"),
}


@register.filter
def hint_rule(code: str) -> str:
    """A hint's rule in the reader's language; a code this version does not know is "其他识别规则"."""
    label = HINT_RULES.get(code or "")
    return str(label) if label is not None else _("其他识别规则")
