"""The one place that maps :mod:`yigai.core.plan` dataclasses to and from plan rows (CONVENTIONS.md §2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yigai.core.plan import RATIO_UNIT, Document, Hint, Milestone, Target, Task


def parse_date(value: str | None) -> dt.date | None:
    """ISO date or None; anything else (a partial date, garbage) is None — the text field keeps it."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _num(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _year(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def document_fields(doc: Document) -> dict[str, Any]:
    return {
        "source": _s(doc.source)[:255],
        "title": _s(doc.title)[:500],
        "doc_number": _s(doc.doc_number)[:100],
        "issuer": _s(doc.issuer)[:200],
        "issued_on": parse_date(doc.issued_on),
        "issued_on_text": _s(doc.issued_on)[:40],
        "period_start": _year(doc.period_start),
        "period_end": _year(doc.period_end),
        "warnings": [str(w) for w in doc.warnings or ()],
    }


def milestones_json(milestones: tuple[Milestone, ...] | None) -> list[dict[str, str]]:
    return [{"due": _s(m.due), "text": _s(m.text)} for m in milestones or ()]


def task_fields(task: Task) -> dict[str, Any]:
    return {
        "ext_id": _s(task.id)[:32],
        "number": _s(task.number)[:32],
        "path": [str(p) for p in task.path or ()],
        "title": _s(task.title)[:500],
        "text": _s(task.text),
        "units_as_written": _s(task.units_as_written),
        "deadline": parse_date(task.deadline),
        "deadline_text": _s(task.deadline_text)[:200],
        "deadline_source": _s(task.deadline_source)[:16],
        "milestones": milestones_json(task.milestones),
        "recurring": _s(task.recurring)[:64],
        **hint_fields(task.hint),
    }


def hint_fields(hint: Hint | None) -> dict[str, Any]:
    """The extractor's hint as three columns (empty without one)."""
    if hint is None:
        return {"hint_rule": "", "hint_span": "", "hint_confidence": None}
    return {
        "hint_rule": _s(hint.rule)[:64],
        "hint_span": _s(hint.span)[:300],
        "hint_confidence": _num(hint.confidence),
    }


#: Ratio units written by extractors before the 比 convention (value N of "1:N" either way).
LEGACY_RATIO_UNITS = ("1:N",)


def target_fields(target: Target) -> dict[str, Any]:
    unit = RATIO_UNIT if target.unit in LEGACY_RATIO_UNITS else target.unit
    return {
        "ext_id": _s(target.id)[:32],
        "indicator": _s(target.indicator)[:300],
        "comparator": _s(target.comparator)[:16],
        "value": _num(target.value),
        "value_max": _num(target.value_max),
        "unit": _s(unit)[:32],
        "per": _s(target.per)[:64],
        "year": _year(target.year),
        "due": parse_date(target.due),
        "recurring": _s(target.recurring)[:64],
        "scope": _s(target.scope)[:100],
        "condition": _s(target.condition)[:300],
        "quote": _s(target.quote),
        **hint_fields(target.hint),
    }


def outline_paths(doc: Document) -> list[tuple[str, ...]]:
    """Every heading path of the document in reading order: declared sections, then task paths."""
    seen: dict[tuple[str, ...], None] = {}
    for path in [*(doc.sections or ()), *(tuple(t.path or ()) for t in doc.tasks or ())]:
        for i in range(1, len(path) + 1):
            seen.setdefault(tuple(str(p) for p in path[:i]), None)
    return list(seen)
