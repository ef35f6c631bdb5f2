"""Clause-level pieces of the target grammar: where a clause starts, the cue before a number, the
scope, the indicator text and the object after a count. Used by :mod:`yigai.core.parse.targets`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from yigai.core.parse.dates import DateMention
from yigai.core.parse.target_lexicon import (
    BAD_DIRECTION,
    CREATE_VERBS,
    CUES,
    GOAL_AFTER,
    INDICATOR_ASIDE,
    INDICATOR_TAIL,
    INDICATOR_TRAILING_WORDS,
    NO_COMPARATOR_VERB_RATES,
    NORM_VERBS,
    OBJECT_NEXT_COUNT,
    OBJECT_SPAN,
    OBJECT_VERB,
    PER,
    SCOPE,
    SCOPE_ONLY,
    TIME_UNITS,
)

T = TypeVar("T")
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


def _by_length(words: Iterable[tuple[str, T]]) -> tuple[tuple[int, dict[str, T]], ...]:
    """Words grouped by length, longest first: a suffix test is then one slice and one dict look-up per
    length instead of one ``endswith`` per word (two words of one length cannot both end a text, so
    the longest-first order of the old scan is kept exactly)."""
    groups: dict[int, dict[str, T]] = {}
    for word, value in words:
        groups.setdefault(len(word), {}).setdefault(word, value)
    return tuple(sorted(groups.items(), reverse=True))


_VERB_SUFFIXES = _by_length((v, v) for v in _VERBS_LONGEST_FIRST)
_VERB_SUFFIXES_2 = tuple(g for g in _VERB_SUFFIXES if g[0] > 1)
_CUE_SUFFIXES = _by_length(CUES)


def _suffix(left: str, groups: tuple[tuple[int, dict[str, T]], ...]) -> tuple[str, T] | None:
    for n, words in groups:
        if n <= len(left) and (value := words.get(left[-n:])) is not None:
            return left[-n:], value
    return None


def cue(left: str) -> tuple[str | None, str | None, str]:
    """(comparator, verb, left without them) from the text just before a number."""
    verb = None
    if found := _suffix(left, _VERB_SUFFIXES):
        verb, left = found[0], left[: -len(found[0])]
    if found := _suffix(left, _CUE_SUFFIXES):
        cue, comp = found
        left = left[: -len(cue)]
        if verb is None and (found := _suffix(left, _VERB_SUFFIXES_2)):
            verb, left = found[0], left[: -len(found[0])]
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


def comparator_of(
    text: str, comp: str | None, verb: str | None, m: re.Match[str], unit: str | None, left: str,
    prev_comparator: str | None,
) -> str | None:  # fmt: skip
    """Comparator stage: the relation a number states, from its cue, creating verb, post-modifier
    ("以上", "以内", "左右"), the list it continues, or an indicator's direction ("死亡率" falls)."""
    rng = m.group("num2") is not None
    post = m.group("post")
    if verb in ("增设", "新增") and comp in (None, ">="):
        return "increase_by"
    if comp in ("inc", "dec"):
        return "increase_by" if comp == "inc" else "decrease_by"
    if post in ("以上", "及以上"):
        comp = ">=" if comp in (None, "=", ">=") else comp
    elif post in ("以下", "及以下", "以内", "之内", "内"):
        comp = "<=" if comp in (None, "=", "<=") else comp
    elif post in ("左右", "上下"):
        comp = "="
    if comp is None and verb is not None:
        comp = "=" if verb in NORM_VERBS else ">="
        if unit in ("%", "/10万") and verb in NO_COMPARATOR_VERB_RATES:
            comp = None
    if comp is None and prev_comparator is not None:
        comp = prev_comparator
        if prev_comparator == "range" and not rng:
            comp = "=" if any(v in text[: m.start()] for v in NORM_VERBS) else ">="
    if (
        comp is None
        and unit in ("%", "‰", "/10万", "/万", "/千")
        and INDICATOR_TAIL.search(left.rstrip("为是"))
    ):
        comp = "<=" if BAD_DIRECTION.search(left) else ">="
    if (
        comp is None
        and unit not in TIME_UNITS
        and not left.strip(SCOPE_ONLY)
        and GOAL_AFTER.match(text[m.end() :])
    ):
        comp = ">="
    if comp is None:
        return None
    if rng and comp not in ("increase_by", "decrease_by"):
        return "range"
    return comp
