"""The 督办 list: every 督办单 on items the user may see (never more), filtered by state, unit, plan and
reply dates, each row with its state (:func:`yigai.core.ledger.todo.notice_state`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yigai.apps.accounts.models import User
from yigai.apps.ledger.adapters import place_unit
from yigai.apps.ledger.board import ledger_plans
from yigai.apps.ledger.models import SupervisionNotice
from yigai.apps.todo.ledger import FINISHED, notices_in, notices_in_state
from yigai.core.ledger.todo import NOTICE_STATES, NoticeState, notice_state
from yigai.core.params import db_int

#: How each state of :func:`yigai.core.ledger.todo.notice_state` reads (translated).
STATE_LABELS: dict[str, Any] = {
    "open": _("待回复"), "overdue": _("逾期未回复"), "answered": _("已回复"), "closed": _("已关闭（事项已办结）"),
}  # fmt: skip
STATE_CHOICES = [(s, STATE_LABELS[s]) for s in NOTICE_STATES]


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


@dataclass(frozen=True)
class NoticeFilters:
    state: NoticeState | None = None
    unit: str = ""  # lead or co-unit name contains
    plan: int | None = None
    reply_from: dt.date | None = None
    reply_to: dt.date | None = None

    @classmethod
    def parse(cls, g: Mapping[str, str]) -> NoticeFilters:
        """From a query string; a value that does not parse is ignored (the filter shows it empty)."""
        state = g.get("state", "").strip()
        plan = g.get("plan", "").strip()
        return cls(
            state=state if state in NOTICE_STATES else None,
            unit=g.get("unit", "").strip(), plan=db_int(plan),
            reply_from=_date(g.get("reply_from", "")), reply_to=_date(g.get("reply_to", "")),
        )  # fmt: skip


def notice_list(*, user: User, filters: NoticeFilters, today: dt.date) -> QuerySet[SupervisionNotice]:
    """The user's 督办单, filtered, the earliest reply date first."""
    f = filters
    qs = notices_in(user=user)
    if f.state:
        qs = notices_in_state(qs, f.state, today)
    if f.unit:
        named = Q(item__lead_unit__name__icontains=f.unit) | Q(item__co_units__name__icontains=f.unit)
        qs = qs.filter(pk__in=SupervisionNotice.objects.filter(named).values("pk"))
    if f.plan:
        qs = qs.filter(item__ledger__plan_id=f.plan)
    if f.reply_from:
        qs = qs.filter(reply_by__gte=f.reply_from)
    if f.reply_to:
        qs = qs.filter(reply_by__lte=f.reply_to)
    return qs.select_related("item__lead_unit", "item__org_unit", "issued_by").order_by("reply_by", "pk")


@dataclass(frozen=True)
class NoticeRow:
    notice: SupervisionNotice
    state: NoticeState
    label: str
    unit: str


def rows(notices: Iterable[SupervisionNotice], today: dt.date) -> list[NoticeRow]:
    found = []
    for n in notices:
        state = notice_state(
            n.reply_by, replied=n.replied_at is not None, item_finished=n.item.status in FINISHED, today=today
        )
        found.append(NoticeRow(n, state, str(STATE_LABELS[state]), place_unit(n.item)))
    return found


def plan_choices(*, user: User) -> list[Any]:
    """The plans whose ledgers the user sees (the plan filter's choices)."""
    return ledger_plans(user=user)
