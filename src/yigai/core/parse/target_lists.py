"""Targets after the per-number stages: lists that share one value or one year (分别, 均, levels, distributive
"每个X建成N所…、每个Y建成M所A和B"), and the review hint each target carries.

A hint names the rule that read the target, the span it read and how sure the reading is; the review page
lists the least sure first. Confidences are coarse on purpose: 0.9 an explicit cue with its own year, lower
for inferred comparators, listed or distributed values, a missing year or indicator, and lowest (≤ 0.5)
for the error-prone cases: a goal inside a 发展基础/现状 passage, a year list whose count does not match
the values, an allocation share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from yigai.core.parse.normalise import canon
from yigai.core.parse.target_clauses import YEAR_PHRASE, clause_start, cue, scope_match
from yigai.core.parse.target_lexicon import (
    EACH,
    EACH_SPLIT,
    LEVEL_NOUN,
    LEVEL_ONLY,
    LIST_BREAK,
    LIST_SEPARATORS,
    LIST_SPLIT,
    OBJECT_CLAUSE,
    OBJECT_LIST_SPLIT,
    OBJECT_LIST_STOP,
    OBJECT_NOUN,
    PER,
    YEAR_IN_LIST,
    YEAR_LIST,
)
from yigai.core.plan import Hint

_PLACE = re.compile(r"[\u4e00-\u9fa5]{1,8}?(?:省|市|县|区|州|盟|旗|新区)")

# Base confidence per rule (see the module docstring); adjusted by year/indicator evidence.
CONFIDENCE = {
    "comparator_cue": 0.9, "count_verb": 0.85, "ratio": 0.85, "service_circle": 0.8, "listed": 0.8,
    "share_prefix": 0.75, "noun_first": 0.7, "inferred_comparator": 0.65, "fund_share": 0.5,
    "goal_in_baseline_passage": 0.4, "year_list_mismatch": 0.4, "place_count": 0.6,
}  # fmt: skip


@dataclass(frozen=True)
class Quantity:
    """Lexical stage: a number that is a quantity, with its unit and the text after it."""

    m: re.Match[str]
    num: str
    unit: str | None
    after: str
    clause: int  # where the number's clause starts
    tail: int = 0  # characters of the unit read after the match ("岁")


@dataclass(frozen=True)
class Comparison:
    """Comparator stage: the relation, the creating verb and what is left of the clause for the name."""

    comparator: str
    verb: str | None
    rest: str
    direct: bool  # a cue or verb stands right before the number
    noun_first: re.Match[str] | None  # "建设互联网医院5家"
    share: re.Match[str] | None  # "90%的乡镇卫生院…"
    rule: str  # the rule named in the review hint


@dataclass(frozen=True)
class Found:
    """A target before ids are assigned (see :class:`yigai.core.plan.Target`)."""

    indicator: str
    comparator: str
    value: int | float
    value_max: int | float | None
    unit: str | None
    per: str | None
    year: int | None
    due: str | None
    recurring: str | None
    scope: str | None
    condition: str | None
    quote: str
    start: int
    hint: Hint | None = None
    group: int = 0  # values listed together ("37%及以上和40%及以上") share a group within a sentence


def hint_for(rule: str, quote: str, *, year_from: str, indicator: str) -> Hint:
    """``year_from``: "text" (the sentence's own date), "carried" (an earlier sentence) or "fallback"."""
    conf = CONFIDENCE.get(rule, 0.6)
    conf -= {"text": 0.0, "carried": 0.05, "fallback": 0.1}.get(year_from, 0.2)
    if not indicator:
        conf -= 0.2
    return Hint(rule=rule, span=quote, confidence=round(max(0.1, min(conf, 1.0)), 2))


def lowered(f: Found, rule: str, cap: float) -> Found:
    old = f.hint.confidence if f.hint else cap
    return replace(f, hint=Hint(rule=rule, span=f.quote, confidence=round(min(old, cap), 2)))


def listed_after(text: str, prev_end: int, start: int) -> bool:
    """Does the number at ``start`` continue the list of the previous one ("35%、25%", "7.5张、3.5人和3.8人")?"""
    between = text[prev_end:start]
    if len(between) > 24 or LIST_BREAK.search(between):
        return False
    if not LIST_SEPARATORS.findall(between):
        return False
    if "，" in between or "," in between:
        return len(between) <= 14 and cue(between)[0] is None
    return True


def each(found: list[Found]) -> list[Found]:
    """ "高血压、糖尿病患者规范管理率均达到65%": one target per listed indicator (均 = each)."""
    out: list[Found] = []
    for f in found:
        hit = EACH.search(canon(f.quote))
        items = [p for p in EACH_SPLIT.split(f.indicator) if p]
        if hit is None or len(items) < 2 or any(len(p) > 12 for p in items[:-1]):
            out.append(f)
            continue
        last = items[-1]
        suffix = last[len(items[0]) :] if len(last) > len(items[0]) else ""
        out.extend(
            replace(f, indicator=(p + suffix) if i < len(items) - 1 else last) for i, p in enumerate(items)
        )
    return out


def borrow_level_nouns(found: list[Found]) -> list[Found]:
    """ "4个国家级、30个省级、70个县级临床重点专科": the last object lends its noun."""
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        cur, nxt = out[i], out[i + 1]
        bare = cur.indicator.removesuffix("数量")
        lm = LEVEL_NOUN.match(nxt.indicator)
        if LEVEL_ONLY.fullmatch(bare) and lm:
            out[i] = replace(cur, indicator=bare + lm.group(2))
        elif LEVEL_ONLY.fullmatch(bare) and nxt.indicator and cur.unit == nxt.unit:
            # "每个市建成2所市级、每个县建成1所危重孕产妇救治中心": the level takes the next object
            out[i] = replace(cur, indicator=bare + nxt.indicator)
    return out


def object_list(text: str, end: int) -> list[str]:
    """Objects listed right after a count ("1个儿童医院、康复医院、传染病专科医院或…"); [] for one."""
    stop = OBJECT_LIST_STOP.search(text, end)
    span = text[end : stop.start() if stop else len(text)]
    parts = [p.strip() for p in OBJECT_LIST_SPLIT.split(span)]
    if len(parts) < 2 or any(
        not 3 <= len(p) <= 16 or not OBJECT_NOUN.search(p) or OBJECT_CLAUSE.search(p) for p in parts
    ):
        return []
    return parts


def spread_objects(found: list[Found]) -> list[Found]:
    """One count target per listed object: "建成1所A和B" → A ≥ 1, B ≥ 1 (the count applies to each)."""
    out: list[Found] = []
    for f in found:
        names = f.indicator.removesuffix("数量")
        prefix = LEVEL_ONLY.match(names)
        head = prefix.group(0) if prefix and not names.startswith(prefix.group(0) + "级") else ""
        parts = object_list(names[len(head) :], 0) if f.unit and f.unit not in ("%", "‰") else []
        if not parts:
            out.append(f)
            continue
        tail = "数量" if f.indicator.endswith("数量") else ""
        out.extend(replace(f, indicator=head + p + tail) for p in parts)
    return out


def year_list_before_semicolon(text: str, has_dates: bool, carried: list[int] | None) -> list[int] | None:
    """The year list that governs the next clause of a "；" enumeration, if any."""
    if not text.rstrip().endswith(("；", ";")):
        return None
    years = YEAR_LIST.match(text)
    if years and text[years.end() : years.end() + 1] in "，,":
        return [int(y) for y in YEAR_IN_LIST.findall(years.group("years"))]
    return carried if not has_dates else None


def distribute(
    text: str, found: list[Found], offset: int, carried_years: list[int] | None = None
) -> list[Found]:
    """Apply a year list ("到2022年和2030年") to each run of listed values, in order, then 分别 over
    indicators or places. A year list whose count matches no run is flagged for review. ``carried_years``:
    the list of the clause before a "；" when this one states no date of its own."""
    if len(found) < 2:
        return found
    years = YEAR_LIST.search(text)
    fenbie = "分别" in text
    ys: list[int] = []
    start = 0
    if years and (fenbie or "至" not in years.group("years")):
        ys, start = [int(y) for y in YEAR_IN_LIST.findall(years.group("years"))], years.start()
    elif years is None and carried_years:
        ys = carried_years
    if ys:
        runs: dict[int, list[int]] = {}
        for i, f in enumerate(found):
            if f.start - offset >= start:
                runs.setdefault(f.group, []).append(i)
        out = list(found)
        matched = False
        for idx in runs.values():
            if len(idx) == len(ys):
                matched = True
                for i, y in zip(idx, ys, strict=True):
                    out[i] = replace(out[i], year=y, due=f"{y}-12-31")
            elif (len(idx) > 1 or fenbie) and years is not None:
                for i in idx:
                    out[i] = lowered(out[i], "year_list_mismatch", CONFIDENCE["year_list_mismatch"])
        if matched or not fenbie:
            return out
        found = out
    if not fenbie:
        return found
    return _fenbie_items(text, found)


def _fenbie_items(text: str, found: list[Found]) -> list[Found]:
    """分别 over the indicators or places listed before it, in order."""
    head_start = clause_start(text, text.index("分别"))
    head = text[head_start : text.index("分别")]
    head = PER.sub("", YEAR_PHRASE.sub("", head))
    scope_m = scope_match(head)
    if scope_m:
        head = head[scope_m.end() + head.startswith("在") :]
    items = [p for p in LIST_SPLIT.split(head) if p]
    if len(items) != len(found):
        if len(items) > 1:  # "A、B、C分别达到80%和90%": the counts do not pair, a person must read it
            return [lowered(f, "fenbie_mismatch", CONFIDENCE["year_list_mismatch"]) for f in found]
        return found
    if all(_PLACE.fullmatch(p) for p in items):
        common = next((f.indicator for f in reversed(found) if f.indicator and f.indicator != head), "")
        return [replace(f, scope=p, indicator=common) for f, p in zip(found, items, strict=True)]
    if all(len(p) <= 2 for p in items[:-1]) and len(items[-1]) > 2:
        suffix = items[-1][1:]
        return [
            replace(
                f,
                indicator=(p + suffix) if i < len(items) - 1 else items[-1],
                scope=p if len(p) <= 2 else items[-1][:1],
            )
            for i, (f, p) in enumerate(zip(found, items, strict=True))
        ]
    return [replace(f, indicator=p.strip()) for f, p in zip(found, items, strict=True)]
