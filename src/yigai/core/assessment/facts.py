"""What a scheme scores, per assessed unit, as of one day: frozen inputs the app's adapter builds from the
ledger's one evaluation (:func:`yigai.core.ledger.evaluate_item`) and the indicator values. A frozen stage
stores exactly these, so it can be re-read and explained without the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from yigai.core.ledger import ItemEvaluation

UNIT_KINDS = ("city", "county", "department", "hospital")
UNIT_KIND_LABELS = {"city": "市", "county": "县（市、区）", "department": "部门", "hospital": "医院"}
#: The reviewer's mark of an item's evidence and the share of the component's weight it earns.
EVIDENCE_MARKS = {"good": 1.0, "fair": 0.6, "poor": 0.0}
EVIDENCE_MARK_LABELS = {"good": "佐证充分", "fair": "佐证基本充分", "poor": "佐证不足"}


@dataclass(frozen=True)
class ItemFact:
    """A ledger item as it stood on the stage day: the counts are those of ``evaluate_item`` for that day."""

    code: str
    title: str
    deadline: dt.date
    status: str
    closed_on: dt.date | None
    overdue_workdays: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    evidence_mark: str | None = None

    @classmethod
    def of(
        cls, *, code: str, title: str, deadline: dt.date, status: str, closed_on: dt.date | None,
        evaluation: ItemEvaluation, evidence_mark: str | None = None,
    ) -> ItemFact:  # fmt: skip
        """The fact from the item's evaluation for the stage day (never recounted here)."""
        r = evaluation.reports
        return cls(code, title, deadline, status, closed_on, evaluation.overdue_workdays, r.on_time, r.late,
                   r.missing, evidence_mark)  # fmt: skip


@dataclass(frozen=True)
class NoticeFact:
    """A 督办单: when it asked for a reply and when (if by the stage day) the unit answered."""

    id: str
    item_code: str
    issued_on: dt.date
    reply_by: dt.date
    answered_on: dt.date | None


@dataclass(frozen=True)
class Series:
    """Final yearly values of one indicator for the unit's place."""

    indicator: str
    points: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class UnitFacts:
    key: str
    name: str
    kind: str
    items: tuple[ItemFact, ...] = ()
    notices: tuple[NoticeFact, ...] = ()
    series: tuple[Series, ...] = ()

    def points(self, indicator: str) -> tuple[tuple[int, float], ...]:
        for s in self.series:
            if s.indicator == indicator:
                return s.points
        return ()


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def facts_to_json(units: tuple[UnitFacts, ...]) -> list[dict[str, Any]]:
    """Plain JSON values (dates as ISO strings) — what a frozen stage stores."""
    return [_jsonable(asdict(u)) for u in units]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def facts_from_json(rows: list[dict[str, Any]]) -> tuple[UnitFacts, ...]:
    """The inverse of :func:`facts_to_json`.

    >>> u = UnitFacts("131022", "固安县", "county", (ItemFact("L1-0001", "建设", dt.date(2025, 6, 30),
    ...     "closed", dt.date(2025, 6, 1)),), (NoticeFact("D1", "L1-0001", dt.date(2025, 1, 2),
    ...     dt.date(2025, 1, 9), None),), (Series("BEDS_PER_1000", ((2023, 6.1),)),))
    >>> facts_from_json(facts_to_json((u,))) == (u,)
    True
    """
    return tuple(
        UnitFacts(
            r["key"],
            r["name"],
            r["kind"],
            tuple(
                ItemFact(
                    i["code"],
                    i["title"],
                    dt.date.fromisoformat(i["deadline"]),
                    i["status"],
                    _day(i["closed_on"]),
                    i["overdue_workdays"],
                    i["on_time"],
                    i["late"],
                    i["missing"],
                    i["evidence_mark"],
                )
                for i in r["items"]
            ),
            tuple(
                NoticeFact(
                    n["id"],
                    n["item_code"],
                    dt.date.fromisoformat(n["issued_on"]),
                    dt.date.fromisoformat(n["reply_by"]),
                    _day(n["answered_on"]),
                )
                for n in r["notices"]
            ),
            tuple(
                Series(s["indicator"], tuple((int(y), float(v)) for y, v in s["points"])) for s in r["series"]
            ),
        )
        for r in rows
    )
