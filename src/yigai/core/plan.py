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


@dataclass(frozen=True)
class Target:
    """A numeric goal: comparator, value, unit, year and scope, with the exact quote."""

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
