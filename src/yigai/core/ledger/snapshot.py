"""The read-only view of a ledger item that warnings and reminders work on.

The Django app maps its rows to :class:`LedgerSnapshot` in one adapter; core never sees a model.

>>> from datetime import date
>>> s = LedgerSnapshot("L1", "建设县域医共体", Status.IN_PROGRESS, date(2026, 1, 5), date(2026, 12, 31),
...                    progress=40, lead_unit="某县人民政府")
>>> s.is_open, s.progress
(True, 40.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from yigai.core.ledger.schedule import Milestone
from yigai.core.ledger.workflow import FINISHED, Status


@dataclass(frozen=True)
class LedgerSnapshot:
    """A ledger item as of now: status, dates, latest reported progress (0–100, None if never reported)."""

    item_id: str
    title: str
    status: Status
    start: date
    deadline: date
    progress: float | None = None
    milestones: tuple[Milestone, ...] = ()
    lead_unit: str | None = None
    co_units: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.progress is not None:
            if not 0 <= self.progress <= 100:
                raise ValueError(f"事项 {self.item_id} 的进度须在 0–100 之间，现为 {self.progress}")
            object.__setattr__(self, "progress", float(self.progress))

    @property
    def is_open(self) -> bool:
        """Neither closed (已销号) nor withdrawn (已撤销)."""
        return self.status not in FINISHED
