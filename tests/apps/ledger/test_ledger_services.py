"""Ledger services: 挂账 on publish, every transition and permission, evidence, concurrency, 督办."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from yigai.apps.ledger.models import Evidence, Ledger, LedgerItem, SupervisionNotice, Transition
from yigai.apps.ledger.selectors import access_item, item_list
from yigai.apps.ledger.services import (
    Conflict,
    LedgerError,
    evidence_attach,
    evidence_path,
    item_add,
    item_transition,
    item_update,
    ledger_publish,
    notice_issue,
    notice_reply,
    notices_escalate,
    progress_report_submit,
)
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.publishing import plan_publish
from yigai.core.ledger import TransitionError

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fresh(item: LedgerItem) -> LedgerItem:
    return LedgerItem.objects.get(pk=item.pk)


def act(item: LedgerItem, action: str, user, **kw) -> LedgerItem:
    return item_transition(item=item, action=action, user=user, expected_version=fresh(item).version, **kw)


def report(item: LedgerItem, user, percent: int = 50, **kw):
    return progress_report_submit(item=item, user=user, text="推进中", percent=percent,
                                  expected_version=fresh(item).version, **kw)  # fmt: skip


def test_publish_puts_tasks_on_the_ledger_with_county_children(plan) -> None:
    items = LedgerItem.objects.filter(ledger__plan=plan)
    counties = set(
        OrgUnit.objects.filter(path__startswith="130000/130600/", level="county").values_list("pk", flat=True)
    )
    parent = items.get(task__ext_id="T2", parent=None)
    children = items.filter(parent=parent)
    assert {c.org_unit_id for c in children} == counties and parent.org_unit.code == "130600"
    assert {c.lead_unit.name for c in children} == {f"{c.org_unit.name}人民政府" for c in children}
    assert items.count() == 3 + len(counties)
    codes = sorted(items.values_list("code", flat=True))
    assert codes[0] == f"L{plan.pk}-0001" and len(set(codes)) == len(codes)
    t1 = items.get(task__ext_id="T1")
    assert t1.lead_unit.name == "市卫生健康委" and {u.name for u in t1.co_units.all()} == {
        "市医疗保障局",
        "市财政局",
    }
    assert [m.name for m in t1.milestones.all()][-1] == "完成"
    assert "10月底前完成摸底" in {m.name for m in t1.milestones.all()}  # the document's own node
    before = list(items.order_by("pk").values_list("pk", "code", "version"))
    plan_publish(plan=plan)  # idempotent
    assert ledger_publish(plan=plan) == 0
    assert list(items.order_by("pk").values_list("pk", "code", "version")) == before
    assert Ledger.objects.filter(plan=plan).count() == 1


def test_full_workflow_and_history(t1, users) -> None:
    lead, reviewer = users["lead"], users["reviewer"]
    act(t1, "start", lead)
    report(t1, lead, 60)
    with pytest.raises(TransitionError, match="佐证材料") as refused:
        act(t1, "request_close", lead)
    assert refused.value.code == "evidence_required"
    evidence_attach(item=t1, user=lead, name="验收.pdf", data=PDF)
    act(t1, "request_close", lead)
    act(t1, "return", reviewer, reason="材料不全")
    assert fresh(t1).status == "in_progress"
    act(t1, "request_close", lead)
    with pytest.raises(TransitionError):
        act(t1, "approve_close", lead)  # a reporter may not approve
    closed = act(t1, "approve_close", reviewer)
    assert closed.status == "closed"
    act(t1, "reopen", users["owner"], reason="复查发现问题")
    act(t1, "withdraw", users["owner"], reason="任务调整")
    history = list(
        Transition.objects.filter(item=t1).values_list("who", "action", "from_status", "to_status")
    )
    assert history == [
        ("lead", "start", "not_started", "in_progress"),
        ("lead", "report_progress", "in_progress", "in_progress"),
        ("lead", "request_close", "in_progress", "close_requested"),
        ("rev", "return", "close_requested", "in_progress"),
        ("lead", "request_close", "in_progress", "close_requested"),
        ("rev", "approve_close", "close_requested", "closed"),
        ("owner", "reopen", "closed", "in_progress"),
        ("owner", "withdraw", "in_progress", "withdrawn"),
    ]
    assert Transition.objects.get(item=t1, action="return").reason == "材料不全"
    assert fresh(t1).version == 9


def test_extension_needs_plan_owner_and_moves_deadline_and_milestones(t1, users) -> None:
    act(t1, "request_extension", users["lead"], reason="资金未到位", new_deadline=dt.date(2027, 6, 30))
    with pytest.raises(TransitionError):
        act(t1, "approve_extension", users["reviewer"])  # only the plan owner approves 延期
    with pytest.raises(Http404):
        act(t1, "approve_extension", users["owner_sjz"])  # another city's owner does not even see it
    item = act(t1, "approve_extension", users["owner"])
    assert item.deadline == dt.date(2027, 6, 30) and item.pending_deadline is None
    assert max(m.due for m in item.milestones.all()) == dt.date(2027, 6, 30)
    log = Transition.objects.get(item=t1, action="request_extension")
    assert (log.old_deadline, log.new_deadline) == (dt.date(2025, 12, 31), dt.date(2027, 6, 30))
    act(t1, "request_extension", users["lead"], reason="再延", new_deadline=dt.date(2027, 12, 31))
    assert act(t1, "reject_extension", users["owner"], reason="理由不充分").deadline == dt.date(2027, 6, 30)


def test_leader_is_read_only_and_admin_has_no_workflow_rights(t1, users) -> None:
    assert access_item(user=users["leader"], item_id=t1.pk) == t1
    for who in ("leader", "admin"):
        with pytest.raises(TransitionError) as refused:
            act(t1, "start", users[who])
        assert refused.value.code == "role"
        with pytest.raises(PermissionDenied):
            report(t1, users[who])
    assert fresh(t1).version == 1 and not Transition.objects.exists()


def test_reporter_of_another_unit_is_refused(t1, users) -> None:
    other = users["other"]
    with pytest.raises(Http404):
        access_item(user=other, item_id=t1.pk)
    with pytest.raises(Http404):
        act(t1, "start", other)
    with pytest.raises(Http404):
        report(t1, other)
    with pytest.raises(Http404):
        evidence_attach(item=t1, user=other, name="x.pdf", data=PDF)
    assert t1 not in item_list(user=other)
    county = users["county"]  # 清苑区 sees its own child of T2, nothing else
    assert {(i.task.ext_id, i.org_unit.name) for i in item_list(user=county)} == {("T2", "清苑区")}


def test_co_unit_contributes_but_cannot_act(t1, users) -> None:
    co = users["co"]
    r = report(t1, co, 20)
    assert r.is_lead is False and fresh(t1).status == "not_started" and fresh(t1).progress is None
    evidence_attach(item=t1, user=co, name="配合材料.pdf", data=PDF)
    with pytest.raises(PermissionDenied):
        act(t1, "request_close", co)
    lead_report = report(t1, users["lead"], 70)
    assert lead_report.is_lead and fresh(t1).progress == 70 and fresh(t1).status == "in_progress"


def test_approver_must_not_be_the_requester(t1, users) -> None:
    lead = users["lead"]
    evidence_attach(item=t1, user=lead, name="a.pdf", data=PDF)
    act(t1, "start", lead)
    act(t1, "request_close", lead)
    lead.role = "reviewer"  # the same person, later given the reviewer role
    lead.save()
    with pytest.raises(TransitionError, match="不能是申请人本人"):
        act(t1, "approve_close", lead)
    assert act(t1, "approve_close", users["reviewer"]).status == "closed"


def test_stale_version_conflicts_with_current_values(t1, users) -> None:
    lead = users["lead"]
    v = t1.version
    progress_report_submit(item=t1, user=lead, text="第一稿", percent=40, expected_version=v)
    with pytest.raises(Conflict) as conflict:
        progress_report_submit(item=t1, user=lead, text="第二稿", percent=90, expected_version=v)
    assert conflict.value.current["progress"] == 40 and conflict.value.current["version"] == v + 1
    assert conflict.value.current["progress_text"] == "第一稿" and conflict.value.code == "conflict"
    with pytest.raises(Conflict):
        item_transition(item=t1, action="request_close", user=lead, expected_version=v)
    with pytest.raises(Conflict):
        item_update(item=t1, user=users["owner"], expected_version=v, responsible_leader="王副市长")
    with pytest.raises(LedgerError):
        item_transition(item=t1, action="start", user=lead, expected_version=None)
    updated = item_update(item=t1, user=users["owner"], expected_version=v + 1, responsible_leader="王副市长")
    assert updated.responsible_leader == "王副市长" and updated.version == v + 2
    with pytest.raises(PermissionDenied):
        item_update(item=t1, user=lead, expected_version=v + 2, title="改")


def test_evidence_checked_by_bytes_and_stored_outside_web_root(t1, users, evidence_dir, settings) -> None:
    lead = users["lead"]
    ev = evidence_attach(item=t1, user=lead, name="../../etc/验收\x00报告.pdf", data=PDF)
    path = evidence_path(ev)
    assert ev.original_name == "验收报告.pdf" and ev.content_type == "application/pdf"
    assert path.parent == evidence_dir and path.read_bytes() == PDF and "验收" not in path.name
    for name, data, code in [("x.pdf", b"MZ\x90\x00 not a pdf", "file_type"), ("empty.png", b"", "empty_file"),
                             ("fake.docx", b"PK\x03\x04 broken zip", "file_type")]:  # fmt: skip
        with pytest.raises(LedgerError) as refused:
            evidence_attach(item=t1, user=lead, name=name, data=data)
        assert refused.value.code == code
    settings.LEDGER_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(LedgerError, match="上限"):
        evidence_attach(item=t1, user=lead, name="big.pdf", data=PDF)
    with pytest.raises(LedgerError):  # a bad file in a report: nothing is written, not even the report
        progress_report_submit(item=t1, user=lead, text="附件", percent=10, expected_version=t1.version,
                               files=[("big.pdf", PDF)])  # fmt: skip
    assert Evidence.objects.count() == 1 and fresh(t1).version == t1.version


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.mark.parametrize(
    ("name", "data", "shown"),
    [("报告.pdf", PNG, "PNG"), ("照片.png", PDF, "PDF"), ("照片.jpg", PNG, "PNG"), ("无扩展名", PDF, "PDF")],
)
def test_evidence_extension_must_match_its_content(t1, users, evidence_dir, name, data, shown) -> None:
    """Issue 13 finding 14: a .pdf whose bytes are a PNG was accepted (and served as application/pdf)."""
    with pytest.raises(LedgerError) as refused:
        evidence_attach(item=t1, user=users["lead"], name=name, data=data)
    assert refused.value.code == "extension_mismatch"
    assert name in str(refused.value) and shown in str(refused.value)
    assert Evidence.objects.count() == 0 and not any(evidence_dir.glob("*"))


def test_evidence_jpeg_extension_accepted(t1, users, evidence_dir) -> None:
    ev = evidence_attach(item=t1, user=users["lead"], name="现场.JPEG", data=b"\xff\xd8\xff\xe0 jpeg")
    assert ev.content_type == "image/jpeg"


def test_item_add_by_hand(plan, users) -> None:
    ledger = plan.ledger
    section = plan.sections.first()
    item = item_add(ledger=ledger, user=users["owner"], title="新增：建设急救站点", lead_unit=users["lead"].unit,
                    deadline=dt.date(2027, 3, 31), section=section, responsible_office="医政科")  # fmt: skip
    assert item.task is None and item.section == section and item.code.startswith(f"L{plan.pk}-")
    assert item.milestones.count() == 3 and access_item(user=users["lead"], item_id=item.code) == item
    with pytest.raises(PermissionDenied):
        item_add(
            ledger=ledger, user=users["reviewer"], title="x", lead_unit=None, deadline=dt.date(2027, 1, 1)
        )


def test_notices_issue_reply_and_escalate_once(t1, users) -> None:
    today = dt.date.today()
    n = notice_issue(
        item=t1, user=users["reviewer"], content="请说明进展", reply_by=today + dt.timedelta(days=3)
    )
    with pytest.raises(PermissionDenied):
        notice_issue(item=t1, user=users["lead"], content="x", reply_by=today)
    with pytest.raises(Http404):
        notice_reply(notice=n, user=users["other"], reply="不是我的")
    assert notices_escalate(today=today + dt.timedelta(days=30), dry_run=True)[0].level == "city"
    assert SupervisionNotice.objects.count() == 1  # a dry run writes nothing
    [up] = notices_escalate(today=today + dt.timedelta(days=30))
    assert up.level == "city" and up.escalated_from == n and "升级为市级督办" in up.content
    assert notices_escalate(today=today + dt.timedelta(days=30)) == []  # once only
    replied = notice_reply(notice=up, user=users["lead"], reply="已整改")
    assert replied.replied_at is not None and replied.replied_by == users["lead"]
    with pytest.raises(LedgerError):
        notice_reply(notice=up, user=users["lead"], reply="再答")


def test_decisions_on_an_item_are_in_the_audit_chain(t1, users) -> None:
    """Probe (session 4): 销号, 退回, 延期 and 撤销 were kept only in the ledger's own history table, which
    anyone with the database can rewrite unnoticed (who approved, when); the audit chain had none of them.
    Each decision is now an audit event (progress reports are the ledger's records, not decisions)."""
    from yigai.apps.audit.models import AuditEvent
    from yigai.apps.audit.services import audit_verify

    lead, reviewer = users["lead"], users["reviewer"]
    act(t1, "start", lead)
    report(t1, lead, 60)
    evidence_attach(item=t1, user=lead, name="验收.pdf", data=PDF)
    act(t1, "request_close", lead)
    act(t1, "approve_close", reviewer)
    events = AuditEvent.objects.filter(action="ledger.transition").order_by("seq")
    assert [(e.actor_username, e.details["action"], e.details["to"]) for e in events] == [
        ("lead", "start", "in_progress"),
        ("lead", "request_close", "close_requested"),
        ("rev", "approve_close", "closed"),
    ]
    assert events.last().object_repr.startswith(t1.code) and audit_verify().ok
