"""Word automatic numbering: the "一、", "（一）", "1." that ``paragraph.text`` leaves out.

Policy documents number their headings and items with Word lists, so without this the
engine would see "总体要求" where the reader sees "一、总体要求". The rules follow Word:
counters belong to the abstract numbering definition (two ``w:num`` sharing one continue
each other unless a ``w:startOverride`` restarts them); moving to a level restarts all
deeper levels; ``%2`` in a level's text is level 2's current value in level 2's format.
Best effort: anything unexpected yields no label, never an exception.

>>> format_number(23, "chineseCounting"), format_number(3, "ideographTraditional"), format_number(4, "upperRoman")
('二十三', '丙', 'IV')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    suffix: str = "tab"
    legal: bool = False
    style: str | None = None


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return _chinese(n, _DIGITS, "十百千")
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _chinese(n, _LEGAL_DIGITS, "拾佰仟")
    if fmt in ("ideographTraditional", "ideographZodiac"):
        cycle = _TIANGAN if fmt == "ideographTraditional" else _DIZHI
        return cycle[(n - 1) % len(cycle)] if n > 0 else str(n)
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    return str(n)


def _chinese(n: int, digits: str, units: str) -> str:
    """1 → 一, 10 → 十, 23 → 二十三, 105 → 一百零五 (up to 9999)."""
    if n <= 0 or n > 9999:
        return str(n)
    if 10 <= n < 20:
        return units[0] + (digits[n % 10] if n % 10 else "")
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit:
            out += (digits[0] if zero else "") + digits[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + numeral, n - value
    return out or str(n)


def _val(el: Any, child: str, default: str | None = None) -> str | None:
    found = el.find(W + child) if el is not None else None
    return str(found.get(W + "val", default)) if found is not None else default


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(lvl: Any) -> Level:
    return Level(
        fmt=_val(lvl, "numFmt", "decimal") or "decimal",
        text=_val(lvl, "lvlText", "") or "",
        start=_int(_val(lvl, "start"), 1),
        suffix=_val(lvl, "suff", "tab") or "tab",
        legal=lvl.find(W + "isLgl") is not None,
        style=_val(lvl, "pStyle"),
    )


class Numberer:
    """Label paragraphs in document order: call :meth:`label` once per paragraph."""

    def __init__(self, numbering: Any, styles: Any) -> None:
        self.abstract: dict[str, dict[int, Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    def _load_numbering(self, numbering: Any) -> None:
        for abstract in numbering.iter(W + "abstractNum"):
            levels = {_int(lvl.get(W + "ilvl"), 0): _level(lvl) for lvl in abstract.iter(W + "lvl")}
            self.abstract[str(abstract.get(W + "abstractNumId"))] = levels
        for num in numbering.iter(W + "num"):
            overrides: dict[int, Level] = {}
            starts: dict[int, int] = {}
            for override in num.iter(W + "lvlOverride"):
                ilvl = _int(override.get(W + "ilvl"), 0)
                if override.find(W + "startOverride") is not None:
                    starts[ilvl] = _int(_val(override, "startOverride"), 1)
                lvl = override.find(W + "lvl")
                if lvl is not None:
                    overrides[ilvl] = _level(lvl)
            abstract_id = _val(num, "abstractNumId") or ""
            self.nums[str(num.get(W + "numId"))] = (abstract_id, overrides, starts)

    def _load_styles(self, styles: Any) -> None:
        for style in styles.iter(W + "style"):
            num_pr = style.find(f"{W}pPr/{W}numPr")
            based_on = _val(style, "basedOn")
            style_id = str(style.get(W + "styleId"))
            if num_pr is not None:
                self.style_num[style_id] = (_val(num_pr, "numId"), _val(num_pr, "ilvl"), based_on)
            elif based_on:
                self.style_num[style_id] = (None, None, based_on)

    def label(self, p: Any) -> str:
        """The rendered number of paragraph ``p`` (``""`` when it has none) plus its separator."""
        try:
            return self._label(p)
        except Exception:  # best effort by design: a broken numbering part must not fail the read
            return ""

    def _label(self, p: Any) -> str:
        num_id, ilvl_text, style_id = self._num_pr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides, starts = self.nums[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **overrides}
        ilvl = _int(ilvl_text, -1)
        if ilvl < 0:
            ilvl = next((i for i, lvl in levels.items() if style_id and lvl.style == style_id), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for restart_level, value in starts.items():
                counters[restart_level] = value - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [i for i in counters if i > ilvl]:
            del counters[deeper]
        if level.fmt in ("bullet", "none"):
            return ""
        return _render(level, levels, counters, ilvl)

    def _num_pr(self, p: Any) -> tuple[str | None, str | None, str | None]:
        num_pr = p.find(f"{W}pPr/{W}numPr")
        style_id = _val(p.find(W + "pPr"), "pStyle")
        if num_pr is not None:
            return _val(num_pr, "numId"), _val(num_pr, "ilvl"), style_id
        seen: set[str] = set()
        current = style_id
        while current and current not in seen:
            seen.add(current)
            num_id, ilvl, based_on = self.style_num.get(current, (None, None, None))
            if num_id:
                return num_id, ilvl, current
            current = based_on
        return None, None, None


def _render(level: Level, levels: dict[int, Level], counters: dict[int, int], ilvl: int) -> str:
    def value(match: re.Match[str]) -> str:
        i = int(match[1]) - 1
        other = levels.get(i, Level())
        n = counters.get(i, other.start)
        return format_number(n, "decimal" if level.legal else other.fmt)

    label = _PLACEHOLDER.sub(value, level.text)
    if not label or level.suffix == "nothing" or label[-1] in "、）)．.。:：":
        return label
    return label + " "
