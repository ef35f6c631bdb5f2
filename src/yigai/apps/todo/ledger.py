"""The ledger's share of a 待办: reads only, every one inside the user's jurisdiction.

Each starts from :func:`yigai.apps.ledger.selectors.visible_items` (what the user may see) and narrows it
(never widens): a reporter's to-do is about the items its unit leads, or co-operates on for 督办; a plan
owner approves only its own plans' items (as :func:`~yigai.apps.ledger.selectors.item_role` decides); a
reviewer any it sees. Each returns a queryset (counted in SQL for the menu, paged for the page).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from yigai.apps.accounts.models import User
from yigai.apps.ledger import adapters
from yigai.apps.ledger.models import LedgerItem, Notification, ProgressReport, SupervisionNotice, Transition
from yigai.apps.ledger.selectors import visible_items
from yigai.core.ledger import Action, Role, Status
from yigai.core.ledger.todo import NoticeState, current_periods
from yigai.core.permissions import Perm, may, role_of

FINISHED = (Status.CLOSED.value, Status.WITHDRAWN.value)


def _open(items: QuerySet[LedgerItem]) -> QuerySet[LedgerItem]:
    return items.exclude(status__in=FINISHED)


def led_items(*, user: User) -> QuerySet[LedgerItem]:
    """Items the user's unit leads (a co-unit reports but requests nothing, and owes no report)."""
    if role_of(user) is not Role.UNIT_REPORTER or not user.unit_id:
        return LedgerItem.objects.none()
    return visible_items(user=user).filter(lead_unit_id=user.unit_id)


def reports_due(*, user: User, today: dt.date) -> QuerySet[LedgerItem]:
    """Open items the user's unit leads whose report for the period containing today is not in (the rule:
    :mod:`yigai.core.ledger.todo`); a split item's parent expects none (its places report)."""
    periods = current_periods(today, adapters.calendar_from_db())
    reported = Q()
    for cadence, period in periods.items():
        done = ProgressReport.objects.filter(item_id=OuterRef("pk"), is_lead=True, period_key=period.key)
        reported |= Q(ledger__cadence=cadence) & Q(Exists(done))
    parents = LedgerItem.objects.filter(parent_id=OuterRef("pk"))
    return _open(led_items(user=user)).filter(start__lte=today).exclude(reported).exclude(Exists(parents))


def _last_action() -> Subquery:
    return Subquery(
        Transition.objects.filter(item_id=OuterRef("pk")).order_by("-at", "-pk").values("action")[:1]
    )


#: What a reviewer's last word on a request was, when the reporter has not acted since.
SENT_BACK = (Action.RETURN.value, Action.REJECT_EXTENSION.value)


def sent_back(*, user: User) -> QuerySet[LedgerItem]:
    """The unit's open items whose last transition is a returned closure (退回) or a rejected extension:
    they stay here until the unit acts on the item again (a report, a new request)."""
    return _open(led_items(user=user)).annotate(last_action=_last_action()).filter(last_action__in=SENT_BACK)


def notices_in(*, user: User) -> QuerySet[SupervisionNotice]:
    """督办单 of every item the user may see (a reporter: its unit's items, lead or co)."""
    return SupervisionNotice.objects.filter(item_id__in=visible_items(user=user).values("pk"))


def notices_in_state(
    notices: QuerySet[SupervisionNotice], state: NoticeState, today: dt.date
) -> QuerySet[SupervisionNotice]:
    """``notices`` in one state of :func:`yigai.core.ledger.todo.notice_state`, as a filter in SQL."""
    unanswered = notices.filter(replied_at__isnull=True)
    if state == "answered":
        return notices.filter(replied_at__isnull=False)
    if state == "closed":
        return unanswered.filter(item__status__in=FINISHED)
    waiting = unanswered.exclude(item__status__in=FINISHED)
    return waiting.filter(reply_by__lt=today) if state == "overdue" else waiting.filter(reply_by__gte=today)


def notices_to_answer(*, user: User, today: dt.date) -> QuerySet[SupervisionNotice]:
    """Unanswered 督办单 the reporter's unit owes a reply to (open and overdue), the earliest reply date first."""
    if not may(user, Perm.REPORT):
        return SupervisionNotice.objects.none()
    mine = notices_in(user=user).filter(replied_at__isnull=True).exclude(item__status__in=FINISHED)
    return mine.order_by("reply_by", "pk")


def notices_overdue(*, user: User, today: dt.date) -> QuerySet[SupervisionNotice]:
    """督办单 past their reply date without an answer, on items the supervisor sees."""
    if not may(user, Perm.SUPERVISE):
        return SupervisionNotice.objects.none()
    return notices_in_state(notices_in(user=user), "overdue", today).order_by("reply_by", "pk")


def reminders_new(*, user: User) -> QuerySet[Notification]:
    """The user's unread in-app reminders, the newest first."""
    return Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-pk")


def _approvable(user: User) -> QuerySet[LedgerItem]:
    """Items the user may act on as approver: a plan owner its own plans' items only (``item_role``)."""
    items = visible_items(user=user)
    if role_of(user) is Role.PLAN_OWNER:
        from yigai.apps.orgunits.models import OrgUnit

        prefix = user.org_unit.path if user.org_unit is not None else "\0"
        inside = OrgUnit.objects.filter(path__startswith=prefix).values("pk")
        items = items.filter(ledger__plan__org_unit_id__in=inside)
    return items


def closures_to_approve(*, user: User) -> QuerySet[LedgerItem]:
    """申请销号 awaiting this user's decision (never the requester's own: the approver must differ)."""
    if not may(user, Perm.APPROVE_CLOSURE):
        return LedgerItem.objects.none()
    found = _approvable(user).filter(status=Status.CLOSE_REQUESTED.value)
    return found.exclude(close_requested_by=user.username)


def extensions_to_approve(*, user: User) -> QuerySet[LedgerItem]:
    """申请延期 awaiting this user's decision."""
    if not may(user, Perm.APPROVE_EXTENSION):
        return LedgerItem.objects.none()
    found = _open(_approvable(user)).filter(pending_deadline__isnull=False)
    return found.exclude(pending_requested_by=user.username)
