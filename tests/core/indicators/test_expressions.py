"""The expression language: tokens, precedence, errors with positions, evaluation, SQL, cycles."""

from __future__ import annotations

import pytest

from yigai.core.indicators.expressions import (
    BinOp,
    CycleError,
    ElementRef,
    ExpressionError,
    IndicatorRef,
    Negate,
    Number,
    dependency_order,
    element_refs,
    evaluate,
    indicator_refs,
    parse,
    to_sql,
)

VALUES = {("A", None): 6.0, ("B", None): 3.0, ("B", "PUBLIC"): 2.0, ("Z", None): 0.0}


def ev(text: str, indicators: dict[str, float | None] | None = None) -> float | None:
    return evaluate(parse(text), lambda c, o: VALUES.get((c, o)), lambda c: (indicators or {}).get(c))


def test_precedence_and_associativity() -> None:
    assert ev("#{A} + #{B} * 2") == 12.0
    assert ev("(#{A} + #{B}) * 2") == 18.0
    assert ev("#{A} - #{B} - 1") == 2.0  # left-associative: (6-3)-1
    assert ev("#{A} / #{B} / 2") == 1.0
    assert ev("-#{A} + 10") == 4.0
    assert ev("--#{A}") == 6.0


def test_tree_shape() -> None:
    assert parse("#{A} * 100 / #{B.PUBLIC}") == BinOp(
        "/", BinOp("*", ElementRef("A"), Number(100.0)), ElementRef("B", "PUBLIC")
    )
    assert parse("-I{X}") == Negate(IndicatorRef("X"))


def test_chinese_operators_and_fullwidth_parentheses() -> None:
    assert parse("（#{A}－#{B}）×100÷#{A}") == parse("(#{A}-#{B})*100/#{A}")
    assert ev("（#{A}－#{B}）×100÷#{A}") == 50.0


def test_option_and_indicator_references() -> None:
    assert ev("#{B.PUBLIC} / #{B}") == pytest.approx(2 / 3)
    assert ev("I{X} * 2", {"X": 1.5}) == 3.0
    expr = parse("#{A} + #{B.PUBLIC} + I{X} + I{Y} + #{A}")
    assert element_refs(expr) == {("A", None), ("B", "PUBLIC")}
    assert indicator_refs(expr) == {"X", "Y"}


def test_missing_data_and_division_by_zero_are_no_data() -> None:
    assert ev("#{A} / #{Z}") is None
    assert ev("#{MISSING} + 1") is None
    assert ev("-#{MISSING}") is None
    assert ev("I{X} + 1", {"X": None}) is None
    assert ev("#{Z} / #{A}") == 0.0  # a true zero stays a zero


@pytest.mark.parametrize(
    ("text", "position"),
    [("#{A} + * 2", 8), ("#{A} +", 7), ("(#{A} + 1", 10), ("#{A} 2", 6), ("#{a}", 1), ("#{A} % 2", 6),
     ("", 1), ("#{A}.B", 5), ("eval('1')", 1), ("#{A} )", 6)],
)  # fmt: skip
def test_errors_point_at_the_position(text: str, position: int) -> None:
    with pytest.raises(ExpressionError) as exc:
        parse(text)
    assert exc.value.position == position
    assert f"position {position}" in str(exc.value)


def test_sql_rendering_guards_division() -> None:
    sql = to_sql(parse("-(#{A} - 1) / #{B.PUBLIC}"), lambda r: f"[{r}]", lambda c: f"<{c}>")
    assert sql == "((-([#{A}] - 1.0)) / NULLIF([#{B.PUBLIC}], 0))"
    assert to_sql(parse("I{X} * 2"), str, lambda c: f"<{c}>") == "(<X> * 2.0)"


def test_dependency_order_and_cycles() -> None:
    order = dependency_order({"C": {"A", "B"}, "B": {"A"}, "A": set()})
    assert order.index("A") < order.index("B") < order.index("C")
    with pytest.raises(CycleError) as exc:
        dependency_order({"A": {"A"}})
    assert exc.value.cycle == ("A", "A")
    with pytest.raises(CycleError) as exc:
        dependency_order({"X": {"Y"}, "Y": {"Z"}, "Z": {"Y"}})
    assert exc.value.cycle == ("Y", "Z", "Y")
