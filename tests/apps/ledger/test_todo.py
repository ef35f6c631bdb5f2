"""Each role's 待办 (issue 14): what is listed, for whom, and that nothing outside a user's jurisdiction or
rights shows. The fixture plan (conftest): T1 led by 市卫生健康委 with co-units 市医疗保障局 and 市财政局 in
保定市; T2 split to every county of 保定 (清苑区's copy for user ``qy``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yigai.apps.ledger import adapters, services
from yigai.apps.ledger.figures import reports_of
from yigai.apps.ledger.models import LedgerItem, Notification, SupervisionNotice
from yigai.apps.ledger.selectors import item_list
from yigai.apps.todo import ledger as todo
from yigai.apps.todo.selectors import has_todo, todo_counts, turned_red
from yigai.core.ledger import Status, item_completeness

from .conftest import PNG, fresh

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _open_now(item: LedgerItem, *, days_left: int = 200) -> None:
    """Make an item open, started a quarter ago, with a deadline ``days_left`` days away."""
    LedgerItem.objects.filter(pk=item.pk).update(
        status="in_progress", start=_today() - dt.timedelta(days=95),
        deadline=_today() + dt.timedelta(days=days_left), light_on=None,
    )  # fmt: skip


def _codes(qs) -> set[str]:
    return set(qs.values_list("item__code" if qs.model is SupervisionNotice else "code", flat=True))


def _due_by_evaluation(user) -> set[str]:
    """What the evaluation's completeness says: the led open items whose last expected period (the one
    containing today) is not reported yet."""
    items = list(item_list(user=user).filter(lead_unit_id=user.unit_id))
    reports, cal, found = reports_of(i.pk for i in items), adapters.calendar_from_db(), set()
    for item in items:
        if item.children.exists() or item.status in ("closed", "withdrawn"):
            continue
        unit = adapters.place_unit(item)
        entries = item_completeness(
            adapters.reports_for(reports.get(item.pk, []), unit), unit=unit, start=item.start,
            deadline=item.deadline, status=Status(item.status), today=_today(), cadence=item.ledger.cadence,
            calendar=cal,
        )  # fmt: skip
        last = entries[-1] if entries else None
        if last and last.period.start <= _today() <= last.period.end and last.state == "not_yet_due":
            found.add(item.code)
    return found


def test_reports_due_are_the_evaluations_unreported_current_periods(t1, users) -> None:
    lead, co, county = users["lead"], users["co"], users["county"]
    _open_now(t1)
    assert _codes(todo.reports_due(user=lead, today=_today())) == {t1.code} == _due_by_evaluation(lead)
    assert not todo.reports_due(user=co, today=_today()).exists()  # a co-unit owes no report
    county_due = _codes(todo.reports_due(user=county, today=_today()))
    assert county_due and county_due == _due_by_evaluation(county)  # 清苑区's copy of T2
    services.progress_report_submit(
        item=t1, user=lead, text="已完成摸底", percent=30, expected_version=fresh(t1).version
    )
    assert not todo.reports_due(user=lead, today=_today()).exists()
    assert _due_by_evaluation(lead) == set()


def test_a_finished_or_future_item_owes_no_report(t1, users) -> None:
    _open_now(t1)
    LedgerItem.objects.filter(pk=t1.pk).update(start=_today() + dt.timedelta(days=3))
    assert not todo.reports_due(user=users["lead"], today=_today()).exists()
    LedgerItem.objects.filter(pk=t1.pk).update(start=_today() - dt.timedelta(days=40), status="closed")
    assert not todo.reports_due(user=users["lead"], today=_today()).exists()


def _request_close(item: LedgerItem, lead) -> None:
    services.progress_report_submit(
        item=item,
        user=lead,
        text="完成",
        percent=100,
        expected_version=fresh(item).version,
        files=[("a.png", PNG)],
    )
    services.item_transition(
        item=item.pk, action="request_close", user=lead, expected_version=fresh(item).version
    )


def test_closure_requests_reach_approvers_and_a_return_reaches_the_reporter(t1, users) -> None:
    lead, owner, rev, other_owner = users["lead"], users["owner"], users["reviewer"], users["owner_sjz"]
    _open_now(t1)
    _request_close(t1, lead)
    assert _codes(todo.closures_to_approve(user=owner)) == {t1.code}
    assert _codes(todo.closures_to_approve(user=rev)) == {t1.code}
    assert not todo.closures_to_approve(user=other_owner).exists()  # another city's owner
    assert not todo.closures_to_approve(user=users["leader"]).exists()  # a leader approves nothing
    assert not todo.closures_to_approve(user=lead).exists()
    services.item_transition(
        item=t1.pk, action="return", user=rev, expected_version=fresh(t1).version, reason="佐证不足"
    )
    assert not todo.closures_to_approve(user=owner).exists()
    back = todo.sent_back(user=lead)
    assert _codes(back) == {t1.code} and back.get().last_action == "return"
    assert not todo.sent_back(user=users["co"]).exists()
    services.progress_report_submit(
        item=t1, user=lead, text="补充佐证", percent=100, expected_version=fresh(t1).version
    )
    assert not todo.sent_back(user=lead).exists()  # the unit acted again


def test_extension_requests_reach_the_plan_owner_only(t1, users) -> None:
    lead = users["lead"]
    _open_now(t1, days_left=20)
    services.item_transition(item=t1.pk, action="request_extension", user=lead, expected_version=fresh(t1).version,
                             reason="设备未到货", new_deadline=_today() + dt.timedelta(days=90))  # fmt: skip
    assert _codes(todo.extensions_to_approve(user=users["owner"])) == {t1.code}
    assert not todo.extensions_to_approve(user=users["reviewer"]).exists()  # not a reviewer's right
    assert not todo.extensions_to_approve(user=users["owner_sjz"]).exists()
    services.item_transition(item=t1.pk, action="reject_extension", user=users["owner"], expected_version=fresh(t1).version,
                             reason="理由不充分")  # fmt: skip
    assert not todo.extensions_to_approve(user=users["owner"]).exists()
    assert todo.sent_back(user=lead).get().last_action == "reject_extension"


def test_notices_reach_the_units_and_overdue_ones_the_supervisors(t1, users) -> None:
    lead, co, other, rev = users["lead"], users["co"], users["other"], users["reviewer"]
    _open_now(t1)
    notice = services.notice_issue(item=t1, user=rev, content="请加快进度", reply_by=_today())
    for who in (lead, co):
        assert list(todo.notices_to_answer(user=who, today=_today())) == [notice]
    assert not todo.notices_to_answer(user=other, today=_today()).exists()
    assert not todo.notices_overdue(user=rev, today=_today()).exists()  # due today: not yet overdue
    SupervisionNotice.objects.filter(pk=notice.pk).update(reply_by=_today() - dt.timedelta(days=2))
    assert list(todo.notices_overdue(user=rev, today=_today())) == [notice]
    assert list(todo.notices_overdue(user=users["owner"], today=_today())) == [notice]
    assert not todo.notices_overdue(user=users["owner_sjz"], today=_today()).exists()
    assert not todo.notices_overdue(user=lead, today=_today()).exists()  # a reporter supervises nothing
    services.notice_reply(notice=notice, user=co, reply="已部署")
    assert not todo.notices_to_answer(user=lead, today=_today()).exists()
    assert not todo.notices_overdue(user=rev, today=_today()).exists()


def test_items_turned_red_since_yesterday(t1, users) -> None:
    rev = users["reviewer"]
    _open_now(t1)
    services.lights_ensure()
    assert fresh(t1).light_colour == "green"
    LedgerItem.objects.filter(pk=t1.pk).update(deadline=_today() - dt.timedelta(days=1), light_on=None)
    services.lights_ensure()  # overdue from today
    assert fresh(t1).light_colour == "red"
    red_before = set(
        LedgerItem.objects.filter(light_colour="red").exclude(pk=t1.pk).values_list("code", flat=True)
    )
    found = _codes(turned_red(user=rev, today=_today()))
    assert t1.code in found and not found & red_before  # the others were red yesterday already
    assert not turned_red(user=users["owner_sjz"], today=_today()).filter(pk=t1.pk).exists()
    LedgerItem.objects.filter(pk=t1.pk).update(status="closed", light_on=None)  # repaired today: drops out
    services.lights_ensure()
    assert t1.code not in _codes(turned_red(user=rev, today=_today()))


def test_reminders_are_the_users_own_unread_ones(t1, users, client) -> None:
    lead = users["lead"]
    Notification.objects.create(user=lead, item=t1, kind="deadline", message="距完成时限还有3个工作日")
    Notification.objects.create(user=users["co"], item=t1, kind="deadline", message="别人的提醒")
    assert [n.message for n in todo.reminders_new(user=lead)] == ["距完成时限还有3个工作日"]
    client.force_login(lead)
    assert client.post("/todo/reminders/read/").status_code == 302
    assert not todo.reminders_new(user=lead).exists()
    assert todo.reminders_new(user=users["co"]).count() == 1


def test_who_has_a_todo(users) -> None:
    assert has_todo(users["lead"]) and has_todo(users["owner"]) and has_todo(users["reviewer"])
    assert not has_todo(users["leader"])
    assert set(todo_counts(user=users["lead"], today=_today())) == {
        "reports",
        "sent_back",
        "notices",
        "reminders",
    }
    assert set(todo_counts(user=users["reviewer"], today=_today())) == {
        "closures",
        "notices_overdue",
        "turned_red",
    }
