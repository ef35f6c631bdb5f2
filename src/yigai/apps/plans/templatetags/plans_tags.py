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


#: The extractor's rule codes (core/parse, :class:`yigai.core.plan.Hint`) as the reader calls them. A task's
#: code is "<how it was found>/<what its units were>" ("numbered_item/unknown_unit"): each part has a label.
HINT_RULES = {
    # tasks: how the item was found, then what its units were
    "numbered_item": gettext_lazy("编号条目"),
    "table_row": gettext_lazy("表格行"),
    "paragraph": gettext_lazy("段落"),
    "units": gettext_lazy("已识别责任单位"),
    "unknown_unit": gettext_lazy("含名录外单位（请核对）"),
    "no_units": gettext_lazy("未识别责任单位（请指定）"),
    # targets: which stage of the target grammar decided it
    "comparator_cue": gettext_lazy("比较词（达到、不低于等）"),
    "count_verb": gettext_lazy("数量动词（建成、设置等）"),
    "ratio": gettext_lazy("比值目标"),
    "service_circle": gettext_lazy("服务圈目标"),
    "listed": gettext_lazy("并列目标（沿用前一指标）"),
    "share_prefix": gettext_lazy("比例目标（百分比在前）"),
    "noun_first": gettext_lazy("指标名在前"),
    "inferred_comparator": gettext_lazy("推断的比较关系（请核对）"),
    "fund_share": gettext_lazy("资金比例区间（请核对）"),
    "goal_in_baseline_passage": gettext_lazy("现状段落中的目标（请核对）"),
    "year_list_mismatch": gettext_lazy("年份与数值个数不符（请核对）"),
    "fenbie_mismatch": gettext_lazy("“分别”对应不上（请核对）"),
    "place_count": gettext_lazy("地名计数"),
    "indicator_table": gettext_lazy("指标表格"),
    # either: read from a scanned line Tesseract was unsure of
    "ocr_low_confidence": gettext_lazy("扫描件识别置信度低（请对照原件核对）"),
}


@register.filter
def hint_rule(code: str) -> str:
    """A hint's rule in the reader's language, part by part; a code this version does not know is
    "其他识别规则"."""
    parts = [HINT_RULES.get(part) for part in (code or "").split("/")]
    if not parts or any(p is None for p in parts):
        return _("其他识别规则")
    return " · ".join(str(p) for p in parts)
