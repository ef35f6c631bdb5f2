"""The reminder run: what :func:`yigai.core.ledger.plan_reminders` says is due, sent through every
configured channel, each (reminder key, channel) recorded in :class:`ReminderSend`.

Exactly once: a key already sent on a channel is skipped, so re-runs (or two schedulers) never repeat
it; a failed send is retried on the next run until ``LEDGER_REMINDER_MAX_ATTEMPTS`` attempts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yigai.apps.accounts.models import Role as UserRole
from yigai.apps.accounts.models import User
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import (
    Channel,
    GroupRobot,
    LedgerItem,
    ReminderSend,
    SendStatus,
    SupervisionNotice,
)
from yigai.apps.ledger.services import channels, robots
from yigai.apps.ledger.services.notices import notices_escalate
from yigai.core.ledger import PeriodCompleteness, Reminder, Role, Status, item_completeness, plan_reminders


@dataclass(frozen=True)
class SendOutcome:
    key: str
    channel: str
    item: str
    kind: str
    message: str
    recipients: str
    result: str  # sent | failed | already_sent | gave_up | would_send | no_recipients
    error: str = ""


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def recipients(reminder: Reminder, item: LedgerItem) -> list[User]:
    """Reporters of the named unit over the item's place; plan owners over the plan's place."""
    users = User.objects.filter(is_active=True)
    if reminder.recipients_role is Role.UNIT_REPORTER:
        return list(users.filter(role=UserRole.UNIT_REPORTER, unit__name=reminder.recipients_unit,
                                 org_unit__path__in=_ancestors(item.org_unit.path)).order_by("pk"))  # fmt: skip
    paths = _ancestors(item.ledger.plan.org_unit.path)
    return list(users.filter(role=reminder.recipients_role.value, org_unit__path__in=paths).order_by("pk"))


def _missing(items: Sequence[LedgerItem], today: dt.date) -> list[PeriodCompleteness]:
    """Missing reports to chase: only periods since the item was put on the ledger (the figures count 漏报
    from the item's start; a plan published late must not send a reminder for every past month)."""
    cal = adapters.calendar_from_db()
    found: list[PeriodCompleteness] = []
    for item in items:
        if item.lead_unit is None:
            continue
        unit = item.lead_unit.name
        entries = item_completeness(
            adapters.reports_for(item.reports.all(), unit), unit=unit, today=today, calendar=cal,
            start=max(item.start, timezone.localdate(item.created_at)), deadline=item.deadline,
            status=Status(item.status), cadence=item.ledger.cadence, item_id=item.code,  # type: ignore[arg-type]  # a Cadence choice
        )  # fmt: skip
        found += [e for e in entries if e.state == "missing"]
    return found


def due_reminders(*, today: dt.date) -> tuple[list[Reminder], dict[str, LedgerItem]]:
    """Every reminder due by ``today`` and the items they are about (by code)."""
    items = list(
        LedgerItem.objects.exclude(status__in=["closed", "withdrawn"])
        .select_related("ledger__plan__org_unit", "lead_unit", "org_unit")
        .prefetch_related("milestones", "co_units", "reports")
    )
    by_code = {i.code: i for i in items}
    notices = SupervisionNotice.objects.filter(replied_at__isnull=True, escalated_to__isnull=True,
                                               item__in=items).select_related("item__org_unit", "item__lead_unit")  # fmt: skip
    found = plan_reminders(
        [adapters.snapshot(i) for i in items], today=today, calendar=adapters.calendar_from_db(),
        missing_reports=_missing(items, today), notices=[adapters.notice(n) for n in notices],
    )  # fmt: skip
    return found, by_code


def _channels(
    reminder: Reminder, item: LedgerItem, users: list[User]
) -> list[tuple[str, str, Callable[[], None] | None]]:
    """(channel, recipients as text, sender or None when nobody is reachable on it)."""
    found: list[tuple[str, str, Callable[[], None] | None]] = []
    names = "、".join(u.username for u in users)
    found.append((Channel.IN_APP, names, None))  # filled in by the caller (needs the item)
    if channels.email_enabled():
        addresses = [u.email for u in users if u.email]
        send = (lambda: channels.send_email(addresses=addresses, reminder=reminder)) if addresses else None
        found.append((Channel.EMAIL, "、".join(addresses), send))
    if url := channels.webhook_url():
        found.append((Channel.WEBHOOK, url, lambda: channels.send_webhook(url=url, reminder=reminder)))
    for robot in robots.robots_for(reminder, item):  # 企业微信/钉钉 robots of the unit or the plan
        found.append((robot.channel, str(robot), _robot_sender(robot, reminder)))
    return found


def _robot_sender(robot: GroupRobot, reminder: Reminder) -> Callable[[], None]:
    return lambda: robots.send_robot(robot=robot, reminder=reminder)


def _send_one(reminder: Reminder, item: LedgerItem, channel: str, to: str, send: Callable[[], None] | None, dry_run: bool) -> SendOutcome:  # fmt: skip
    def out(result: str, error: str = "") -> SendOutcome:
        return SendOutcome(
            reminder.key, channel, item.code, reminder.kind, reminder.message, to, result, error
        )

    row = ReminderSend.objects.select_for_update().filter(key=reminder.key, channel=channel).first()
    if row is not None and row.status == SendStatus.SENT:
        return out("already_sent")
    if row is not None and row.attempts >= settings.LEDGER_REMINDER_MAX_ATTEMPTS:
        return out("gave_up", row.last_error)
    if send is None:
        return out("no_recipients")
    if dry_run:
        return out("would_send")
    row = row or ReminderSend(key=reminder.key, channel=channel, item=item, kind=reminder.kind,
                              message=reminder.message, recipients=to)  # fmt: skip
    try:
        with transaction.atomic():  # a failed in-app send leaves no half-made notifications
            send()
        row.status, row.sent_at, row.last_error = SendStatus.SENT, timezone.now(), ""
    except Exception as exc:  # any channel failure is recorded and retried next run
        row.status, row.last_error = SendStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    row.attempts += 1
    row.save()
    return out(row.status, row.last_error)


def reminders_run(*, today: dt.date, dry_run: bool = False) -> list[SendOutcome]:
    """Escalate overdue 督办单, then send every due reminder once per channel. Each send commits on its
    own, so a crash half-way keeps what was sent."""
    notices_escalate(today=today, dry_run=dry_run)
    found, by_code = due_reminders(today=today)
    outcomes = []
    for reminder in found:
        item = by_code[reminder.item_id]
        users = recipients(reminder, item)
        for channel, to, send in _channels(reminder, item, users):
            if channel == Channel.IN_APP and users:
                send = _in_app(users, item, reminder)
            try:
                with transaction.atomic():
                    outcomes.append(_send_one(reminder, item, channel, to, send, dry_run))
            except IntegrityError:  # another run recorded it between our read and write
                outcomes.append(SendOutcome(reminder.key, channel, item.code, reminder.kind, reminder.message, to, "already_sent"))  # fmt: skip
    return outcomes


def _in_app(users: list[User], item: LedgerItem, reminder: Reminder) -> Callable[[], None]:
    return lambda: channels.send_in_app(users=users, item=item, reminder=reminder)
