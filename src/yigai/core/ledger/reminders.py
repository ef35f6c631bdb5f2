"""What reminders to send today, idempotently, and 督办 escalation.

:func:`plan_reminders` is pure: given the open items, the missing reports and the supervision notices, it
returns every reminder that *should have been sent by today*. Each has a stable ``key`` (a hash of kind,
item, due date, lead and subject); the app records the keys it has sent and skips those it has seen, so a
re-run (or a scheduler that missed a day) never sends twice and never skips a reminder.

Lead buckets: with ``lead_days=(5, 1)`` a deadline 4 workdays away falls in the 5-day bucket, one 1 or 0
workdays away in the 1-day bucket; a passed deadline gives one 已逾期 reminder (lead 0). A changed
deadline (approved extension) is a new due date, hence new keys.

>>> from datetime import date
>>> from yigai.core.ledger.calendar import WorkCalendar
>>> from yigai.core.ledger.snapshot import LedgerSnapshot
>>> from yigai.core.ledger.workflow import Status
>>> item = LedgerSnapshot("L7", "建设医共体", Status.IN_PROGRESS, date(2026, 1, 5), date(2026, 12, 31),
...                       lead_unit="某县人民政府")
>>> [r] = plan_reminders([item], today=date(2026, 12, 28), calendar=WorkCalendar())
>>> r.kind, r.lead, r.recipients_role.value, r.recipients_unit, r.message
('deadline', 5, 'unit_reporter', '某县人民政府', '事项“建设医共体”距完成时限（2026年12月31日）还有3个工作日')
>>> r.key == plan_reminders([item], today=date(2026, 12, 29), calendar=WorkCalendar())[0].key
True
>>> n = SupervisionNotice("D1", "L7", date(2026, 11, 2), date(2026, 11, 13), "unit", "某县人民政府")
>>> e = escalate(n, date(2026, 11, 23))
>>> e.from_level, e.to_level, e.message
('unit', 'city', '督办单D1逾期未回复（回复期限2026年11月13日），升级为市级督办')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from yigai.core.ledger.calendar import WorkCalendar
from yigai.core.ledger.reporting import PeriodCompleteness
from yigai.core.ledger.snapshot import LedgerSnapshot
from yigai.core.ledger.warnings import cn_date
from yigai.core.permissions import Role

ReminderKind = Literal["milestone", "deadline", "missing_report", "supervision_overdue"]
OrgLevel = Literal["unit", "city", "province"]
#: Escalation ladder for 督办单: the responsible unit, then the city, then the province.
LEVELS: tuple[OrgLevel, ...] = ("unit", "city", "province")
_LEVEL_LABELS = {"unit": "责任单位", "city": "市级", "province": "省级"}


@dataclass(frozen=True)
class Reminder:
    key: str
    item_id: str
    kind: ReminderKind
    due: date
    lead: int
    recipients_role: Role
    recipients_unit: str | None
    message: str


@dataclass(frozen=True)
class SupervisionNotice:
    """A 督办单 issued on an item at some org level, with its reply date and reply (if any)."""

    id: str
    item_id: str
    issued_on: date
    reply_by: date
    level: OrgLevel
    unit: str
    answered_on: date | None = None


@dataclass(frozen=True)
class Escalation:
    notice_id: str
    item_id: str
    from_level: OrgLevel
    to_level: OrgLevel
    key: str
    message: str


def reminder_key(kind: str, item_id: str, due: date, lead: int, subject: str = "") -> str:
    """Stable 20-hex-digit key; ``subject`` separates units or notices sharing one due date."""
    raw = "|".join((kind, item_id, due.isoformat(), str(lead), subject))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def _bucket(remaining: int, lead_days: Sequence[int]) -> int | None:
    fitting = [lead for lead in lead_days if 0 <= remaining <= lead]
    return min(fitting) if fitting else None


def _item_reminders(
    item: LedgerSnapshot, today: date, cal: WorkCalendar, lead_days: Sequence[int]
) -> list[Reminder]:
    found: list[Reminder] = []
    targets: list[tuple[ReminderKind, date, str]] = [("deadline", item.deadline, "完成时限")]
    targets += [("milestone", m.due, f"节点“{m.name}”") for m in item.milestones if m.due != item.deadline]
    for kind, due, what in targets:
        if today > due:
            if kind == "deadline":
                msg = f"事项“{item.title}”已超过完成时限（{cn_date(due)}），请尽快办理并报送进展"
                found.append(_reminder(kind, item, due, 0, msg))
            continue
        remaining = cal.workdays_between(today, due)
        lead = _bucket(remaining, lead_days)
        if lead is not None:
            msg = f"事项“{item.title}”距{what}（{cn_date(due)}）还有{remaining}个工作日"
            found.append(_reminder(kind, item, due, lead, msg))
    return found


def _reminder(kind: ReminderKind, item: LedgerSnapshot, due: date, lead: int, msg: str) -> Reminder:
    key = reminder_key(kind, item.item_id, due, lead)
    return Reminder(key, item.item_id, kind, due, lead, Role.UNIT_REPORTER, item.lead_unit, msg)


def _missing_reminder(e: PeriodCompleteness) -> Reminder:
    key = reminder_key("missing_report", e.item_id, e.period.due, 0, f"{e.unit}|{e.period.key}")
    msg = f"{e.unit}尚未报送{e.period.label}进展（报送期限{cn_date(e.period.due)}）"
    return Reminder(key, e.item_id, "missing_report", e.period.due, 0, Role.UNIT_REPORTER, e.unit, msg)


def _supervision_reminder(n: SupervisionNotice, today: date) -> Reminder | None:
    esc = escalate(n, today)
    if esc is None and not _unanswered_past(n, today):
        return None
    where = f"，已升级为{_LEVEL_LABELS[esc.to_level]}督办" if esc else ""
    msg = f"督办单{n.id}（{n.unit}）逾期未回复，回复期限{cn_date(n.reply_by)}{where}"
    key = reminder_key("supervision_overdue", n.item_id, n.reply_by, 0, n.id)
    return Reminder(key, n.item_id, "supervision_overdue", n.reply_by, 0, Role.PLAN_OWNER, None, msg)


def plan_reminders(
    items: Iterable[LedgerSnapshot],
    *,
    today: date,
    calendar: WorkCalendar,
    lead_days: Sequence[int] = (5, 1),
    missing_reports: Iterable[PeriodCompleteness] = (),
    notices: Iterable[SupervisionNotice] = (),
) -> list[Reminder]:
    """Every reminder due by ``today`` for open items, missing reports and overdue notices, in a stable order."""
    if any(lead < 0 for lead in lead_days):
        raise ValueError(f"提前提醒的工作日数不能为负数：{tuple(lead_days)}")
    open_items = [i for i in items if i.is_open]
    open_ids = {i.item_id for i in open_items}
    found = [r for i in open_items for r in _item_reminders(i, today, calendar, lead_days)]
    found += [_missing_reminder(e) for e in missing_reports if e.state == "missing" and e.item_id in open_ids]
    found += [r for n in notices if n.item_id in open_ids and (r := _supervision_reminder(n, today))]
    return sorted(found, key=lambda r: (r.due, r.item_id, r.kind, r.key))


def _unanswered_past(n: SupervisionNotice, today: date) -> bool:
    return n.answered_on is None and today > n.reply_by


def escalate(notice: SupervisionNotice, today: date) -> Escalation | None:
    """One level up (unit → city → province) if unanswered past its reply date; None otherwise or at the top."""
    if not _unanswered_past(notice, today):
        return None
    index = LEVELS.index(notice.level)
    if index + 1 >= len(LEVELS):
        return None
    to = LEVELS[index + 1]
    key = reminder_key("escalation", notice.item_id, notice.reply_by, 0, f"{notice.id}|{to}")
    msg = f"督办单{notice.id}逾期未回复（回复期限{cn_date(notice.reply_by)}），升级为{_LEVEL_LABELS[to]}督办"
    return Escalation(notice.id, notice.item_id, notice.level, to, key, msg)
