"""Name clean-up, resolution and the ``looks_like_unit`` heuristic over one :class:`Index`.

Resolution order (first hit wins): exact table (aliases of every prefix × body, national names,
placeholders, localities, groups) → trailing 等 → vertical long forms (国家税务总局X市税务局) →
member-group tails (…其他成员单位, …等有关部门) → placeholder + body (各县（市、区）政府) →
development-zone committees (…开发区管委会) → place name + body (廊坊市卫生健康委, 廊坊银保监分局).

>>> from yigai.core.units.schema import load_spec_text
>>> d = UnitDirectory(Index(load_spec_text('''
... schema: yigai.units/1
... prefixes: [{prefix: 市, level: city}]
... departments: [{id: dr, canonical: 发展改革委, aliases: [发改委]}]
... ''')))
>>> d.lookup(" （廊坊市发改委、").canonical
'廊坊市发展改革委'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from yigai.core.units.index import Index, Resolved
from yigai.core.units.schema import Named

_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "﹙": "（", "﹚": "）"})
_EDGE = "、，,；;。.：:！!？?“”\"'‘’·•●-—"
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_BRACKETED = re.compile(r"（[^（）]*）")
_DIGIT = re.compile(r"[0-9０-９]")


@dataclass(frozen=True)
class UnitInfo:
    """What the directory knows about one responsible-unit name."""

    canonical: str
    level: str | None
    kind: str
    as_written: str
    known: bool
    history: tuple[str, ...] = ()
    expands_to: str | None = None


def _balanced_inside(s: str) -> bool:
    """True when the first "（" of ``s`` closes only at its last character."""
    depth = 0
    for i, ch in enumerate(s):
        depth += (ch == "（") - (ch == "）")
        if depth == 0 and i < len(s) - 1:
            return False
    return depth == 0


class UnitDirectory:
    """Lookups over one loaded directory (the module functions use the packaged one)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        h = index.spec.heuristics
        self.h = h
        self._label = _alternation(h.leading_labels, prefix="^", suffix="[:：]?(?=.)")
        self._note = _alternation(h.trailing_notes, prefix="（", suffix="）$")
        self._tails = sorted((*h.group_tails, *h.etc_tails), key=len, reverse=True)
        self._zone = re.compile(
            r"^(?P<head>[\u4e00-\u9fff]{0,16}?)(?P<zone>" + "|".join(map(re.escape, h.zone_words)) + r")"
            r"(?P<paren>（[\u4e00-\u9fff]{1,10}）)?(?P<tail>" + "|".join(map(re.escape, h.zone_tails)) + r")$"
            if h.zone_words and h.zone_tails
            else r"(?!)"
        )
        self._resolve = lru_cache(maxsize=1 << 16)(self._resolve_uncached)
        self.lookup = lru_cache(maxsize=1 << 16)(self._lookup_uncached)

    # ------------------------------------------------------------------ clean-up
    def clean(self, name: str) -> str:
        """Strip whitespace, labels, connectors, role words and stray punctuation; unify brackets."""
        s = _SPACE.sub("", name.translate(_BRACKETS))
        previous = None
        while s != previous:
            previous = s
            s = self._trim_edges(s)
            s = self._label.sub("", s) if self._label else s
            s = self._note.sub("", s) if self._note else s
            s = _strip_words(s, self.h.leading_words, leading=True)
            s = _strip_words(s, self.h.trailing_words, leading=False)
        return s

    @staticmethod
    def _trim_edges(s: str) -> str:
        s = s.strip(_EDGE)
        if s.endswith("）") and s.count("）") > s.count("（"):
            s = s[:-1]
        if s.startswith("（") and s.count("（") > s.count("）"):
            s = s[1:]
        if s.startswith("（") and s.endswith("）") and _balanced_inside(s):
            s = s[1:-1]
        return s

    # ------------------------------------------------------------------ lookup
    def _lookup_uncached(self, name: str) -> UnitInfo:
        cleaned = self.clean(name)
        found = self._resolve(cleaned) if cleaned else None
        if found is not None:
            return UnitInfo(
                found.canonical, found.level, found.kind, name, True, found.history, found.expands_to
            )
        return self._unknown(cleaned, name)

    def canonical(self, name: str) -> str:
        """Shortcut for ``lookup(name).canonical``."""
        return self.lookup(name).canonical

    def _resolve_uncached(self, s: str) -> Resolved | None:
        exact = self.index.exact.get(s)
        if exact is not None:
            return exact
        if s.endswith("等") and len(s) > 1:
            return self._resolve(s[:-1])
        for step in (self._vertical, self._group, self._placeholder, self._zone_committee, self._place):
            found = step(s)
            if found is not None:
                return found
        return None

    def _vertical(self, s: str) -> Resolved | None:
        for v in self.h.vertical:
            if s.startswith(v.parent):
                rest = s[len(v.parent) :]
                for tail, body in v.tails.items():
                    if rest.endswith(tail) and len(rest) > len(tail):
                        return self._resolve(rest[: -len(tail)] + body)
        return None

    def _group(self, s: str) -> Resolved | None:
        for tail in self._tails:
            if s.endswith(tail) and len(s) > len(tail):
                inner = self._resolve(s[: -len(tail)])
                if inner is not None:
                    return Resolved(inner.canonical + tail, inner.level, "group", inner.history)
        return None

    def _placeholder(self, s: str) -> Resolved | None:
        for alias, ph in self.index.placeholders:
            if s.startswith(alias) and len(s) > len(alias):
                found = self._placeholder_body(ph, s[len(alias) :])
                if found is not None:
                    return found
        return None

    def _placeholder_body(self, ph: Named, rest: str) -> Resolved | None:
        if rest in self.h.zone_tails:
            return Resolved(
                ph.canonical + self.h.zone_tails[rest], ph.level, "placeholder", (), ph.expands_to
            )
        pkey = self.index.primary.get(ph.level or "", "")
        dept = self.index.bodies[pkey].get(rest)
        if dept is None:
            return None
        found = self.index.resolve_dept(dept, pkey, ph.canonical, rest)
        return Resolved(found.canonical, ph.level, "placeholder", found.history, ph.expands_to)

    def _zone_committee(self, s: str) -> Resolved | None:
        m = self._zone.match(s)
        if m is None or m["head"] in self.h.place_exclusions or m["head"].startswith("各"):
            return None
        name = m["head"] + m["zone"] + (m["paren"] or "") + self.h.zone_tails[m["tail"]]
        return Resolved(name, "county", "government")

    def place_key(self, rem: str) -> str | None:
        """The level prefix that ends a plausible place name (河北省 → 省), else None."""
        if not _CJK.match(rem) or rem in self.h.place_exclusions or rem.startswith("各"):
            return None
        if any(m in rem for m in self.h.clause_markers):
            return None
        return next((p for p in self.index.prefix_texts if rem.endswith(p) and len(rem) > len(p)), None)

    def _place(self, s: str) -> Resolved | None:
        for i in range(2, len(s) - 1):
            rem, tail = s[:i], s[i:]
            pkey = self.place_key(rem)
            dept = self.index.bodies[pkey].get(tail) if pkey is not None else None
            if dept is not None and pkey is not None:
                return self.index.resolve_dept(dept, pkey, rem, tail)
            dept = self.index.bare_place.get(tail)
            if dept is not None and i <= 4 and self._bare_place_ok(rem):
                level = next(lv for lv in ("province", "city", "county", "national") if lv in dept.canonical)
                return self.index.resolve_dept(dept, self.index.primary.get(level, ""), rem, tail)
        return None

    def _bare_place_ok(self, rem: str) -> bool:
        return bool(_CJK.match(rem)) and rem not in self.h.place_exclusions and not rem.startswith("各")

    # ------------------------------------------------------------------ unknown names
    def _unknown(self, cleaned: str, name: str) -> UnitInfo:
        for alias, ph in self.index.placeholders:
            if cleaned.startswith(alias):
                return UnitInfo(cleaned, ph.level, "placeholder", name, False, (), ph.expands_to)
        pkey = self.place_key(cleaned) if len(cleaned) >= 3 else None
        if pkey is not None:  # a bare place acting as a unit: 廊坊市, 三河市
            return UnitInfo(cleaned, self.index.prefixes[pkey].level, "government", name, False)
        return UnitInfo(cleaned, self._guess_level(cleaned), self._guess_kind(cleaned), name, False)

    def _guess_level(self, s: str) -> str | None:
        if s.startswith(("国家", "中央", "国务院", "全国", "中国")):
            return "national"
        for p in self.index.prefix_texts:
            if s.startswith(p):
                return self.index.prefixes[p].level
        return None

    @staticmethod
    def _guess_kind(s: str) -> str:
        if s.endswith(("政府", "管委会", "管理委员会")):
            return "government"
        if s.endswith(("党委", "党组", "工委", "纪委")) or re.match(r"^(省|市|县|区|州|旗)委", s):
            return "party"
        if s.endswith(
            ("成员单位", "有关部门", "相关部门", "有关单位", "委员会", "领导小组", "专班", "指挥部")
        ):
            return "group"
        if s.endswith(("局", "厅", "委", "办", "部", "署", "办公室")):
            return "department"
        return "other"

    # ------------------------------------------------------------------ heuristics
    def looks_like(self, text: str) -> bool:
        """Is ``text`` plausibly ONE unit name? (directory hit, else suffix and clause heuristics)"""
        s = self.clean(text)
        if not s or len(s) > 40:
            return False
        if self._resolve(s) is not None:
            return True
        outside = _BRACKETED.sub("", s)
        if "、" in outside or "，" in outside or _DIGIT.search(s):
            return False
        if any(m in s for m in self.h.clause_markers) or s.endswith(self.h.non_unit_suffixes):
            return False
        if s.startswith("各") and s.endswith(self.h.placeholder_suffixes):
            return True  # 各级医疗机构, 各医疗卫生机构
        return s.endswith(self.h.unit_suffixes) or (len(s) >= 3 and self.place_key(s) is not None)

    # ------------------------------------------------------------------ listing
    def iter_directory(self) -> Iterator[UnitInfo]:
        """Every current canonical unit, once."""
        seen: set[str] = set()
        for r in self.index.current_entries():
            if r.canonical not in seen:
                seen.add(r.canonical)
                yield UnitInfo(r.canonical, r.level, r.kind, r.canonical, True, r.history, r.expands_to)

    def iter_aliases(self) -> Iterator[tuple[str, str]]:
        """Every enumerated (written name, canonical name) pair, canonical names included."""
        for key, r in self.index.exact.items():
            yield key, r.canonical


def _alternation(words: tuple[str, ...], *, prefix: str, suffix: str) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(f"{prefix}(?:{body}){suffix}")


@lru_cache(maxsize=64)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _strip_words(s: str, words: tuple[str, ...], *, leading: bool) -> str:
    for w in _longest_first(words):
        if s == w:
            return s  # never strip a name down to nothing ("按职责分工负责" stays as it is)
        if leading and s.startswith(w) and len(s) > len(w):
            return s[len(w) :]
        if not leading and s.endswith(w) and len(s) > len(w):
            return s[: -len(w)]
    return s
