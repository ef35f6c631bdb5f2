"""Suggest the catalogue indicator for a target extracted from a plan, with a score the owner can judge.

The extractor keeps the words of the document ("全省每千人口床位数", per "每千人口", unit "张"); the
catalogue has names and aliases. The score combines the similarity of names (exact, containment,
character bigrams) with agreement of the per-capita base and of the unit; the plan owner confirms.

>>> from yigai.core.plan import Target
>>> t = Target(id="G6", task_id=None, indicator="床位数", comparator=">=", value=7.5, unit="张",
...            quote="", per="每千人口", year=2025, scope="全省")
>>> best = suggest(t)[0]
>>> best.code, best.score
('BEDS_PER_1000', 1.0)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from yigai.core.indicators.catalogue import Catalogue, Indicator, default_catalogue
from yigai.core.plan import RATIO_UNIT, Target

_SCOPE_PREFIX = re.compile(r"^(全省|全市|全县|全区|各市|各县|全国)")
_DROP = re.compile(r"[\s“”\"'‘’「」、，,。的]")
_PER = re.compile(r"^每?(千|万|十万|百)人口?$")
_GENERIC_SUFFIX = re.compile(
    r"(数量|数)$"
)  # "…医院数量" shares no meaning with "…医院数量" beyond the suffix
_UNIT_SAME = {"/10万": "1/10万", "每10万": "1/10万", "所": "家", "个": "家", "1:N": RATIO_UNIT}


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float
    matched: str  # the name or alias that matched best


@lru_cache(maxsize=4096)  # the catalogue's names are normalised once, not once per target (plan page)
def normalise(text: str) -> str:
    """Fold widths, drop quotes, punctuation and a leading scope ("全省", "全市").

    >>> normalise("全市 “两癌”筛查覆盖率（%）")
    '两癌筛查覆盖率(%)'
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SCOPE_PREFIX.sub("", _DROP.sub("", folded))


def normalise_per(per: str | None) -> str | None:
    """'千人口', '每千人' → '每千人口'; other bases ("每100万至200万人口") are kept as written."""
    if not per:
        return None
    text = normalise(per)
    m = _PER.match(text)
    return f"每{m.group(1)}人口" if m else text


@lru_cache(maxsize=4096)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset((text,))


def similarity(a: str, b: str) -> float:
    """1 for equal, 0.6-0.95 when one contains the other, else the bigram Dice coefficient.

    >>> similarity("县域内就诊率", "县域内就诊率"), round(similarity("县域就诊率", "县域内就诊率"), 2)
    (1.0, 0.67)
    """
    if a == b:
        return 1.0
    short, long = sorted((a, b), key=len)
    stem_a, stem_b = _GENERIC_SUFFIX.sub("", a) or a, _GENERIC_SUFFIX.sub("", b) or b
    dice = 2 * len(_bigrams(stem_a) & _bigrams(stem_b)) / (len(_bigrams(stem_a)) + len(_bigrams(stem_b)))
    contained = 0.6 + 0.35 * len(short) / len(long) if short and short in long else 0.0
    return max(dice, contained)


def _query(target: Target) -> tuple[str, str | None]:
    text = normalise(target.indicator)
    per = normalise_per(target.per)
    if (
        per
        and not text.startswith(per)
        and per.startswith("每")
        and per.endswith("人口")
        and "人口" not in text
    ):
        text = per + text
    return text, per


def _score(ind: Indicator, text: str, per: str | None, unit: str | None) -> tuple[float, str]:
    best, matched = max((similarity(text, normalise(n)), n) for n in ind.names)
    if per is not None:
        best += 0.1 if ind.per == per else -0.2
    elif ind.per is not None and "每" not in text:
        best -= 0.15  # "公立医院床位数 5000张" is a count, not the per-capita indicator
    if unit:
        mine, theirs = _UNIT_SAME.get(unit, unit), _UNIT_SAME.get(ind.unit, ind.unit)
        if RATIO_UNIT in (mine, theirs) and mine != theirs:
            best -= 0.3  # a 1:N target compares on N: only a ratio indicator (value N) can hold it
        elif "%" in (mine, theirs) and mine != theirs:
            best -= 0.15
        elif mine == theirs:
            best += 0.05
    return round(min(1.0, max(0.0, best)), 3), matched


def suggest(
    target: Target, catalogue: Catalogue | None = None, *, limit: int = 3, min_score: float = 0.6
) -> list[Suggestion]:
    """The best ``limit`` indicators for a target, highest score first; empty when nothing scores ``min_score``."""
    cat = catalogue or default_catalogue()
    text, per = _query(target)
    scored = []
    for ind in cat.indicators.values():
        score, matched = _score(ind, text, per, target.unit)
        if score >= min_score:
            scored.append(Suggestion(ind.code, ind.name, score, matched))
    scored.sort(key=lambda s: (-s.score, s.code))
    return scored[:limit]
