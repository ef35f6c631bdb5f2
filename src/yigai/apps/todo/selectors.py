"""A user's 待办: the sections their role holds the rights for, each a count and the first rows.

Which sections a user has is data (:data:`SECTIONS`: a section, the right it needs), asked of
:func:`yigai.core.permissions.may` — nobody compares role names. A reporter (报送进展) gets reports due,
sent-back requests, 督办 to answer and new reminders; an approver (批准销号/延期, 督办) the requests waiting for
it, overdue 督办 and items turned red since yesterday; whoever approves indicator values (统计/信息中心) the
values waiting and the counties not yet reported. A leader holds none of these rights: the dashboard stays
the landing page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yigai.apps.accounts.models import User
from yigai.apps.caching.services import cached, snapshot, visibility_key
from yigai.apps.ledger.adapters import calendar_from_db
from yigai.apps.ledger.selectors import light_rows, visible_items
from yigai.apps.todo import indicators, ledger
from yigai.core.ledger import Action
from yigai.core.ledger.todo import current_periods
from yigai.core.permissions import Perm, may

#: Rows a section shows on the page (its count is always whole).
SHOWN = 20


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    perm: Perm
    hint: Any = ""


#: Every section of a 待办, in page order, and the right that gives it.
SECTIONS = (
    Section("reports", _("本期应报送进展"), Perm.REPORT, _("本报送期尚未报送进展的牵头事项")),
    Section(
        "sent_back", _("被退回的申请"), Perm.REQUEST_CLOSURE, _("销号被退回或延期被驳回，请处理后重新办理")
    ),
    Section("notices", _("待回复的督办单"), Perm.REPORT, _("按回复期限排列")),
    Section("reminders", _("新提醒"), Perm.REPORT),
    Section("closures", _("待审核销号"), Perm.APPROVE_CLOSURE),
    Section("extensions", _("待审核延期"), Perm.APPROVE_EXTENSION),
    Section("notices_overdue", _("逾期未回复的督办单"), Perm.SUPERVISE),
    Section("turned_red", _("昨日以来新变红的事项"), Perm.SUPERVISE),
    Section(
        "values_waiting", _("待审核的指标值"), Perm.TRACK_VALUES, _("按县→市→省逐级审核，审核后数据锁定")
    ),
    Section(
        "unreported",
        _("尚未报送的县（市、区）"),
        Perm.TRACK_VALUES,
        _("最近一期数据中，本辖区内尚无任何数值的县"),
    ),
)


def sections_for(user: User) -> list[Section]:
    return [s for s in SECTIONS if may(user, s.perm)]


def has_todo(user: User) -> bool:
    """Whether the user has a 待办 (its landing page) at all."""
    return bool(sections_for(user))


def turned_red(*, user: User, today: dt.date) -> QuerySet[Any]:
    """Items the user sees whose stored light turned red today (``LedgerItem.red_since``, set by the day's
    refresh when a light of another colour turns red): one indexed filter, no evaluation."""
    return visible_items(user=user).filter(light_colour="red", light_on=today, red_since=today)


def _lists(user: User) -> dict[str, Callable[[], tuple[int, list[Any]]]]:
    """Sections read as lists (grouped reads of the indicators), not querysets: their count and first
    :data:`SHOWN` rows, cached until the next write to the indicators or the org units (ADR 0004)."""
    seen = visibility_key(user)

    def of(kind: str, build: Callable[[], list[Any]]) -> Callable[[], tuple[int, list[Any]]]:
        def head() -> tuple[int, list[Any]]:
            whole = build()
            return len(whole), whole[:SHOWN]

        return lambda: cached(f"todo_{kind}", (seen,), snapshot("indicators", "orgunits"), head)

    return {
        "values_waiting": of("values_waiting", lambda: indicators.values_waiting(user=user)),
        "unreported": of("unreported", lambda: indicators.counties_unreported(user=user)),
    }


def _queries(user: User, today: dt.date) -> dict[str, Callable[[], QuerySet[Any]]]:
    return {
        "reports": lambda: ledger.reports_due(user=user, today=today).order_by("deadline", "code"),
        "sent_back": lambda: ledger.sent_back(user=user).order_by("deadline", "code"),
        "notices": lambda: ledger.notices_to_answer(user=user, today=today),
        "reminders": lambda: ledger.reminders_new(user=user),
        "closures": lambda: ledger.closures_to_approve(user=user).order_by("deadline", "code"),
        "extensions": lambda: ledger.extensions_to_approve(user=user).order_by("deadline", "code"),
        "notices_overdue": lambda: ledger.notices_overdue(user=user, today=today),
        "turned_red": lambda: turned_red(user=user, today=today).order_by("deadline", "code"),
    }


#: How a section's rows are read: items as list rows (their stored lights), notices with their item.
ITEM_SECTIONS = frozenset({"reports", "sent_back", "closures", "extensions", "turned_red"})
NOTICE_SECTIONS = frozenset({"notices", "notices_overdue"})


@dataclass
class Filled:
    section: Section
    count: int
    rows: list[Any] = field(default_factory=list)


#: Extra columns an item section shows beside a list row (read in one query, never per row).
EXTRA = ("ledger__cadence", "pending_deadline")


def _item_rows(key: str, qs: QuerySet[Any], today: dt.date) -> list[Any]:
    shown = qs[:SHOWN]
    extra = {
        r[0]: r[1:]
        for r in shown.values_list("pk", *EXTRA, *(("last_action",) if key == "sent_back" else ()))
    }
    periods = current_periods(today, calendar_from_db()) if key == "reports" else {}
    labels = {a.value: a.label for a in Action}
    rows = light_rows(shown)
    for x in rows:
        cadence, pending, *last = extra[x.item.pk]
        x.item.pending_deadline = pending
        x.item.todo_period = periods.get(cadence)  # type: ignore[attr-defined]  # shown beside the row
        x.item.todo_action = SENT_BACK_LABELS.get(last[0], labels.get(last[0], "")) if last else ""  # type: ignore[attr-defined]
    return rows


#: How a sent-back request reads (the reviewer's last word on it).
SENT_BACK_LABELS = {Action.RETURN.value: _("销号被退回"), Action.REJECT_EXTENSION.value: _("延期被驳回")}


def _rows(key: str, qs: QuerySet[Any], today: dt.date) -> list[Any]:
    if key in ITEM_SECTIONS:
        return _item_rows(key, qs, today)
    if key in NOTICE_SECTIONS:
        return list(qs.select_related("item__lead_unit", "item__org_unit")[:SHOWN])
    return list(qs.select_related("item")[:SHOWN])


def todo_page(*, user: User, today: dt.date) -> list[Filled]:
    """Every section of the user's 待办 with its count and first :data:`SHOWN` rows (two or three queries a
    section, whatever the number of rows)."""
    queries, lists = _queries(user, today), _lists(user)
    found = []
    for s in sections_for(user):
        if s.key in lists:
            found.append(Filled(s, *lists[s.key]()))
            continue
        qs = queries[s.key]()
        found.append(Filled(s, qs.count(), _rows(s.key, qs, today)))
    return found


def todo_counts(*, user: User, today: dt.date) -> dict[str, int]:
    """Each section's count (the menu shows the sum): one COUNT a section."""
    queries, lists = _queries(user, today), _lists(user)
    return {
        s.key: lists[s.key]()[0] if s.key in lists else queries[s.key]().count() for s in sections_for(user)
    }
