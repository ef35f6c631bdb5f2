"""Targets, values and formulas as people write them — the one place every page, API, CLI and briefing
formats them, so no one reads a code (``#{CANCER_5Y_SURVIVAL} ÷ 1``) or a comparator token
(``increase_by 1–3 %``).

>>> target_text("increase_by", 1, value_max=3, unit="%", recurring="yearly")
'每年提高1–3个百分点'
>>> target_text(">=", 3.5, unit="人", year=2025)
'不低于3.5人（2025年）'
>>> target_text(">=", 1.2, unit="比")  # a ratio target: value N of 1:N (core/plan.py)
'不低于1:1.2'
>>> from yigai.core.indicators.catalogue import default_catalogue
>>> cat = default_catalogue()
>>> formula_text(cat.indicator("PHYSICIANS_PER_1000"), cat)
'年末执业（助理）医师数 ÷ 年末常住人口数 × 1000'
>>> formula_text(cat.indicator("CANCER_5Y_SURVIVAL"), cat)
'癌症5年生存率（登记报告值）'
"""

from __future__ import annotations

from yigai.core.indicators.catalogue import Catalogue, Indicator
from yigai.core.indicators.expressions import ElementRef, Expr, IndicatorRef, Negate, Number
from yigai.core.plan import RATIO_UNIT, ratio_text

COMPARATOR_WORDS = {">=": "不低于", "<=": "不高于", ">": "高于", "<": "低于", "=": "达到"}
PERCENT = "%"


def number_text(value: float, decimals: int | None = None) -> str:
    """A number without trailing zeros or exponent: ``3.5``, ``1000``, ``0.45``.

    >>> number_text(3.50), number_text(1_000_000.0), number_text(2.0 / 3), number_text(3.456, 2)
    ('3.5', '1000000', '0.6667', '3.46')
    """
    text = f"{value:.{4 if decimals is None else decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_text(value: float | None, unit: str | None, decimals: int | None = None) -> str:
    """A measured or projected value with its unit; a ratio as 1:N; no value as "—".

    >>> value_text(96.456, "%", 2), value_text(1.1834, "比", 2), value_text(None, "张")
    ('96.46%', '1:1.18', '—')
    """
    if value is None:
        return "—"
    if unit == RATIO_UNIT:
        return ratio_text(float(number_text(value, decimals)))
    return f"{number_text(value, decimals)}{unit or ''}"


def _amount(value: float, value_max: float | None, unit: str | None) -> str:
    one = ratio_text if unit == RATIO_UNIT else number_text
    if value_max is None or value_max == value:
        return one(value)
    return f"{one(value)}–{one(value_max)}"


def target_text(
    comparator: str, value: float | None, *, value_max: float | None = None, unit: str | None = None,
    recurring: str | None = None, relative: bool = False, year: int | None = None,
) -> str:  # fmt: skip
    """A target as a plan says it: ``不低于7.5张``, ``每年提高1–3个百分点``, ``保持在85%–95%``.

    A change of a percentage is in 百分点 (percentage points) unless ``relative`` (then in %).

    >>> target_text("decrease_by", 5, unit="%", relative=True), target_text("range", 85, value_max=95, unit="%")
    ('降低5%', '保持在85–95%')
    """
    if value is None:
        return "—"
    amount = _amount(value, value_max, unit)
    suffix = "" if unit == RATIO_UNIT else (unit or "")
    if comparator in ("increase_by", "decrease_by"):
        if unit == PERCENT and not relative:
            suffix = "个百分点"
        elif relative:
            suffix = PERCENT
        text = ("提高" if comparator == "increase_by" else "降低") + amount + suffix
        text = ("每年" if recurring else "") + text
    elif comparator == "range":
        text = f"保持在{amount}{suffix}"
    else:
        text = f"{COMPARATOR_WORDS.get(comparator, comparator)}{amount}{suffix}"
    return f"{text}（{year}年）" if year else text


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SYMBOL = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def _expr_text(expr: Expr, catalogue: Catalogue, outer: int = 0, right: bool = False) -> str:
    if isinstance(expr, Number):
        return number_text(expr.value)
    if isinstance(expr, ElementRef):
        element = catalogue.data_elements.get(expr.code)
        name = element.name if element else expr.code
        option = element.option(expr.option) if element and expr.option else None
        return f"{name}（{option.name}）" if option else name
    if isinstance(expr, IndicatorRef):
        found = catalogue.indicators.get(expr.code)
        return found.name if found else expr.code
    if isinstance(expr, Negate):
        return "−" + _expr_text(expr.operand, catalogue, 3)
    mine = _PRECEDENCE[expr.op]
    text = (
        f"{_expr_text(expr.left, catalogue, mine)} {_SYMBOL[expr.op]} "
        f"{_expr_text(expr.right, catalogue, mine, right=True)}"
    )
    return f"（{text}）" if mine < outer or (right and mine == outer) else text


def formula_text(indicator: Indicator, catalogue: Catalogue) -> str:
    """``分子 ÷ 分母 × 系数`` in words (the catalogue's numerator/denominator texts, else the element names);
    a count (denominator 1) is its numerator alone; a percentage ends ``× 100%``."""
    is_one = isinstance(indicator.denominator_expr, Number) and indicator.denominator_expr.value == 1
    numerator = indicator.numerator_text or _expr_text(
        indicator.numerator_expr, catalogue, 0 if is_one else 2
    )
    text = numerator
    if not is_one:
        denominator = indicator.denominator_text or _expr_text(
            indicator.denominator_expr, catalogue, 2, right=True
        )
        text = f"{numerator} ÷ {denominator}"
    if indicator.factor != 1:
        text += f" × {indicator.factor}" + (
            PERCENT if indicator.unit == PERCENT and indicator.factor == 100 else ""
        )
    return text


__all__ = ["COMPARATOR_WORDS", "formula_text", "number_text", "target_text", "value_text"]
