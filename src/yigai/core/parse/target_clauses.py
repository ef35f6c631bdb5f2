"""Clause-level pieces of the target grammar: where a clause starts, the cue before a number, the
scope, the indicator text and the object after a count. Used by :mod:`yigai.core.parse.targets`.
"""

from __future__ import annotations

import re

from yigai.core.parse.dates import DateMention
from yigai.core.parse.target_lexicon import (
    CREATE_VERBS,
    CUES,
    INDICATOR_ASIDE,
    INDICATOR_TRAILING_WORDS,
    OBJECT_NEXT_COUNT,
    OBJECT_SPAN,
    OBJECT_VERB,
    PER,
    SCOPE,
)

SENT = re.compile(r"[^。！？；!?\n]+[。！？；!?]?")
CLAUSE_SEP = "，,：:"
QUOTED = re.compile(r"“[^”]{0,30}”|\"[^\"]{0,30}\"|「[^」]{0,30}」|《[^》]*》|〔[^〕]*〕")
FILLER = re.compile(
    r"^(?:(?:并|且|同时|其中|力争|争取|确保|推动|使|让|将|把|要|均|都|基本|全面|持续|逐步|进一步|"
    r"实现|完成|在|由|按|按照|原则上|以|拥有|和|及|、|，)+)"
)
YEAR_PHRASE = re.compile(
    r"^(?:到|至|于|在|截至)?(?:(?:19|20)\d{2}年?[、和及至-]?)+(?:年)?(?:\d{1,2}月)?(?:底|末)?(?:前|以前)?"
)
CN_ONLY = re.compile(r"^[零〇一二两三四五六七八九十百千]+[万亿]?$")
QUALIFIER_NOUN = re.compile(r"^[^，。；、的]{0,12}?的")


def masked(text: str, dates: list[DateMention]) -> list[bool]:
    mask = [False] * len(text)
    spans = [(d.start, d.end) for d in dates] + [m.span() for m in QUOTED.finditer(text)]
    spans += [m.span() for m in PER.finditer(text)]
    for a, b in spans:
        for i in range(a, min(b, len(text))):
            mask[i] = True
    return mask


_VERBS_LONGEST_FIRST = tuple(sorted(CREATE_VERBS, key=len, reverse=True))


def cue(left: str) -> tuple[str | None, str | None, str]:
    """(comparator, verb, left without them) from the text just before a number."""
    verb = None
    for v in _VERBS_LONGEST_FIRST:
        if left.endswith(v):
            verb, left = v, left[: -len(v)]
            break
    for cue, comp in CUES:
        if left.endswith(cue):
            left = left[: -len(cue)]
            if verb is None:
                for v in _VERBS_LONGEST_FIRST:
                    if left.endswith(v) and len(v) > 1:
                        verb, left = v, left[: -len(v)]
                        break
            return comp, verb, left
    return None, verb, left


NOUN_FIRST = re.compile(
    r"(?:" + "|".join(v for v in sorted(CREATE_VERBS, key=len, reverse=True) if len(v) > 1) + r")"
    r"(?P<noun>[^，。；、\d]{2,16})$"
)


def scope_match(text: str) -> re.Match[str] | None:
    """A leading scope ("全省", "每个县（市、区）"), also after 在 ("在全省建设…")."""
    return SCOPE.match(text[1:] if text.startswith("在") else text)


def clause_start(text: str, pos: int) -> int:
    i = pos
    depth = 0
    while i > 0:
        ch = text[i - 1]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth = max(0, depth - 1)
        elif ch in CLAUSE_SEP and depth == 0:
            break
        i -= 1
    return i


def object_after(text: str, end: int) -> str:
    m = OBJECT_SPAN.match(text[end:])
    obj = m.group(0) if m else ""
    obj = OBJECT_NEXT_COUNT.split(obj)[0]
    obj = OBJECT_VERB.split(obj)[0]
    return obj.rstrip("建设").strip() if obj.endswith("建设") and len(obj) > 4 else obj.strip()


def indicator(left: str) -> str:
    text = YEAR_PHRASE.sub("", left)
    text = PER.sub("", text)
    scope = scope_match(text)
    if scope:
        text = text[scope.end() + text.startswith("在") :]
    text = INDICATOR_ASIDE.sub("", text)
    text = FILLER.sub("", text)
    if (year := YEAR_PHRASE.match(text)) and year.group(0):  # "力争到2025年": a date, not a name
        text = FILLER.sub("", text[year.end() :].lstrip("，"))
    text = INDICATOR_TRAILING_WORDS.sub("", text)
    text = text.strip("，、；：")
    if text.count("“") != text.count("”"):
        text = text.strip("“”")
    return text
