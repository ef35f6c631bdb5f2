"""Numeric targets: indicator + comparator + value + unit + year (+ per, scope, condition, quote).

A number is a target only when the text makes it a goal: a comparator cue ("不低于", "达到",
"降至", "以上"), a creating verb before a count ("至少建设5家"), an increase ("每年提升1-3个
百分点"), a rate after an indicator ("占比40%"), or a list member of one of these. Numbers that
qualify ("超过50万人口的县", "5000人次以上的大型医院"), name ("“十个常态化”30项举措", 5G,
二级以上), date or describe history are left out; a qualifier becomes the *condition* of the
target it governs. "分别" distributes a list of values over years, indicators or places.

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

from yigai.core.parse.dates import find_dates, recurrence
from yigai.core.parse.normalise import canon
from yigai.core.parse.numbers import parse_number
from yigai.core.parse.target_clauses import (
    CN_ONLY as _CN_ONLY,
)
from yigai.core.parse.target_clauses import (
    NOUN_FIRST as _NOUN_FIRST,
)
from yigai.core.parse.target_clauses import (
    QUALIFIER_NOUN as _QUALIFIER_NOUN,
)
from yigai.core.parse.target_clauses import (
    SENT as _SENT,
)
from yigai.core.parse.target_clauses import (
    YEAR_PHRASE as _YEAR_PHRASE,
)
from yigai.core.parse.target_clauses import (
    clause_start as _clause_start,
)
from yigai.core.parse.target_clauses import (
    cue as _cue,
)
from yigai.core.parse.target_clauses import (
    indicator as _indicator,
)
from yigai.core.parse.target_clauses import (
    masked as _masked,
)
from yigai.core.parse.target_clauses import (
    object_after as _object_after,
)
from yigai.core.parse.target_clauses import (
    scope_match as _scope_match,
)
from yigai.core.parse.target_lexicon import (
    ALLOCATION_AFTER,
    BAD_DIRECTION,
    COUNT_UNITS,
    INDICATOR_TAIL,
    NON_TARGET_AFTER,
    NORM_VERBS,
    PER,
    QUANTITY,
    YEAR_LIST,
)


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


class _Sentence:
    """Targets of one sentence, with the context carried across it."""

    def __init__(
        self, clean: str, offset: int, year: tuple[int, str] | None, fallback: tuple[int, str] | None
    ):
        self.clean = clean
        self.text = canon(clean)
        self.offset = offset
        self.dates = [d for d in find_dates(self.text) if d.kind in ("deadline", "fiveyear")]
        self.all_dates = find_dates(self.text)
        self.mask = _masked(self.text, self.all_dates)
        self.year = year
        self.fallback = fallback
        self.found: list[Found] = []
        self.conditions: list[tuple[int, str]] = []

    def governing(self, pos: int) -> tuple[int, str] | None:
        before = [d for d in self.dates if d.end <= pos]
        if before:
            d = before[-1]
            return d.year, d.date
        return self.year or self.fallback

    def run(self) -> list[Found]:
        prev: Found | None = None
        prev_end = -1
        for m in QUANTITY.finditer(self.text):
            if any(self.mask[m.start() : m.end()]) or not m.group("num"):
                continue
            listed = prev_end >= 0 and self._listed(prev_end, m.start())
            found = self._one(m, prev if listed else None, prev_end if listed else -1)
            if found is not None:
                self.found.append(found)
                prev, prev_end = found, m.end()
        return self._each(self._distribute(self._borrow_level_nouns(self.found)))

    def _each(self, found: list[Found]) -> list[Found]:
        """ "高血压、糖尿病患者规范管理率均达到65%": one target per listed indicator (均 = each)."""
        out: list[Found] = []
        for f in found:
            each = re.search(
                r"均(?:达到|不低于|不少于|低于|高于|超过|为|控制在|保持在|提高到|提高至|降至|降到)",
                canon(f.quote),
            )
            items = [p for p in re.split(r"[、和及]", f.indicator) if p]
            if each is None or len(items) < 2 or any(len(p) > 12 for p in items[:-1]):
                out.append(f)
                continue
            last = items[-1]
            suffix = last[len(items[0]) :] if len(last) > len(items[0]) else ""
            out.extend(
                replace(f, indicator=(p + suffix) if i < len(items) - 1 else last)
                for i, p in enumerate(items)
            )
        return out

    def _listed(self, prev_end: int, start: int) -> bool:
        between = self.text[prev_end:start]
        if len(between) > 24 or re.search(r"[。；：]", between):
            return False
        seps = re.findall(r"[、和及与，,]", between)
        if not seps:
            return False
        if "，" in between or "," in between:
            return len(between) <= 14 and _cue(between)[0] is None
        return True

    def _one(self, m: re.Match[str], prev: Found | None, prev_end: int) -> Found | None:
        text = self.text
        num, unit = m.group("num"), m.group("unit")
        if m.group("pct1") or num.startswith("百分之"):
            unit = "%"
        after = text[m.end() :]
        if _CN_ONLY.match(num) and not re.search("[零〇一二两三四五六七八九]", num) and num != "十":
            return None  # "百元", "千人": a magnitude word, not a number
        if _CN_ONLY.match(num) and (unit not in COUNT_UNITS or unit in ("级", "类", "批", "种", "期", "次")):
            return None
        if unit == "级" and (
            re.match(r"^(?:以上|及以上)?的?[^，。；]{0,2}(?:医院|医疗|公立|综合|甲等|乙等|专科)", after)
            or (m.group("post") and not _cue(text[_clause_start(text, m.start()) : m.start()])[0])
        ):
            return None
        clause0 = _clause_start(text, m.start())
        num_after = text[m.end("num") :]
        if re.match(r"^万?(?:常住)?人口|^万(?:以上|以下|及以上|及以下)?的", num_after) or (
            m.group("num").endswith("万") and re.match(r"^(?:以上|以下|及以上|及以下)?的", num_after)
        ):
            self.conditions.append((m.start(), self._condition_phrase(clause0, m.end())))
            return None
        if (
            prev is None
            and not _cue(text[clause0 : m.start()])[0]
            and not _cue(text[clause0 : m.start()])[1]
            and (
                re.match(r"^万?(?:常住)?人口", after)
                or (not unit and re.match(r"^万?(?:以上|以下|及以上|及以下)?的", after))
                or self._qualifier(m, after, unit or "")
            )
        ):
            self.conditions.append((m.start(), self._condition_phrase(clause0, m.end())))
            return None
        circle = re.match(r"^[^，。；、\d]{0,10}?圈", after) if unit in ("分钟", "小时") else None
        if circle:
            return self._circle(m, circle.end(), clause0)
        if not unit and NON_TARGET_AFTER.match(after):
            return None
        if unit is None and not m.group("ratio"):
            return None
        if _CN_ONLY.match(num) and (unit not in COUNT_UNITS or unit in ("级", "类", "批", "种", "期", "次")):
            return None
        if _CN_ONLY.match(num) and re.search(r"(?:第|之|统|唯|万|单)$", text[: m.start()]):
            return None
        if (
            unit in ("级",)
            and not m.group("post")
            and re.match(r"^[^，。；]{0,3}(?:医院|以上|及以上)", after)
        ):
            return None
        if ALLOCATION_AFTER.match(after) or re.match(r"^(?:[%‰])?(?:的比例|用于)", after):
            return None
        value = parse_number(num)
        if value is None:
            return None
        start = _clause_start(text, m.start())
        if prev_end > start:
            item = prev_end + len(re.match(r"[^、和及与，,]*[、和及与，,]?", text[prev_end:]).group(0))  # type: ignore[union-attr]
            left = text[item : m.start()]
        else:
            left = text[start : m.start()]
        comp, verb, rest = _cue(left)
        noun_first = None if (comp or verb) else _NOUN_FIRST.search(left)
        post = m.group("post")
        direct = comp is not None or verb is not None
        if re.search(r"以前建设的$|以来|现有$|已有$|已建成?的?$", left) or (
            "对" in left[:4] and "进行" in after[:30]
        ):
            return None
        obj_len = 0
        share = unit == "%" and re.match(r"^(?:及以上|以上)?的(?P<what>[^，。；]{1,30})", after)
        if share and not direct and not post:
            comp = ">="
        comparator = self._comparator(comp, verb, post, m, unit, left, rest, prev)
        if comparator is None and noun_first is not None and unit in COUNT_UNITS:
            comparator = ">=" if not m.group("num2") else "range"
        if comparator is None:
            return None
        cond = self._condition_for(m.start())
        if cond and canon(cond) in rest:
            rest = rest.split(canon(cond), 1)[1]
        indicator = _indicator(rest if direct else left)
        if left.endswith("占比"):
            indicator = _indicator(left)
        if noun_first is not None:
            indicator = noun_first.group("noun")
        if prev is not None and not direct:
            indicator = _indicator(left) or prev.indicator
            own = unit == "%" and not left.strip() and _OWN_SUBJECT.match(after)
            if own:  # "，50%以上旗区级综合医院达到…": the clause names its own subject after the number
                indicator = own.group("what") + "比例"
        if share:
            indicator = re.split(r"[，。；]", share.group("what"))[0] + "比例"
        if unit in COUNT_UNITS and unit not in (
            "个百分点",
            "百分点",
            "平方米",
            "分钟",
            "小时",
            "级",
            "倍",
            "天",
        ):
            obj = _object_after(text, m.end())
            if obj and (verb is not None or not indicator or prev is not None):
                indicator = obj + ("数量" if not INDICATOR_TAIL.search(obj) else "")
                if text.startswith(obj, m.end()):
                    obj_len = len(obj)
        if not indicator and verb:
            indicator = verb + ("人数" if unit in ("人", "名", "人次") else "数量")
        unit = "百分点" if unit in ("个百分点", "百分点") else unit
        value_max = parse_number(m.group("num2")) if m.group("num2") else None
        if m.group("ratio"):
            ratio = float(m.group("ratio"))
            value, unit = (ratio if value == 1 else round(ratio / float(value), 4)), "1:N"
        per = self._per(start, m.start()) or (prev.per if prev else None)
        scope_m = _scope_match(_YEAR_PHRASE.sub("", PER.sub("", left)))
        if scope_m is None and prev is None:
            scope_m = _scope_match(_YEAR_PHRASE.sub("", PER.sub("", text[start : m.start()])))
        scope = scope_m.group(0) if scope_m else (prev.scope if prev else self._sentence_scope(m.start()))
        gov = self.governing(m.start())
        clause = text[start : m.end()]
        recurring = recurrence(clause) or (prev.recurring if prev else None)
        q_start = self._quote_start(start)
        post_len = len(share.group(0)) if share else obj_len
        return Found(
            indicator=indicator or (prev.indicator if prev else ""),
            comparator=comparator,
            value=value,
            value_max=value_max,
            unit=unit,
            per=per,
            year=gov[0] if gov else None,
            due=gov[1] if gov else None,
            recurring=recurring,
            scope=scope,
            condition=cond,
            quote=self.clean[q_start : m.end() + post_len],
            start=self.offset + q_start,
        )

    def _comparator(
        self, comp: str | None, verb: str | None, post: str | None, m: re.Match[str], unit: str | None,
        left: str, rest: str, prev: Found | None,
    ) -> str | None:  # fmt: skip
        rng = m.group("num2") is not None
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
            if unit in ("%", "/10万") and verb in ("实现", "完成", "覆盖", "开展"):
                comp = None
        if comp is None and prev is not None:
            comp = prev.comparator
            if prev.comparator == "range" and not rng:
                norm = any(v in self.text[: m.start()] for v in NORM_VERBS)
                comp = "=" if norm else ">="
        if (
            comp is None
            and unit in ("%", "‰", "/10万", "/万", "/千")
            and INDICATOR_TAIL.search(left.rstrip("为是"))
        ):
            comp = "<=" if BAD_DIRECTION.search(left) else ">="
        if (
            comp is None
            and unit not in ("分钟", "小时", "天")
            and not left.strip("每个全省市县区")
            and re.match(
                r"^[^，。；]{0,16}?(?:力争|争取|创建|达到|建成|实现|保持|进入|通过)", self.text[m.end() :]
            )
        ):
            comp = ">="
        if comp is None:
            return None
        if rng and comp not in ("increase_by", "decrease_by"):
            return "range"
        return comp

    def _qualifier(self, m: re.Match[str], after: str, unit: str | None) -> bool:
        post = m.group("post")
        if (
            unit in ("%", "‰")
            and not ALLOCATION_AFTER.match(after)
            and re.match(r"^(?:及以上|以上)?的", after)
        ):
            return False  # "90%的乡镇卫生院达到…" is a share target
        if post and re.match(r"^[^，。；]{0,12}?的", after):
            return True
        return bool(_QUALIFIER_NOUN.match(after)) and not re.match(
            r"^[^，。；的]{0,12}?(?:达到|建成|建设)", after
        )

    def _condition_phrase(self, start: int, end: int) -> str:
        tail = re.match(r"[^，。；]*?的[^，。；至有建设达应均]{0,10}", self.text[end:])
        stop = end + (tail.end() if tail else 0)
        return self.clean[start:stop]

    def _condition_for(self, pos: int) -> str | None:
        """A qualifier of the same clause, or a preceding clause that is nothing but the qualifier."""
        start = _clause_start(self.text, pos)
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
        )  # fmt: skip

    def _per(self, start: int, end: int) -> str | None:
        pers = [p for p in PER.finditer(self.text, start, end)]
        return pers[-1].group(0) if pers else None

    def _sentence_scope(self, pos: int) -> str | None:
        m = _scope_match(PER.sub("", _YEAR_PHRASE.sub("", self.text[:pos])).lstrip("，"))
        return m.group(0) if m else None

    def _quote_start(self, start: int) -> int:
        if start > 0:
            prev = _clause_start(self.text, start - 1)
            if _YEAR_PHRASE.fullmatch(self.text[prev : start - 1]) and self.text[prev : start - 1]:
                return prev
        return start

    def _borrow_level_nouns(self, found: list[Found]) -> list[Found]:
        """ "4个国家级、30个省级、70个县级临床重点专科": the last object lends its noun."""
        out = list(found)
        for i in range(len(out) - 2, -1, -1):
            cur, nxt = out[i], out[i + 1]
            bare = cur.indicator.removesuffix("数量")
            lm = re.match(r"^(.{0,6}?级)(.+)$", nxt.indicator)
            if re.fullmatch(r".{0,6}级", bare) and lm:
                out[i] = replace(cur, indicator=bare + lm.group(2))
        return out

    def _distribute(self, found: list[Found]) -> list[Found]:
        """Apply 分别: values in order over a list of years, or of indicators / places."""
        if "分别" not in self.text or len(found) < 2:
            return found
        years = YEAR_LIST.search(self.text[: self.text.index("分别")])
        if years:
            ys = [int(y) for y in re.findall(r"(?:19|20)\d{2}", years.group("years"))]
            if len(ys) == len(found):
                return [replace(f, year=y, due=f"{y}-12-31") for f, y in zip(found, ys, strict=True)]
        head_start = _clause_start(self.text, self.text.index("分别"))
        head = self.text[head_start : self.text.index("分别")]
        head = PER.sub("", _YEAR_PHRASE.sub("", head))
        scope_m = _scope_match(head)
        if scope_m:
            head = head[scope_m.end() + head.startswith("在") :]
        items = [p for p in re.split(r"[、和及与]", head) if p]
        if len(items) != len(found):
            return found
        if all(_PLACE.fullmatch(p) for p in items):
            common = next((f.indicator for f in reversed(found) if f.indicator and f.indicator != head), "")
            return [replace(f, scope=p, indicator=common) for f, p in zip(found, items, strict=True)]
        if all(len(p) <= 2 for p in items[:-1]) and len(items[-1]) > 2:
            suffix = (
                items[-1][len(items[-1]) - len(items[-1].lstrip("省市县区乡村城镇农")) :] or items[-1][1:]
            )
            suffix = items[-1][1:] if len(items[-1]) > 1 else suffix
            return [
                replace(
                    f,
                    indicator=(p + suffix) if i < len(items) - 1 else items[-1],
                    scope=p if len(p) <= 2 else items[-1][:1],
                )
                for i, (f, p) in enumerate(zip(found, items, strict=True))
            ]
        return [replace(f, indicator=p.strip()) for f, p in zip(found, items, strict=True)]


#: A share whose subject follows the number: "50%以上旗区级综合医院达到三级医院服务能力".
_OWN_SUBJECT = re.compile(
    r"^(?:及以上|以上)?的?(?P<what>[\u4e00-\u9fff]{2,12}?)(?:达到|实现|具备|建成|开展|设置)"
)
_PLACE = re.compile(r"[\u4e00-\u9fa5]{1,8}?(?:省|市|县|区|州|盟|旗|新区)")
_GOVERNING = re.compile(r"^(?:到|至|于|在|截至)?((?:19|20)\d{2})年(?:\d{1,2}月)?(?:底|末)?(?:前|以前)?[，,]")


def find_targets(
    clean: str, *, fallback_year: int | None = None, fallback_due: str | None = None, offset: int = 0
) -> list[Found]:
    """All targets in a paragraph (clean text). ``fallback_*``: table-row deadline or plan end."""
    out: list[Found] = []
    carried: tuple[int, str] | None = None
    fallback = (fallback_year, fallback_due or f"{fallback_year}-12-31") if fallback_year else None
    for sm in _SENT.finditer(clean):
        sent = _Sentence(sm.group(0), offset + sm.start(), carried, fallback)
        out.extend(sent.run())
        governing = [d for d in sent.dates if sent.text[d.end : d.end + 1] in "，,"]
        if governing:
            carried = (governing[-1].year, governing[-1].date)
    return out
