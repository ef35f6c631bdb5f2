"""Reminders: lead buckets, stable keys, exactly-once under re-runs and missed days; 督办 escalation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from yigai.core.ledger.calendar import WorkCalendar
from yigai.core.ledger.reminders import SupervisionNotice, escalate, plan_reminders, reminder_key
from yigai.core.ledger.reporting import ProgressReport, completeness, due_periods
from yigai.core.ledger.schedule import Milestone
from yigai.core.ledger.snapshot import LedgerSnapshot
from yigai.core.ledger.workflow import Status

CAL = WorkCalendar()
DEADLINE = date(2026, 12, 31)


def item(
    deadline: date = DEADLINE, status: Status = Status.IN_PROGRESS, milestones: tuple[Milestone, ...] = ()
) -> LedgerSnapshot:
    return LedgerSnapshot(
        "L1", "推进医共体", status, date(2026, 1, 5), deadline, 50, milestones, "某县人民政府"
    )


@pytest.mark.parametrize(
    ("today", "lead", "remaining_text"),
    [
        (date(2026, 12, 21), None, None),  # 8 workdays left
        (date(2026, 12, 23), None, None),  # 6
        (date(2026, 12, 24), 5, "还有5个工作日"),
        (date(2026, 12, 28), 5, "还有3个工作日"),
        (date(2026, 12, 30), 1, "还有1个工作日"),
        (DEADLINE, 1, "还有0个工作日"),
        (date(2027, 1, 1), 0, "已超过完成时限"),
    ],
)
def test_lead_buckets(today: date, lead: int | None, remaining_text: str | None) -> None:
    found = plan_reminders([item()], today=today, calendar=CAL)
    if lead is None:
        assert found == []
        return
    [r] = found
    assert (r.kind, r.lead, r.due, r.item_id, r.recipients_unit) == (
        "deadline",
        lead,
        DEADLINE,
        "L1",
        "某县人民政府",
    )
    assert remaining_text in r.message
    assert r.key == reminder_key("deadline", "L1", DEADLINE, lead)


def test_exactly_once_under_daily_reruns_and_missed_days() -> None:
    mid = Milestone("中期", date(2026, 12, 10), 50.0)
    for skipped in (set(), {date(2026, 12, 3), date(2026, 12, 24), date(2026, 12, 30)}):
        sent: list[str] = []  # what the app would send, skipping keys it has recorded
        day = date(2026, 11, 20)
        while day <= date(2027, 1, 15):
            if day not in skipped:
                for _ in range(2):  # the scheduler runs twice the same day
                    for r in plan_reminders([item(milestones=(mid,))], today=day, calendar=CAL):
                        if r.key not in sent:
                            sent.append(r.key)
            day += timedelta(days=1)
        expected = {
            reminder_key("milestone", "L1", mid.due, 5),
            reminder_key("milestone", "L1", mid.due, 1),
            reminder_key("deadline", "L1", DEADLINE, 5),
            reminder_key("deadline", "L1", DEADLINE, 1),
            reminder_key("deadline", "L1", DEADLINE, 0),
        }
        assert sorted(sent) == sorted(expected), skipped  # each bucket once, none lost to a skipped day


def test_keys_are_stable_and_distinct() -> None:
    a = plan_reminders([item()], today=date(2026, 12, 24), calendar=CAL)[0].key
    assert a == plan_reminders([item()], today=date(2026, 12, 28), calendar=CAL)[0].key
    assert a != plan_reminders([item()], today=date(2026, 12, 30), calendar=CAL)[0].key
    extended = plan_reminders([item(deadline=date(2027, 1, 8))], today=date(2027, 1, 4), calendar=CAL)
    assert [r.key for r in extended] != [a] and extended[0].due == date(2027, 1, 8)
    assert len(a) == 20 and a == reminder_key("deadline", "L1", DEADLINE, 5)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN])
def test_finished_items_get_nothing(status: Status) -> None:
    periods = due_periods(date(2026, 9, 1), date(2026, 10, 31), "monthly", calendar=CAL)
    missing = completeness([], periods, date(2026, 12, 24), units=["某县人民政府"], item_id="L1")
    notice = SupervisionNotice("D1", "L1", date(2026, 11, 2), date(2026, 11, 13), "unit", "某县人民政府")
    assert plan_reminders([item(status=status)], today=date(2026, 12, 24), calendar=CAL,
                          missing_reports=missing, notices=[notice]) == []  # fmt: skip


def test_missing_reports() -> None:
    periods = due_periods(date(2026, 9, 1), date(2026, 11, 30), "monthly", calendar=CAL)
    reports = [ProgressReport("某县人民政府", "2026-09", date(2026, 10, 9))]
    entries = completeness(
        reports, periods, date(2026, 11, 23), units=["某县人民政府", "市财政局"], item_id="L1"
    )
    found = plan_reminders([item()], today=date(2026, 11, 23), calendar=CAL, missing_reports=entries)
    assert {r.kind for r in found} == {"missing_report"}
    assert sorted((r.due, r.recipients_unit or "") for r in found) == [
        (date(2026, 10, 13), "市财政局"),
        (date(2026, 11, 6), "市财政局"),
        (date(2026, 11, 6), "某县人民政府"),
    ]
    assert len({r.key for r in found}) == 3
    assert "市财政局尚未报送2026年9月进展（报送期限2026年10月13日）" in [r.message for r in found]


@pytest.mark.parametrize(
    ("level", "answered_on", "today", "to_level"),
    [
        ("unit", None, date(2026, 11, 13), None),  # reply date not passed
        ("unit", None, date(2026, 11, 14), "city"),
        ("city", None, date(2026, 11, 23), "province"),
        ("province", None, date(2026, 11, 23), None),  # nowhere higher to go
        ("unit", date(2026, 11, 12), date(2026, 11, 23), None),
        (
            "unit",
            date(2026, 11, 20),
            date(2026, 11, 23),
            None,
        ),  # answered late: no escalation after the answer
    ],
)
def test_escalate(level: str, answered_on: date | None, today: date, to_level: str | None) -> None:
    notice = SupervisionNotice(
        "D9", "L1", date(2026, 11, 2), date(2026, 11, 13), level, "某县人民政府", answered_on
    )  # type: ignore[arg-type]  # str from the table
    esc = escalate(notice, today)
    if to_level is None:
        assert esc is None
    else:
        assert esc is not None
        assert (esc.from_level, esc.to_level, esc.notice_id, esc.item_id) == (level, to_level, "D9", "L1")
        assert esc.key == escalate(notice, today + timedelta(days=7)).key  # type: ignore[union-attr]  # same notice


def test_overdue_notices_are_reminded_to_the_plan_owner() -> None:
    notices = [
        SupervisionNotice("D1", "L1", date(2026, 11, 2), date(2026, 11, 13), "unit", "某县人民政府"),
        SupervisionNotice("D2", "L1", date(2026, 10, 2), date(2026, 10, 20), "province", "某县人民政府"),
        SupervisionNotice("D3", "L1", date(2026, 11, 2), date(2026, 11, 30), "unit", "某县人民政府"),
    ]
    found = plan_reminders([item()], today=date(2026, 11, 23), calendar=CAL, notices=notices)
    assert [(r.kind, r.recipients_role.value, r.message) for r in found] == [
        ("supervision_overdue", "plan_owner", "督办单D2（某县人民政府）逾期未回复，回复期限2026年10月20日"),
        (
            "supervision_overdue",
            "plan_owner",
            "督办单D1（某县人民政府）逾期未回复，回复期限2026年11月13日，已升级为市级督办",
        ),
    ]


def test_negative_lead_days_are_refused() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        plan_reminders([item()], today=date(2026, 12, 24), calendar=CAL, lead_days=(5, -1))
