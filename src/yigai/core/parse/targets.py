"""Numeric targets: indicator + comparator + value + unit + year (+ per, scope, condition, quote).

A number is a target only when the text makes it a goal: a comparator cue ("不低于", "达到",
"降至", "以上"), a creating verb before a count ("至少建设5家"), an increase ("每年提升1-3个
百分点"), a rate after an indicator ("占比40%"), or a list member of one of these. Numbers that
qualify ("超过50万人口的县", "5000人次以上的大型医院"), name ("“十个常态化”30项举措", 5G,
二级以上), date or describe history are left out; a qualifier becomes the *condition* of the
target it governs. "分别" distributes a list of values over years, indicators or places.

Each number goes through named stages, each reading its words from :mod:`target_lexicon`:
lexical (is it a quantity: not a name, level or magnitude word) → qualifier (is it a condition such as
"超过50万人口的县") → comparator (cue, creating verb, post-modifier, list, direction) → indicator (the
name, bounded by its clause) → scope/year (scope, per-population base, governing year) → tense (a value
dated before the plan or stated in a 发展基础 passage is a baseline). Lists are then resolved in
:mod:`target_lists` (分别, 均, levels, listed objects) and every target carries a review ``Hint``.

>>> ts = find_targets("到2025年底，至少建设5家互联网医院")
>>> [(t.comparator, t.value, t.unit, t.year, t.indicator) for t in ts]
[('>=', 5, '家', 2025, '互联网医院数量')]
>>> ts = find_targets("到2023年、2025年和2027年，5岁以下儿童生长迟缓率分别低于5.5%、5%和4.5%")
>>> [(t.comparator, t.value, t.year) for t in ts]
[('<', 5.5, 2023), ('<', 5, 2025), ('<', 4.5, 2027)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from yigai.core.parse import target_clauses as _tc
from yigai.core.parse.dates import find_dates, recurrence
from yigai.core.parse.normalise import canon
from yigai.core.parse.numbers import parse_number
from yigai.core.parse.target_lexicon import (
    ALLOCATION_AFTER,
    BOUND_OF,
    CIRCLE_AFTER,
    CIRCLE_UNITS,
    CLAUSE_BREAK,
    CN_DIGIT,
    CN_NON_COUNT_UNITS,
    CN_WORD_BEFORE,
    COMPARED_TO,
    CONDITION_TAIL,
    COUNT_UNITS,
    FUND_USE_AFTER,
    GOAL_DATE_BEFORE,
    GOAL_VERB_AFTER,
    HISTORY_BEFORE,
    INDICATOR_TAIL,
    LEVEL_AFTER,
    LEVEL_NAME_AFTER,
    LIFE_YEARS,
    LIST_ITEM,
    NON_TARGET_AFTER,
    NOT_AN_OBJECT_UNITS,
    ONCE_A_PERIOD,
    PEOPLE_UNITS,
    PER,
    PLACE_COUNT_AFTER,
    PLACE_LIST_BEFORE,
    POPULATION_AFTER,
    PROGRAMME_AFTER,
    QUALIFIED_NOUN_AFTER,
    QUANTITY,
    RATIO_NAME,
    SHARE_OF,
    SHARE_SUBJECT,
    SHARE_USE_AFTER,
    SUBJECT,
    THRESHOLD_OF,
)
from yigai.core.parse.target_lists import (
    CONFIDENCE,
    Comparison,
    Found,
    Quantity,
    borrow_level_nouns,
    distribute,
    each,
    hint_for,
    listed_after,
    lowered,
    object_list,
    spread_objects,
    year_list_before_semicolon,
)
from yigai.core.plan import RATIO_UNIT


@dataclass(frozen=True)
class _Context:
    """What the paragraph's place in the document says: the plan's first year (values dated before it
    are baselines) and whether it sits in a 发展基础/现状/成效 passage (past values, goals only when dated
    ahead with 到/力争)."""

    base_year: int | None = None
    baseline: bool = False
    carried_years: list[int] | None = None  # "到2022年和2030年，…；…分别…": the list before a "；"


class _Sentence:
    """Targets of one sentence, with the context carried across it."""

    def __init__(
        self, clean: str, offset: int, year: tuple[int, str] | None, fallback: tuple[int, str] | None,
        context: _Context,
    ):  # fmt: skip
        self.clean = clean
        self.text = canon(clean)
        self.offset = offset
        self.all_dates = find_dates(self.text)
        self.dates = [d for d in self.all_dates if d.kind in ("deadline", "fiveyear")]
        self.mask = _tc.masked(self.text, self.all_dates)
        self.year = year
        self.fallback = fallback
        self.context = context
        self.found: list[Found] = []
        self.conditions: list[tuple[int, str]] = []
        self.shares: set[int] = set()  # clauses opened by a share ("95%以上的…能够提供6类以上…")

    def governing(self, pos: int) -> tuple[int, str] | None:
        before = [d for d in self.dates if d.end <= pos]
        if before:
            d = before[-1]
            return d.year, d.date
        return self.year or self.fallback

    def _year_from(self, pos: int) -> str:
        if any(d.end <= pos for d in self.dates):
            return "text"
        return "carried" if self.year else ("fallback" if self.fallback else "none")

    def run(self) -> list[Found]:
        prev: Found | None = None
        prev_end = -1
        group = 0
        for m in QUANTITY.finditer(self.text):
            if any(self.mask[m.start() : m.end()]) or not m.group("num"):
                continue
            listed = prev_end >= 0 and listed_after(self.text, prev_end, m.start())
            found = self._one(m, prev if listed else None, prev_end if listed else -1)
            if found is not None:
                group += 0 if listed else 1
                found = replace(found, group=group)
                self.found.append(found)
                prev, prev_end = found, m.end()
        found_all = borrow_level_nouns(self.found)
        carried = self.context.carried_years if not self.dates else None
        found_all = distribute(self.text, found_all, self.offset, carried)
        return spread_objects(each(found_all))

    # ---- the stages of one number: lexical → qualifier → comparator → indicator → scope/year ----

    def _one(self, m: re.Match[str], prev: Found | None, prev_end: int) -> Found | None:
        q = self._lexical(m)
        if q is None or self._qualifier_stage(q, prev):
            return None
        if q.unit in CIRCLE_UNITS and (circle := CIRCLE_AFTER.match(q.after)):
            return self._circle(m, circle.end(), q.clause)
        if q.unit is None and (places := self._place_count(q)) is not None:
            return places
        if not self._measured(q):
            return None
        start = q.clause
        if prev_end > start:
            item = prev_end + len(LIST_ITEM.match(self.text[prev_end:]).group(0))  # type: ignore[union-attr]
            left = self.text[item : m.start()]
        else:
            left = self.text[start : m.start()]
        if HISTORY_BEFORE.search(left) or ("对" in left[:4] and "进行" in q.after[:30]):
            return None
        c = self._comparator_stage(q, left, prev)
        if c is None:
            return None
        if c.rule == "share_prefix":
            self.shares.add(q.clause)
        elif q.clause in self.shares and q.unit != "%" and c.rule != "comparator_cue":
            return None  # "95%以上的…能够提供6类以上…": the count describes the share's members
        indicator, post_len = self._indicator_stage(q, c, left, prev)
        found = self._scope_year_stage(q, c, left, prev, indicator, post_len)
        listed = prev is not None and not c.direct and c.rule in ("comparator_cue", "inferred_comparator")
        rule = "listed" if listed else c.rule
        found = replace(
            found, hint=hint_for(rule, found.quote, year_from=self._year_from(m.start()), indicator=indicator)
        )
        return self._tense(found, m.start())

    def _tense(self, f: Found, pos: int) -> Found | None:
        """Section role and tense: a value dated before the plan starts, or stated in a 发展基础/现状 passage
        without a goal date ahead ("力争到2025年"), is a baseline, not a target."""
        base = self.context.base_year
        clause = _tc.clause_start(self.text, pos)
        last = max((d for d in self.all_dates if d.end <= pos), key=lambda d: d.end, default=None)
        if (
            base and last is not None and last.kind == "history" and last.start >= clause and last.year < base
            and self.text.startswith("的", last.end) and not COMPARED_TO.search(self.text[: last.start])
        ):  # fmt: skip
            return None  # "由2015年的76.2岁提高到2020年的78.3岁" (but "较2020年提高5个百分点" is a goal)
        if base and f.year is not None and f.year < base and self._year_from(pos) != "fallback":
            return None  # "2020年，全省居民健康素养水平达到31.7%" in a plan starting 2021
        if not self.context.baseline:
            return f
        own = [d for d in self.dates if d.end <= pos]
        if not own or not GOAL_DATE_BEFORE.search(self.text[: own[-1].start]):
            return None
        return lowered(f, "goal_in_baseline_passage", CONFIDENCE["goal_in_baseline_passage"])

    def _lexical(self, m: re.Match[str]) -> Quantity | None:
        """The number as a quantity, or None for magnitude words, names and levels ("百元", "三级医院")."""
        num, unit = m.group("num"), m.group("unit")
        if m.group("pct1") or num.startswith("百分之"):
            unit = "%"
        after = self.text[m.end() :]
        tail = 0
        if unit is None and after.startswith("岁") and LIFE_YEARS.search(self.text[: m.start()]):
            unit, after, tail = "岁", after[1:], 1  # "人均预期寿命提高到82.25岁": years of life, a goal
        cn_only = bool(_tc.CN_ONLY.match(num))
        if cn_only and not CN_DIGIT.search(num) and num != "十":
            return None  # "百元", "千人": a magnitude word, not a number
        if cn_only and (unit not in COUNT_UNITS or unit in CN_NON_COUNT_UNITS):
            return None
        clause = _tc.clause_start(self.text, m.start())
        if unit == "级" and (
            LEVEL_NAME_AFTER.match(after)
            or (m.group("post") and not _tc.cue(self.text[clause : m.start()])[0])
        ):
            return None
        return Quantity(m=m, num=num, unit=unit, after=after, clause=clause, tail=tail)

    def _qualifier_stage(self, q: Quantity, prev: Found | None) -> bool:
        """True when the number qualifies what a target applies to ("超过50万人口的县"); it is kept as
        the condition of the target that follows."""
        m, text = q.m, self.text
        if m.group("num2") and FUND_USE_AFTER.match(q.after):
            return False  # "60%至70%用于医务人员的薪酬发放": a fund share, not a qualifier
        num_after = text[m.end("num") :]
        population = POPULATION_AFTER.match(num_after) or (q.num.endswith("万") and BOUND_OF.match(num_after))
        if not population:
            left = text[q.clause : m.start()]
            if prev is not None or any(_tc.cue(left)[:2]):
                return False
            if not (
                POPULATION_AFTER.match(q.after)
                or (not q.unit and THRESHOLD_OF.match(q.after))
                or self._qualifier(m, q.after, q.unit or "")
            ):
                return False
        self.conditions.append((m.start(), self._condition_phrase(q.clause, m.end())))
        return True

    def _measured(self, q: Quantity) -> bool:
        """A quantity with a unit that measures something (not a date, an age or an allocation)."""
        m, unit, after = q.m, q.unit, q.after
        if not unit and NON_TARGET_AFTER.match(after):
            return False
        if unit is None and not m.group("ratio"):
            return False
        if _tc.CN_ONLY.match(q.num) and CN_WORD_BEFORE.search(self.text[: m.start()]):
            return False
        if (
            unit == "次"
            and parse_number(q.num) == 1
            and ONCE_A_PERIOD.search(self.text[q.clause : m.start()])
        ):
            return False
        if unit == "级" and not m.group("post") and LEVEL_AFTER.match(after):
            return False
        if unit == "个" and PROGRAMME_AFTER.match(after):
            return False
        if (ALLOCATION_AFTER.match(after) or SHARE_USE_AFTER.match(after)) and not (
            m.group("num2") and FUND_USE_AFTER.match(after)
        ):
            return (
                False  # a single share "不高于50%的比例返还" is policy text; a range "60%至70%用于…" a target
            )
        return parse_number(q.num) is not None

    def _comparator_stage(self, q: Quantity, left: str, prev: Found | None) -> Comparison | None:
        m = q.m
        comp, verb, rest = _tc.cue(left)
        noun_first = None if (comp or verb) else _tc.NOUN_FIRST.search(left)
        direct = comp is not None or verb is not None
        share = SHARE_OF.match(q.after) if q.unit == "%" else None
        if share and not direct and not m.group("post"):
            comp = ">="
        if m.group("num2") and FUND_USE_AFTER.match(q.after):
            comp = "range"
        if comp is None and verb is None and m.group("ratio") and RATIO_NAME.search(left.rstrip("为是")):
            comp = "="  # "医护比1:1.25"
        if share is None and q.unit == "%" and not direct and not _tc.indicator(left):
            share = SHARE_SUBJECT.match(q.after)  # "50%以上旗区级综合医院达到三级医院服务能力"
        cue_comp = comp
        comparator = _tc.comparator_of(
            self.text, comp, verb, m, q.unit, left, prev.comparator if prev else None
        )
        if comparator is None and noun_first is not None and q.unit in COUNT_UNITS:
            comparator = ">=" if not m.group("num2") else "range"
        if comparator is None:
            return None
        rule = (
            "fund_share" if m.group("num2") and FUND_USE_AFTER.match(q.after)
            else "ratio" if m.group("ratio")
            else "share_prefix" if share
            else "noun_first" if noun_first is not None
            else "comparator_cue" if cue_comp is not None
            else "count_verb" if verb is not None
            else "inferred_comparator"
        )  # fmt: skip
        return Comparison(comparator, verb, rest, direct, noun_first, share, rule)

    def _indicator_stage(self, q: Quantity, c: Comparison, left: str, prev: Found | None) -> tuple[str, int]:
        """The indicator's name, bounded by the clause, and how far the quote runs past the number."""
        m, text, unit = q.m, self.text, q.unit
        cond = self._condition_for(m.start())
        rest = c.rest
        if cond and canon(cond) in rest:
            rest = rest.split(canon(cond), 1)[1]
        indicator = _tc.indicator(rest if c.direct else left)
        if left.endswith("占比"):
            indicator = _tc.indicator(left)
        if c.noun_first is not None:
            indicator = c.noun_first.group("noun")
        if prev is not None and not c.direct:
            indicator = _tc.indicator(left) or prev.indicator
        if c.share:
            indicator = CLAUSE_BREAK.split(c.share.group("what"))[0] + "比例"
        if (use := FUND_USE_AFTER.match(q.after)) and m.group("num2"):
            indicator = (indicator or "资金").split("用于")[0] + use.group("use") + "比例"
        obj_len = 0
        if unit in COUNT_UNITS and unit not in NOT_AN_OBJECT_UNITS:
            obj = _tc.object_after(text, m.end())
            if obj and (c.verb is not None or not indicator or prev is not None):
                indicator = obj + ("数量" if not INDICATOR_TAIL.search(obj) else "")
                if text.startswith(obj, m.end()):
                    obj_len = len(obj)
                if len(listed := object_list(text, m.end())) > 1 and listed[0] == obj:
                    indicator = "、".join(listed) + "数量"  # one target per object (spread_objects)
                    obj_len = len("、".join(listed))
        if not indicator and c.verb:
            indicator = c.verb + ("人数" if unit in PEOPLE_UNITS else "数量")
        if not indicator and prev is not None:
            indicator = prev.indicator
        if not indicator and (subject := SUBJECT.match(_tc.YEAR_PHRASE.sub("", text))):
            indicator = subject.group("name")  # "人均预期寿命由…提高到…，力争到2025年提高到82.25岁"
        return indicator, q.tail + (len(c.share.group(0)) if c.share else obj_len)

    def _scope_year_stage(
        self, q: Quantity, c: Comparison, left: str, prev: Found | None, indicator: str, post_len: int
    ) -> Found:
        m, text = q.m, self.text
        start = q.clause
        value = parse_number(q.num)
        assert value is not None  # checked by _measured
        unit = "百分点" if q.unit in ("个百分点", "百分点") else q.unit
        value_max = parse_number(m.group("num2")) if m.group("num2") else None
        if m.group("ratio"):
            ratio = float(m.group("ratio"))
            value, unit = (ratio if value == 1 else round(ratio / float(value), 4)), RATIO_UNIT
        per = self._per(start, m.start()) or (prev.per if prev else None)
        scope_m = _tc.scope_match(_tc.YEAR_PHRASE.sub("", PER.sub("", left)))
        if scope_m is None and prev is None:
            scope_m = _tc.scope_match(_tc.YEAR_PHRASE.sub("", PER.sub("", text[start : m.start()])))
        scope = scope_m.group(0) if scope_m else (prev.scope if prev else self._sentence_scope(m.start(), q))
        gov = self.governing(m.start())
        recurring = recurrence(text[start : m.end()]) or (prev.recurring if prev else None)
        q_start = self._quote_start(start)
        return Found(
            indicator=indicator,
            comparator=c.comparator,
            value=value,
            value_max=value_max,
            unit=unit,
            per=per,
            year=gov[0] if gov else None,
            due=gov[1] if gov else None,
            recurring=recurring,
            scope=scope,
            condition=self._condition_for(m.start()),
            quote=self.clean[q_start : m.end() + post_len],
            start=self.offset + q_start,
        )

    def _qualifier(self, m: re.Match[str], after: str, unit: str | None) -> bool:
        post = m.group("post")
        if unit in ("%", "‰") and not ALLOCATION_AFTER.match(after) and SHARE_OF.match(after):
            return False  # "90%的乡镇卫生院达到…" is a share target
        if post and QUALIFIED_NOUN_AFTER.match(after):
            return True
        return bool(_tc.QUALIFIER_NOUN.match(after)) and not GOAL_VERB_AFTER.match(after)

    def _condition_phrase(self, start: int, end: int) -> str:
        tail = CONDITION_TAIL.match(self.text[end:])
        stop = end + (tail.end() if tail else 0)
        return self.clean[start:stop]

    def _condition_for(self, pos: int) -> str | None:
        """A qualifier of the same clause, or a preceding clause that is nothing but the qualifier."""
        start = _tc.clause_start(self.text, pos)
        for p, cond in reversed(self.conditions):
            if p >= pos:
                continue
            if p >= start:
                return cond
            before = self.text[:start].rstrip("，,")
            return cond if before.endswith(canon(cond)) and len(cond) <= 20 else None
        return None

    def _circle(self, m: re.Match[str], length: int, start: int) -> Found:
        """ "15分钟医疗服务圈", "1小时救治圈": a time-to-service standard (≤ N)."""
        end = m.end() + length
        gov = self.governing(m.start())
        return Found(
            indicator=self.clean[m.end() : end], comparator="<=", value=parse_number(m.group("num")) or 0,
            value_max=None, unit=m.group("unit"), per=None, year=gov[0] if gov else None,
            due=gov[1] if gov else None, recurring=None, scope=self._sentence_scope(m.start()), condition=None,
            quote=self.clean[self._quote_start(start) : end], start=self.offset + start,
            hint=hint_for("service_circle", self.clean[start:end], year_from=self._year_from(m.start()),
                          indicator="圈"),
        )  # fmt: skip

    def _place_count(self, q: Quantity) -> Found | None:
        """ "石家庄、秦皇岛、张家口3市继续保持…称号": at least N of the places listed (T22)."""
        after = PLACE_COUNT_AFTER.match(q.after)
        if after is None or not PLACE_LIST_BEFORE.search(self.text[q.clause : q.m.start()]):
            return None
        tail = CLAUSE_BREAK.search(self.text, q.m.end())
        end = tail.start() if tail else len(self.text)
        gov = self.governing(q.m.start())
        quote = self.clean[self._quote_start(q.clause) : end]
        return Found(
            indicator=self.clean[q.m.end() + 1 : end] + "的" + after.group("unit") + "数", comparator=">=",
            value=parse_number(q.num) or 0, value_max=None, unit=after.group("unit"), per=None,
            year=gov[0] if gov else None, due=gov[1] if gov else None, recurring=None, scope=None, condition=None,
            quote=quote, start=self.offset + q.clause,
            hint=hint_for("place_count", quote, year_from=self._year_from(q.m.start()), indicator="places"),
        )  # fmt: skip

    def _per(self, start: int, end: int) -> str | None:
        pers = [p for p in PER.finditer(self.text, start, end)]
        return pers[-1].group(0) if pers else None

    def _sentence_scope(self, pos: int, q: Quantity | None = None) -> str | None:
        m = _tc.scope_match(PER.sub("", _tc.YEAR_PHRASE.sub("", self.text[:pos])).lstrip("，"))
        if m is None:
            return None
        # "每个乡镇卫生院至少配备2名…，完成20个乡镇卫生院提质升级": a count of the scope's own noun is a
        # total, not one more figure for each of them.
        each = _EACH.match(m.group(0))
        return None if each and q and q.after.startswith(each.group(1)) else m.group(0)

    def _quote_start(self, start: int) -> int:
        if start > 0:
            prev = _tc.clause_start(self.text, start - 1)
            if _tc.YEAR_PHRASE.fullmatch(self.text[prev : start - 1]) and self.text[prev : start - 1]:
                return prev
        return start


_EACH = re.compile(r"^每(?:个|所|家|一个)?(.{2,})$")


def find_targets(
    clean: str, *, fallback_year: int | None = None, fallback_due: str | None = None, offset: int = 0,
    base_year: int | None = None, baseline: bool = False,
) -> list[Found]:  # fmt: skip
    """All targets in a paragraph (clean text). ``fallback_*``: table-row deadline or plan end;
    ``base_year``: the plan's first year (earlier dated values are baselines); ``baseline``: the paragraph
    is in a 发展基础/现状/成效 passage."""
    out: list[Found] = []
    carried: tuple[int, str] | None = None
    fallback = (fallback_year, fallback_due or f"{fallback_year}-12-31") if fallback_year else None
    context = _Context(base_year=base_year, baseline=baseline)
    for sm in _tc.SENT.finditer(clean):
        sent = _Sentence(sm.group(0), offset + sm.start(), carried, fallback, context)
        out.extend(sent.run())
        governing = [d for d in sent.dates if sent.text[d.end : d.end + 1] in "，,"]
        if governing:
            carried = (governing[-1].year, governing[-1].date)
        carried_years = year_list_before_semicolon(sent.text, bool(sent.dates), context.carried_years)
        if carried_years != context.carried_years:
            context = replace(context, carried_years=carried_years)
    return out
