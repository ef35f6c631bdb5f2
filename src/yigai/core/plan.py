"""The structured plan: frozen dataclasses shared by the extractor, the platform and the CLI.

Field names follow the ``yigai extract`` JSON contract (schema ``yigai.plan/1``) in DESIGN.md;
:func:`plan_to_json` emits exactly the contract's keys, in the contract's order.

>>> t = Target(id="G1", task_id=None, indicator="每千人口床位数", comparator=">=", value=7.5,
...            unit="张", per="每千人口", year=2025, due="2025-12-31", quote="每千人口床位数7.5张")
>>> target_to_dict(t)["comparator"]
'>='
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA = "yigai.plan/1"

Comparator = Literal[">=", "<=", "=", ">", "<", "increase_by", "decrease_by", "range"]
DeadlineSource = Literal["table", "text", "period"]


@dataclass(frozen=True)
class Milestone:
    """A dated node inside a task's text ("2022年10月底前全部完成…"), kept besides the official deadline."""

    due: str
    text: str


@dataclass(frozen=True)
class Hint:
    """Why the extractor read a task or target so: the rule that fired, the span it matched, a confidence.

    The review page lists the least confident items first, so an owner checks ten items, not two hundred.
    Hints are not part of the ``yigai.plan/1`` keys of a task or target (the contract's keys stay exact);
    they travel with the dataclasses and are stored with the plan.

    >>> Hint(rule="unit_tag", span="（省卫生健康委牵头）", confidence=0.9).confidence
    0.9
    """

    rule: str
    span: str
    confidence: float


@dataclass(frozen=True)
class Task:
    """A leaf actionable item of a plan, with the path of headings above it."""

    id: str
    number: str | None
    path: tuple[str, ...]
    title: str
    text: str
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    units_as_written: str | None = None
    deadline: str | None = None
    deadline_text: str | None = None
    deadline_source: DeadlineSource | None = None
    milestones: tuple[Milestone, ...] = ()
    recurring: str | None = None
    hint: Hint | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Target:
    """A numeric goal: comparator, value, unit, year and scope, with the exact quote.

    Ratio targets ("床人比不低于1:1.6", "医护比1:1.2") have ``unit == RATIO_UNIT`` ("比") and ``value`` the
    N of "1:N" (1.6): they compare on N (second term ÷ first term, e.g. nurses ÷ physicians) and are shown as
    people write them, "1:1.6" (see :func:`ratio_text`).
    """

    id: str
    task_id: str | None
    indicator: str
    comparator: Comparator
    value: float | int | None
    unit: str | None
    quote: str
    value_max: float | int | None = None
    per: str | None = None
    year: int | None = None
    due: str | None = None
    recurring: str | None = None
    scope: str | None = None
    condition: str | None = None
    hint: Hint | None = field(default=None, compare=False)


RATIO_UNIT = "比"


def ratio_text(value: float | int) -> str:
    """A ratio target's value as people write it.

    >>> ratio_text(1.6), ratio_text(1.25), ratio_text(2)
    ('1:1.6', '1:1.25', '1:2')
    """
    return f"1:{value:g}"


_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}


def ratio_as_quotient(comparator: str, value: float) -> tuple[str, float]:
    """A ratio target "1:N" as a bound on the quotient first ÷ second (1/N), which is how indicators such as
    医护比 (physicians ÷ nurses) are computed: "不低于1:1.2" (N ≥ 1.2) is "quotient ≤ 1/1.2".

    >>> ratio_as_quotient(">=", 2)
    ('<=', 0.5)
    """
    return _FLIP.get(comparator, comparator), 1 / value


def ratio_met(comparator: str, value: float, *, computed_quotient: float) -> bool:
    """Whether a computed quotient first ÷ second meets the ratio target "comparator 1:value".

    >>> ratio_met(">=", 1.2, computed_quotient=0.8)  # 1:1.25 meets 不低于1:1.2
    True
    """
    if computed_quotient <= 0:
        return False
    n = 1 / computed_quotient
    checks = {">=": n >= value, "<=": n <= value, ">": n > value, "<": n < value, "=": abs(n - value) < 1e-9}
    return checks.get(comparator, False)


@dataclass(frozen=True)
class Document:
    """One extracted policy document."""

    source: str
    title: str | None
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    warnings: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    targets: tuple[Target, ...] = ()
    sections: tuple[tuple[str, ...], ...] = field(default=(), compare=False)


_TASK_KEYS = (
    "id", "number", "path", "title", "text", "lead_units", "co_units", "units_as_written",
    "deadline", "deadline_text", "deadline_source",
)  # fmt: skip
_TARGET_KEYS = (
    "id", "task_id", "indicator", "comparator", "value", "value_max", "unit", "per",
    "year", "due", "recurring", "scope", "condition", "quote",
)  # fmt: skip
_DOC_KEYS = ("source", "title", "doc_number", "issuer", "issued_on", "period_start", "period_end", "warnings")


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def task_to_dict(task: Task) -> dict[str, Any]:
    return {k: _plain(getattr(task, k)) for k in _TASK_KEYS}


def target_to_dict(target: Target) -> dict[str, Any]:
    return {k: _plain(getattr(target, k)) for k in _TARGET_KEYS}


def document_to_dict(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {k: _plain(getattr(doc, k)) for k in _DOC_KEYS}
    out["tasks"] = [task_to_dict(t) for t in doc.tasks]
    out["targets"] = [target_to_dict(t) for t in doc.targets]
    return out


def plan_to_dict(docs: list[Document]) -> dict[str, Any]:
    return {"schema": SCHEMA, "documents": [document_to_dict(d) for d in docs]}


def plan_to_json(docs: list[Document], *, indent: int | None = 2) -> str:
    """Serialise documents as the contract's JSON (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(plan_to_dict(docs), ensure_ascii=False, indent=indent)
