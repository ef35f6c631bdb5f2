"""What a 待办 (to-do) list counts as waiting, as rules on plain values; the app reads the rows.

**A report is due this period** for an open item (not 已销号/已撤销) with a responsible unit that has started,
when the lead unit has not reported for the period that contains today. That is the period the evaluation
(:func:`yigai.core.ledger.evaluate_item`) expects last, and the one a report submitted today counts for
(a report's period is the one its day falls in); the earlier unreported periods are the item's 漏报.

**A 督办单's state**: answered once replied (an answer is final); closed when its item was closed or
withdrawn unanswered (nobody owes a reply any more); overdue when unanswered past its reply date; else open.

>>> from datetime import date
>>> from yigai.core.ledger.calendar import WorkCalendar
>>> p = current_period("monthly", date(2026, 12, 7), WorkCalendar())
>>> p.key, p.label, p.due.isoformat()
('2026-12', '2026年12月', '2027-01-07')
>>> notice_state(date(2026, 12, 4), replied=False, item_finished=False, today=date(2026, 12, 7))
'overdue'
>>> notice_state(date(2026, 12, 4), replied=True, item_finished=False, today=date(2026, 12, 7))
'answered'
>>> notice_state(date(2026, 12, 7), replied=False, item_finished=False, today=date(2026, 12, 7))
'open'
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from yigai.core.ledger.calendar import WorkCalendar
from yigai.core.ledger.reporting import CADENCES, Cadence, Period, due_periods

NoticeState = Literal["open", "answered", "overdue", "closed"]
NOTICE_STATES: tuple[NoticeState, ...] = ("open", "overdue", "answered", "closed")


def current_period(cadence: Cadence, today: date, calendar: WorkCalendar) -> Period:
    """The reporting period of ``cadence`` that contains ``today``, with its due date."""
    return due_periods(today, today, cadence, calendar=calendar)[0]


def current_periods(today: date, calendar: WorkCalendar) -> dict[Cadence, Period]:
    """:func:`current_period` for every cadence (a 待办 spans ledgers of different cadences)."""
    return {c: current_period(c, today, calendar) for c in CADENCES}


def notice_state(reply_by: date, *, replied: bool, item_finished: bool, today: date) -> NoticeState:
    """The state of a 督办单 on ``today`` (rules in the module docstring)."""
    if replied:
        return "answered"
    if item_finished:
        return "closed"
    return "overdue" if reply_by < today else "open"
