"""A small, safe expression language for indicator numerators and denominators.

The syntax follows DHIS2 indicator expressions, reduced to what a health commission needs:

* ``#{BEDS}`` — a data element (total over its disaggregation), ``#{BEDS.PUBLIC}`` — one option;
* ``I{BEDS_PER_1000}`` — the value of another indicator (factor applied);
* numbers (``365``, ``0.5``), ``+ - * /`` (also ``× ÷`` and full-width ``（）``), unary minus, parentheses.

Expressions are read by a tokenizer and a recursive-descent parser into frozen nodes — never ``eval`` —
and every error names the position:

>>> expr = parse("(#{A} - #{B.PUBLIC}) × 100 / I{X}")
>>> sorted(element_refs(expr)), sorted(indicator_refs(expr))
([('A', None), ('B', 'PUBLIC')], ['X'])
>>> evaluate(parse("#{A} / (#{B} - 2)"), lambda code, option: {"A": 6.0, "B": 5.0}[code], lambda code: None)
2.0
>>> parse("#{A} + * 2")
Traceback (most recent call last):
...
yigai.core.indicators.expressions.ExpressionError: 第8个字符处应为数值、#{…}、I{…}或“(”（expected an operand at position 8）: '#{A} + * 2'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

CODE_PATTERN = r"[A-Z][A-Z0-9_]*"
_CODE = re.compile(rf"^{CODE_PATTERN}$")
_TRANSLATE = str.maketrans(
    {"×": "*", "÷": "/", "（": "(", "）": ")", "－": "-", "＋": "+", "｛": "{", "｝": "}"}
)
_TOKEN = re.compile(
    rf"(?P<ws>\s+)"
    rf"|(?P<num>\d+(?:\.\d+)?)"
    rf"|(?P<de>#\{{(?P<de_code>{CODE_PATTERN})(?:\.(?P<de_opt>{CODE_PATTERN}))?\}})"
    rf"|(?P<ind>I\{{(?P<ind_code>{CODE_PATTERN})\}})"
    rf"|(?P<op>[-+*/()])"
)


class ExpressionError(ValueError):
    """A malformed expression; ``position`` is the 1-based character where reading failed."""

    def __init__(self, message: str, text: str, position: int) -> None:
        super().__init__(f"{message}: {text!r}")
        self.text = text
        self.position = position


class CycleError(ValueError):
    """Indicators that refer to each other in a loop; ``cycle`` lists the codes, first repeated last."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__("指标之间存在循环引用（indicator cycle）: " + " → ".join(cycle))
        self.cycle = cycle


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class ElementRef:
    """``#{CODE}`` (option None: the total) or ``#{CODE.OPTION}``."""

    code: str
    option: str | None = None

    def __str__(self) -> str:
        return f"#{{{self.code}}}" if self.option is None else f"#{{{self.code}.{self.option}}}"


@dataclass(frozen=True)
class IndicatorRef:
    code: str


@dataclass(frozen=True)
class Negate:
    operand: Expr


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Expr
    right: Expr


Expr = Number | ElementRef | IndicatorRef | Negate | BinOp


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int
    code: str | None = None
    option: str | None = None


def _tokenize(text: str) -> list[_Token]:
    source = text.translate(_TRANSLATE)
    tokens: list[_Token] = []
    at = 0
    while at < len(source):
        m = _TOKEN.match(source, at)
        if m is None:
            hint = "数据项写作#{CODE}，指标写作I{CODE}，代码为大写字母、数字和下划线"
            raise ExpressionError(
                f"第{at + 1}个字符处无法识别（unexpected character at position {at + 1}；{hint}）",
                text,
                at + 1,
            )
        kind = m.lastgroup or ""
        if kind == "de_code" or kind == "de_opt":
            kind = "de"
        if kind == "ind_code":
            kind = "ind"
        if kind != "ws":
            code = m.group("de_code") or m.group("ind_code")
            tokens.append(_Token(kind, m.group(0), at + 1, code, m.group("de_opt")))
        at = m.end()
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


class _Parser:
    """expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*; unary := '-' unary | atom."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.at = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self, token: _Token, what: str, english: str) -> ExpressionError:
        return ExpressionError(
            f"第{token.position}个字符处{what}（{english} at position {token.position}）",
            self.text,
            token.position,
        )

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise self.fail(self.peek(), "表达式为空", "empty expression")
        node = self.expr()
        if self.peek().kind != "end":
            raise self.fail(self.peek(), f"多余的“{self.peek().text}”", "unexpected token")
        return node

    def expr(self) -> Expr:
        node = self.term()
        while self.peek().text in ("+", "-") and self.peek().kind == "op":
            op = self.take().text
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Expr:
        node = self.unary()
        while self.peek().text in ("*", "/") and self.peek().kind == "op":
            op = self.take().text
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Expr:
        if self.peek().kind == "op" and self.peek().text == "-":
            self.take()
            return Negate(self.unary())
        return self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "num":
            return Number(float(token.text))
        if token.kind == "de" and token.code is not None:
            return ElementRef(token.code, token.option)
        if token.kind == "ind" and token.code is not None:
            return IndicatorRef(token.code)
        if token.kind == "op" and token.text == "(":
            node = self.expr()
            closing = self.take()
            if closing.text != ")":
                raise self.fail(closing, "缺少“)”", "expected ')'")
            return node
        raise self.fail(token, "应为数值、#{…}、I{…}或“(”", "expected an operand")


def parse(text: str) -> Expr:
    """Parse an expression; raise :class:`ExpressionError` with the failing position."""
    return _Parser(text).parse()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node, depth first."""
    yield expr
    if isinstance(expr, Negate):
        yield from walk(expr.operand)
    elif isinstance(expr, BinOp):
        yield from walk(expr.left)
        yield from walk(expr.right)


def element_refs(expr: Expr) -> set[tuple[str, str | None]]:
    """``(code, option)`` of every data element the expression reads."""
    return {(n.code, n.option) for n in walk(expr) if isinstance(n, ElementRef)}


def indicator_refs(expr: Expr) -> set[str]:
    return {n.code for n in walk(expr) if isinstance(n, IndicatorRef)}


def evaluate(
    expr: Expr,
    element: Callable[[str, str | None], float | None],
    indicator: Callable[[str], float | None],
) -> float | None:
    """Evaluate with lookups; missing data or division by zero anywhere gives ``None`` ("no data").

    >>> evaluate(parse("#{A} / #{B}"), lambda c, o: {"A": 1.0, "B": 0.0}[c], lambda c: None) is None
    True
    """
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, ElementRef):
        return element(expr.code, expr.option)
    if isinstance(expr, IndicatorRef):
        return indicator(expr.code)
    if isinstance(expr, Negate):
        inner = evaluate(expr.operand, element, indicator)
        return None if inner is None else -inner
    left = evaluate(expr.left, element, indicator)
    right = evaluate(expr.right, element, indicator)
    if left is None or right is None:
        return None
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    return None if right == 0 else left / right


def to_sql(expr: Expr, element: Callable[[ElementRef], str], indicator: Callable[[str], str]) -> str:
    """Render as SQL with the same semantics: NULL propagates, division by zero gives NULL.

    >>> to_sql(parse("#{A} / (#{B} - 1)"), lambda r: f'"{r.code}"', lambda c: "NULL")
    '("A" / NULLIF(("B" - 1.0), 0))'
    """
    if isinstance(expr, Number):
        return repr(expr.value)
    if isinstance(expr, ElementRef):
        return element(expr)
    if isinstance(expr, IndicatorRef):
        return indicator(expr.code)
    if isinstance(expr, Negate):
        return f"(-{to_sql(expr.operand, element, indicator)})"
    left = to_sql(expr.left, element, indicator)
    right = to_sql(expr.right, element, indicator)
    if expr.op == "/":
        return f"({left} / NULLIF({right}, 0))"
    return f"({left} {expr.op} {right})"


def dependency_order(dependencies: Mapping[str, set[str]]) -> list[str]:
    """Order codes so every indicator comes after those it refers to; raise :class:`CycleError` on a loop.

    >>> dependency_order({"A": {"B"}, "B": set()})
    ['B', 'A']
    >>> dependency_order({"A": {"B"}, "B": {"C"}, "C": {"A"}})
    Traceback (most recent call last):
    ...
    yigai.core.indicators.expressions.CycleError: 指标之间存在循环引用（indicator cycle）: A → B → C → A
    """
    order: list[str] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(code: str, path: tuple[str, ...]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            raise CycleError((*path[path.index(code) :], code))
        state[code] = 1
        for dep in sorted(dependencies.get(code, set())):
            visit(dep, (*path, code))
        state[code] = 2
        order.append(code)

    for code in sorted(dependencies):
        visit(code, ())
    return order


def is_code(text: str) -> bool:
    """Codes are upper-case ASCII letters, digits and underscores, starting with a letter."""
    return _CODE.match(text) is not None
