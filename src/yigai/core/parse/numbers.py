"""Numbers as policy documents write them: Arabic, Chinese numerals, 万/亿 magnitudes, 百分之.

Conversion is applied only to spans the target grammar has already matched, never to whole
texts, so names such as 二级医院, 三甲 or 十四五 are never turned into numbers.

>>> cn_to_number("十二")
12
>>> cn_to_number("两")
2
>>> cn_to_number("一百二十")
120
>>> parse_number("2万")
20000
>>> parse_number("百分之九十")
90
>>> parse_number("7.5")
7.5
"""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}

CN_NUM_CHARS = "零〇一二两三四五六七八九十百千"
CN_NUMBER = f"[{CN_NUM_CHARS}]+"
ARABIC_NUMBER = r"\d+(?:\.\d+)?"
# A number as written: Arabic (with decimals) or Chinese, optionally with a 万/亿 magnitude.
NUMBER = rf"(?:{ARABIC_NUMBER}|{CN_NUMBER})[万亿]?"


def cn_to_number(text: str) -> int | None:
    """Convert a Chinese numeral (up to 千, with 万/亿 sections) to an int; None if not one."""
    if not text or any(c not in _DIGITS and c not in _UNITS and c not in _BIG for c in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total += (section or 1) * _BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def parse_number(text: str) -> int | float | None:
    """Parse one number as written ("3.47", "十二", "2万", "1.5亿", "百分之九十"); None if not one."""
    text = text.strip()
    if text.startswith("百分之"):
        whole, _, frac = text[3:].partition("点")
        value = cn_to_number(whole)
        if value is None:
            return None
        if frac:
            digits = "".join(str(cn_to_number(c)) for c in frac if cn_to_number(c) is not None)
            return _num(float(f"{value}.{digits}")) if digits else value
        return value
    if text and text[-1] in _BIG and len(text) > 1:
        head = text[:-1]
        if re.fullmatch(ARABIC_NUMBER, head):
            return _num(float(head) * _BIG[text[-1]])
    if re.fullmatch(ARABIC_NUMBER, text):
        return _num(float(text))
    value = cn_to_number(text)
    return value
