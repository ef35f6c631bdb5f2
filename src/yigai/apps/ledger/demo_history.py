"""A ledger in use, up to today (示例数据): the history the demo ledgers carry so that the board, the
dashboard and the scorecards show what a working ledger shows — most items on track, some closed (on time
and late), extensions approved and refused, closures returned and awaiting review, 督办单 issued and
answered (some late, some not at all and escalated), and a few items still overdue.

Every event is written by the services the pages use (报送进展 with evidence, 申请/批准销号, 退回, 延期, 督办,
回复), each at its own moment in the past (the clock the services read is set to that moment), so the
history, the evaluation and the lights are the ones those actions give. The routine monthly reports between
an item's first and last report (tens of thousands over five years) are written in bulk as the rows
:func:`~yigai.apps.ledger.services.progress_report_submit` writes (report and history line), each on its
own day — only so that ``yigai demo`` stays fast.

Deterministic for a given day: every choice comes from a hash of the item's code; the dates are laid out
backwards from today. Applied once per demo ledger (one that already has history is left alone).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from yigai.apps.accounts.models import Role, User
from yigai.apps.accounts.services import user_upsert
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import Ledger, LedgerItem, ProgressReport, SupervisionNotice, Transition
from yigai.apps.ledger.services import (
    item_transition,
    notice_issue,
    notice_reply,
    notices_escalate,
    progress_report_submit,
)
from yigai.apps.ledger.services.base import item_save
from yigai.apps.units.models import Unit
from yigai.core.ledger import WorkCalendar, due_periods

TEXTS = [
    "已制定工作方案，明确责任分工和时间节点。",
    "已组织摸底调查，梳理存在的问题和短板。",
    "正在推进重点项目建设，按月调度进展。",
    "已召开专题推进会，部署下一阶段工作。",
    "配套制度正在起草，已征求相关部门意见。",
    "试点工作有序推进，正在总结经验做法。",
    "主体工作基本完成，正在完善长效机制。",
]
LATE_REASONS = ["受项目审批进度影响", "涉及多部门协调，配套资金尚未到位", "需与上级政策衔接，待上级文件出台"]
NOTICE_TEXT = "该事项已逾期，请说明原因，于回复期限前报送整改措施和完成时间。"
REPLY_TEXT = "已召开专题会议研究，明确整改措施，计划于下季度末前完成。"


@contextlib.contextmanager
def clock(at: dt.datetime) -> Iterator[None]:
    """The services' clock (``timezone.now``, hence ``localdate``) set to ``at`` for what runs inside."""
    with mock.patch.object(timezone, "now", lambda: at):
        yield


@dataclass
class Story:
    """What the history did, for the report printed by ``yigai demo`` and for tests."""

    items: int = 0
    reports: int = 0
    closed: int = 0
    closed_late: int = 0
    extended: int = 0
    refused: int = 0
    notices: int = 0
    fates: dict[str, int] = field(default_factory=dict)


class History:
    def __init__(self, today: dt.date, reviewers: dict[str, User], owners: dict[str, User]) -> None:
        self.today, self.cal = today, adapters.calendar_from_db()
        self.reviewers, self.owners = reviewers, owners
        self.story = Story()
        self.reporters: dict[tuple[int, int], User] = {}
        self.bulk_reports: list[ProgressReport] = []
        self.bulk_lines: list[Transition] = []

    # -- time -------------------------------------------------------------------------------------------
    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        """A moment on the first workday on or after ``day`` (never after yesterday)."""
        day = min(self.cal.workday_on_or_after(day), self.today - dt.timedelta(days=1))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 7 * (hour % 8))))

    def workdays(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_workdays(day, n) if n >= 0 else day + dt.timedelta(days=n)

    # -- who --------------------------------------------------------------------------------------------
    def reporter(self, item: LedgerItem) -> User | None:
        if item.lead_unit is None:
            return None
        key = (item.lead_unit_id or 0, item.org_unit_id)
        if key not in self.reporters:
            found = User.objects.filter(role=Role.UNIT_REPORTER, unit=item.lead_unit, org_unit=item.org_unit)
            user = found.order_by("pk").first()
            if user is None:  # each unit's own reporter, as in a ledger in use (cannot log in: no password)
                unit: Unit = item.lead_unit
                user, _ = user_upsert(
                    username=f"rep_{item.org_unit.code}_{unit.pk}", password=None, role=Role.UNIT_REPORTER,
                    org_unit=item.org_unit, unit=unit, display_name=f"{unit.name}填报员（示例）", is_demo=True,
                )  # fmt: skip
            self.reporters[key] = user
        return self.reporters[key]

    def reviewer(self, item: LedgerItem) -> User:
        path = item.org_unit.path
        return next(u for prefix, u in self.reviewers.items() if path.startswith(prefix))

    def owner(self, item: LedgerItem) -> User:
        path = item.ledger.plan.org_unit.path
        return next(u for prefix, u in self.owners.items() if path.startswith(prefix))

    # -- writes -----------------------------------------------------------------------------------------
    def report(
        self, item: LedgerItem, user: User, day: dt.date, percent: int, text: str, period: str,
        files: tuple[tuple[str, bytes], ...] = (),
    ) -> LedgerItem:  # fmt: skip
        with clock(self.at(day)):
            progress_report_submit(item=item, user=user, text=f"{text}（示例数据）", percent=percent,
                                   expected_version=item.version, period_key=period, files=files, is_demo=True)  # fmt: skip
        self.story.reports += 1
        return LedgerItem.objects.select_related("ledger__plan__org_unit", "org_unit", "lead_unit").get(
            pk=item.pk
        )

    def act(self, item: LedgerItem, action: str, user: User, day: dt.date, **kw: object) -> LedgerItem:
        with clock(self.at(day, 15)):
            return item_transition(item=item, action=action, user=user, expected_version=item.version, **kw)  # type: ignore[arg-type]

    def routine(self, item: LedgerItem, user: User, periods: list[tuple[str, dt.date]], first: int, last: int,
                rng: random.Random, quality: float) -> LedgerItem:  # fmt: skip
        """The monthly reports before the latest, in bulk (see the module's note): the rows
        ``progress_report_submit`` writes, the first of them starting the item (未启动 → 推进中)."""
        n, started = len(periods), item.status != "not_started"
        for k, (key, due) in enumerate(periods):
            u = rng.random()
            if k and u > quality + (1 - quality) * 0.6:
                continue  # 漏报
            day = (
                due - dt.timedelta(days=rng.randint(0, 4))
                if u <= quality
                else due + dt.timedelta(days=rng.randint(2, 12))
            )
            day = min(day, self.today - dt.timedelta(days=1))
            at = self.at(day)
            percent = first + (last - first) * (k + 1) // (n + 1)
            text = f"{TEXTS[min(len(TEXTS) - 1, percent * len(TEXTS) // 100)]}（示例数据）"
            self.bulk_reports.append(ProgressReport(
                item=item, unit=user.unit, is_lead=True, period_key=key, text=text, percent=percent,
                submitted_by=user, submitted_at=at, is_demo=True,
            ))  # fmt: skip
            self.bulk_lines.append(Transition(
                item=item, user=user, who=user.username, role=Role.UNIT_REPORTER.value, action="report_progress",
                from_status="in_progress" if started else "not_started", to_status="in_progress", at=at,
            ))  # fmt: skip
            started = True
            self.story.reports += 1
        if item.status == "not_started" and started:
            item.status = "in_progress"
            item_save(item, ["status"])
        return item

    def flush(self) -> None:
        ProgressReport.objects.bulk_create(self.bulk_reports, batch_size=2000)
        Transition.objects.bulk_create(self.bulk_lines, batch_size=2000)
        self.bulk_reports, self.bulk_lines = [], []


def _periods(cal: WorkCalendar, item: LedgerItem, start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    if end < start:
        return []
    return [(p.key, p.due) for p in due_periods(start, end, item.ledger.cadence, calendar=cal)]  # type: ignore[arg-type]


def _rng(item: LedgerItem) -> random.Random:
    return random.Random(zlib.crc32(item.code.encode()))


def _quality(unit: Unit) -> float:
    """A unit's habit: the share of its reports it sends on time (0.72–0.97)."""
    return 0.72 + (zlib.crc32(unit.name.encode()) % 26) / 100


def _fate(item: LedgerItem, today: dt.date, rng: random.Random) -> str:
    u = rng.random()
    if item.deadline >= today:
        return "early" if u < 0.06 else "awaiting_close" if u < 0.09 else "on_track"
    for share, fate in ((0.27, "closed"), (0.36, "closed_late"), (0.39, "awaiting_close"), (0.41, "returned"),
                        (0.43, "ext_pending"), (0.92, "extended"), (0.95, "refused"), (1.0, "noticed")):  # fmt: skip
        if u < share:
            return fate
    return "noticed"


def _new_deadline(today: dt.date, rng: random.Random) -> dt.date:
    """Mostly next year; one in six within two weeks (the yellow lights of a ledger in use)."""
    if rng.random() < 0.17:
        return today + dt.timedelta(days=rng.randint(5, 12))
    return rng.choice(
        [dt.date(today.year + 1, 6, 30), dt.date(today.year + 1, 12, 31), dt.date(today.year + 1, 9, 30)]
    )


def play(h: History, item: LedgerItem, evidence: bytes) -> None:
    """One item's life up to today."""
    user = h.reporter(item)
    rng, today, story = _rng(item), h.today, h.story
    if user is None:  # no lead unit: the owner withdraws most of those past their deadline (并入新方案)
        if item.deadline < today and rng.random() < 0.7:
            h.act(item, "withdraw", h.owner(item), item.deadline + dt.timedelta(days=rng.randint(20, 90)),
                  reason="该任务已并入新一轮改革方案，原任务撤销（示例数据）")  # fmt: skip
            story.fates["withdrawn"] = story.fates.get("withdrawn", 0) + 1
        return
    fate = _fate(item, today, rng)
    story.fates[fate] = story.fates.get(fate, 0) + 1
    story.items += 1
    start, deadline = item.start, item.deadline
    files = (("验收材料（示例数据）.png", evidence),)
    # When the item's work ends (the closure request) or, for open ones, today.
    if fate in ("closed", "early"):
        end = max(start + dt.timedelta(days=45), min(deadline, today) - dt.timedelta(days=rng.randint(8, 70)))
    elif fate == "closed_late":
        end = min(deadline + dt.timedelta(days=rng.randint(20, 160)), today - dt.timedelta(days=20))
    elif fate == "awaiting_close":
        end = today - dt.timedelta(days=rng.randint(1, 6))
    elif fate == "returned":
        end = today - dt.timedelta(days=rng.randint(8, 20))
    else:
        end = today
    end = max(end, start + dt.timedelta(days=40))
    if end >= today:
        end = today - dt.timedelta(days=1)
    periods = [p for p in _periods(h.cal, item, start, end) if p[1] < end]
    if not periods:
        return
    parent = LedgerItem.objects.filter(parent=item).exists()
    # The first report (through the service: it starts the item), the routine ones, the latest.
    finishing = fate in ("closed", "closed_late", "early", "awaiting_close", "returned")
    last_percent = 100 if finishing else rng.choice([55, 65, 70, 75, 80, 85, 90])
    if fate in ("refused", "noticed"):
        last_percent = rng.choice([30, 40, 50, 60])
    # The routine reports (the first one starts the item), then the latest through the service.
    if parent:
        item = h.report(item, user, min(periods[0][1], end), 10, TEXTS[0], periods[0][0])
    else:
        item = h.routine(item, user, periods[:-1], 10, last_percent, rng, _quality(item.lead_unit))  # type: ignore[arg-type]
    last_key, last_due = periods[-1]
    last_day = min(end, last_due)
    if finishing:
        item = h.report(item, user, last_day, 100, "任务已完成，附验收材料。", last_key, files)
    else:
        item = h.report(item, user, last_day, last_percent, TEXTS[min(6, last_percent * 7 // 100)], last_key)
    reviewer, owner = h.reviewer(item), h.owner(item)
    if fate in ("closed", "closed_late", "early"):
        item = h.act(item, "request_close", user, end)
        h.act(item, "approve_close", reviewer, h.workdays(end, rng.randint(1, 4)))
        story.closed += 1
        story.closed_late += fate == "closed_late"
    elif fate == "awaiting_close":
        h.act(item, "request_close", user, end)
    elif fate == "returned":
        item = h.act(item, "request_close", user, end)
        h.act(item, "return", reviewer, h.workdays(end, 2),
              reason="佐证材料不完整，请补充验收报告后重新申请（示例数据）")  # fmt: skip
    elif fate in ("extended", "ext_pending", "refused"):
        asked = max(start, min(deadline, today) - dt.timedelta(days=rng.randint(3, 25)))
        if fate == "ext_pending":
            asked = today - dt.timedelta(days=rng.randint(1, 5))
        new = _new_deadline(today, rng)
        item = h.act(item, "request_extension", user, asked,
                     reason=f"{rng.choice(LATE_REASONS)}，申请延期（示例数据）", new_deadline=new)  # fmt: skip
        if fate == "extended":
            h.act(item, "approve_extension", owner, h.workdays(asked, rng.randint(1, 5)))
            story.extended += 1
        elif fate == "refused":
            h.act(item, "reject_extension", owner, h.workdays(asked, rng.randint(1, 5)),
                  reason="延期理由不充分，请按原时限加快推进（示例数据）")  # fmt: skip
            story.refused += 1
    if fate in ("noticed", "refused") and item.deadline < today:
        issued = max(item.deadline + dt.timedelta(days=10), today - dt.timedelta(days=rng.randint(8, 60)))
        issued = min(issued, today - dt.timedelta(days=2))
        reply_by = h.workdays(issued, 5)
        with clock(h.at(issued, 9)):
            notice = notice_issue(item=item, user=reviewer, content=f"{NOTICE_TEXT}（示例数据）", reply_by=reply_by,
                                  is_demo=True)  # fmt: skip
        story.notices += 1
        u = rng.random()
        answered = (
            reply_by - dt.timedelta(days=1)
            if u < 0.5
            else reply_by + dt.timedelta(days=3)
            if u < 0.75
            else None
        )
        if answered is not None and answered < today:
            with clock(h.at(answered, 16)):
                notice_reply(notice=notice, user=user, reply=f"{REPLY_TEXT}（示例数据）")


def history_play(*, ledgers: list[Ledger], reviewers: dict[str, User], owners: dict[str, User],
                 evidence: bytes, today: dt.date | None = None) -> Story:  # fmt: skip
    """Play the history of every item of ``ledgers`` up to ``today``; escalate the 督办单 left unanswered."""
    h = History(today or timezone.localdate(), reviewers, owners)
    items = (
        LedgerItem.objects.filter(ledger__in=ledgers)
        .select_related("ledger__plan__org_unit", "lead_unit", "org_unit")
        .order_by("ledger_id", "order", "pk")
    )
    for item in items:
        play(h, item, evidence)
    h.flush()
    with clock(h.at(h.today - dt.timedelta(days=1), 8)):
        made = notices_escalate(today=h.today - dt.timedelta(days=1))
    h.story.notices += len(made)
    h.story.notices = SupervisionNotice.objects.filter(item__ledger__in=ledgers).count()
    return h.story
