"""Issue 12: the plan's own region, expansion only to real named units, a preview before publishing, publishing
as one transaction owned by one use case."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.apps.ledger.models import LedgerItem
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Status, TaskAssignment
from yigai.apps.plans.services import plan_import, plan_set_region, plan_store_document
from yigai.apps.plans.services.review import ReviewError
from yigai.apps.publishing import PublishRefused, plan_publish, publish_preview
from yigai.core.plan import Task

pytestmark = pytest.mark.django_db

S = ("一、重点任务",)


def _task(tid: str, lead: str, **kw) -> Task:
    return Task(
        id=tid, number=tid, path=S, title=f"任务{tid}", text=f"任务{tid}的内容。", lead_units=(lead,), **kw
    )


def _plan(fake_document, issuer: str, *tasks: Task):
    doc = fake_document(issuer=issuer, doc_number=None, tasks=tasks, targets=())
    return plan_store_document(document=doc, content_hash=issuer + str(len(tasks)))


def places(task) -> dict[str, str]:
    return {
        a.unit.name: a.org_unit.name
        for a in TaskAssignment.objects.filter(task=task).select_related("unit", "org_unit")
    }


# ----------------------------------------------------------------------------------------------- region


def test_region_proposed_from_a_hebei_issuer(orgunits, fake_document) -> None:
    plan = _plan(fake_document, "廊坊市人民政府办公室", _task("1", "市卫生健康委"))
    assert plan.org_unit.name == "廊坊市" and plan.region_confirmed


def test_issuer_outside_the_tree_leaves_the_plan_unpublishable_until_chosen(orgunits, fake_document) -> None:
    province = OrgUnit.objects.get(code="130000")
    doc = fake_document(issuer="鄂尔多斯市人民政府办公室", doc_number="鄂府办发〔2023〕7号")
    plan = plan_store_document(document=doc, content_hash="ordos", org_unit=province)
    assert not plan.region_confirmed
    preview = publish_preview(plan=plan)
    assert any("鄂尔多斯市人民政府办公室" in r and "行政区划" in r for r in preview.blockers)
    with pytest.raises(PublishRefused) as refused:
        plan_publish(plan=plan)
    assert "行政区划" in str(refused.value)
    plan.refresh_from_db()
    assert (
        plan.status == Status.DRAFT
        and not TaskAssignment.objects.exists()
        and not LedgerItem.objects.exists()
    )
    plan_set_region(plan=plan, org_unit=OrgUnit.objects.get(code="131000"))
    plan.refresh_from_db()
    assert plan.region_confirmed and plan.org_unit.name == "廊坊市"
    assert publish_preview(plan=plan).blockers == []
    plan_publish(plan=plan)
    with pytest.raises(ReviewError):  # editable until published, not after
        plan_set_region(plan=plan, org_unit=province)


def test_region_chosen_at_import_wins(orgunits, fake_extract) -> None:
    langfang = OrgUnit.objects.get(code="131000")
    plan = plan_import(name="x.txt", data=b"text", region=langfang).plan
    assert plan.org_unit == langfang and plan.region_confirmed


# ---------------------------------------------------------------------------------------------- expansion


def test_each_district_only_and_named_with_its_place(orgunits, fake_document) -> None:
    plan = _plan(
        fake_document,
        "廊坊市人民政府办公室",
        _task("1", "各区人民政府"),
        _task("2", "各县（市、区）卫生健康局"),
    )
    plan_publish(plan=plan)
    t1, t2 = plan.tasks.order_by("order")
    assert places(t1) == {"安次区人民政府": "安次区", "广阳区人民政府": "广阳区"}
    p2 = places(t2)
    assert p2["固安县卫生健康局"] == "固安县" and p2["三河市卫生健康局"] == "三河市" and len(p2) == 10
    items = LedgerItem.objects.filter(task=t1, parent__isnull=False)
    assert sorted(i.lead_unit.name for i in items) == ["安次区人民政府", "广阳区人民政府"]
    assert not LedgerItem.objects.filter(lead_unit__name__in=["区人民政府", "县（市、区）人民政府"]).exists()


def test_each_city_in_a_provincial_plan(orgunits, fake_document) -> None:
    plan = _plan(fake_document, "河北省人民政府办公厅", _task("1", "各市"))
    plan_publish(plan=plan)
    named = places(plan.tasks.get())
    assert named["保定市人民政府"] == "保定市" and named["廊坊市人民政府"] == "廊坊市"
    assert all(OrgUnit.objects.get(name=p).level == "city" for p in named.values())


def test_placeholder_matching_nothing_stays_one_flagged_item(orgunits, fake_document) -> None:
    plan = _plan(
        fake_document, "廊坊市人民政府办公室", _task("1", "各有关县（市、区）人民政府"), _task("2", "各市")
    )
    preview = publish_preview(plan=plan)
    assert [u.as_written for u in preview.unassigned] == ["各有关县（市、区）人民政府", "各市"]
    plan_publish(plan=plan)
    for task in plan.tasks.all():
        rows = list(TaskAssignment.objects.filter(task=task))
        assert len(rows) == 1 and rows[0].needs_assignment and rows[0].org_unit.name == "廊坊市"
        assert LedgerItem.objects.filter(task=task).count() == 1


def test_reporter_sees_their_items_whatever_the_plans_region(
    orgunits, fake_document, make_user, client
) -> None:
    plan = _plan(
        fake_document, "河北省人民政府办公厅", _task("1", "各县（市、区）人民政府"), _task("2", "各县")
    )
    plan_publish(plan=plan)
    client.force_login(make_user("ga", "unit_reporter", "131022", "固安县人民政府"))
    response = client.get(f"/ledger/plan/{plan.pk}/")
    assert response.status_code == 200
    assert LedgerItem.objects.filter(ledger__plan=plan, lead_unit__name="固安县人民政府").count() == 2
    assert response.content.decode().count("固安县人民政府") >= 2
    tasks = client.get(f"/plans/tasks/?plan={plan.pk}").content.decode()
    assert "任务1" in tasks and "任务2" in tasks


# ------------------------------------------------------------------------------------- preview, publish


def test_preview_counts_items_per_unit(orgunits, fake_document) -> None:
    plan = _plan(
        fake_document, "廊坊市人民政府办公室", _task("1", "各区人民政府"), _task("2", "市卫生健康委")
    )
    preview = publish_preview(plan=plan)
    counts = {(r.unit, r.place): r.items for r in preview.units}
    assert counts == {
        ("安次区人民政府", "安次区"): 1,
        ("广阳区人民政府", "广阳区"): 1,
        ("廊坊市卫生健康委", "廊坊市"): 1,
    }
    assert preview.n_tasks == 2 and preview.blockers == [] and not preview.unassigned
    assert not TaskAssignment.objects.exists()  # a preview writes nothing


def test_empty_plan_is_refused_with_the_reason(orgunits, fake_document) -> None:
    plan = _plan(fake_document, "廊坊市人民政府办公室")
    assert publish_preview(plan=plan).blockers == ["方案没有任务，发布后不会产生任何台账事项"]
    with pytest.raises(PublishRefused):
        plan_publish(plan=plan)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_publish_is_one_transaction(orgunits, fake_document, monkeypatch) -> None:
    plan = _plan(fake_document, "廊坊市人民政府办公室", _task("1", "各区人民政府"))

    def broken(**kw):
        raise RuntimeError("ledger down")

    monkeypatch.setattr("yigai.apps.publishing.services.ledger_publish", broken)
    with pytest.raises(RuntimeError):
        plan_publish(plan=plan)
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT and not TaskAssignment.objects.exists()


def test_plans_never_import_the_ledger() -> None:
    root = Path(__file__).parents[2] / "src/yigai/apps/plans"
    offenders = [p.name for p in root.rglob("*.py") if "apps.ledger" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_unassigned_item_flagged_on_the_plan_page(orgunits, fake_document, client, make_user) -> None:
    plan = _plan(fake_document, "廊坊市人民政府办公室", _task("1", "各有关县（市、区）人民政府"))
    plan_publish(plan=plan)
    client.force_login(make_user("o", "plan_owner", "131000", "市卫生健康委"))
    html = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "待分配：各有关县（市、区）人民政府" in html
