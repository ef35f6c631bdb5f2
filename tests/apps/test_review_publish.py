"""Review (edit, merge, split, link) and publish (placeholder expansion into assignments)."""

from __future__ import annotations

import pytest

from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Status, Task, TaskAssignment
from yigai.apps.plans.services import (
    plan_link_parent,
    plan_store_document,
    task_merge,
    task_split,
    task_update,
)
from yigai.apps.plans.services.review import ReviewError
from yigai.apps.publishing import plan_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(orgunits: None, fake_document):
    return plan_store_document(document=fake_document(), content_hash="h")


def units(task: Task, role: str) -> list[str]:
    return [u.unit.name for u in task.unit_links.filter(role=role).order_by("order")]


def test_publish_expands_county_placeholder(plan) -> None:
    n = plan_publish(plan=plan)
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED and plan.published_at is not None
    t2 = plan.tasks.get(ext_id="T2")
    places = set(TaskAssignment.objects.filter(task=t2).values_list("org_unit__name", flat=True))
    baoding_counties = set(
        OrgUnit.objects.filter(path__startswith="130000/130600/", level="county").values_list(
            "name", flat=True
        )
    )
    assert places == baoding_counties and "雄县" not in places and "定州市" not in places
    named = {a.unit.name: a.org_unit.name for a in TaskAssignment.objects.filter(task=t2)}
    assert named == {f"{place}人民政府": place for place in baoding_counties}  # each named with its place
    t1 = plan.tasks.get(ext_id="T1")
    assert set(TaskAssignment.objects.filter(task=t1).values_list("org_unit__name", flat=True)) == {"保定市"}
    assert n == TaskAssignment.objects.count()
    assert plan_publish(plan=plan) == n  # re-publishing rebuilds, never duplicates


def test_edit_lead_unit_and_fields(plan) -> None:
    t1 = plan.tasks.get(ext_id="T1")
    task_update(task=t1, title="新标题", deadline="2026-03-31", lead_units=["市医疗保障局"])
    t1.refresh_from_db()
    assert t1.title == "新标题" and str(t1.deadline) == "2026-03-31" and t1.edited
    assert units(t1, "lead") == ["市医疗保障局"] and units(t1, "co") == ["市医疗保障局", "市财政局"]
    with pytest.raises(ReviewError):
        task_update(task=t1, plan_id=3)


def test_edit_after_publish_moves_assignments(plan) -> None:
    plan_publish(plan=plan)
    t1 = plan.tasks.get(ext_id="T1")
    task_update(task=t1, lead_units=["容城县卫生健康局"], co_units=[])
    assert list(TaskAssignment.objects.filter(task=t1).values_list("org_unit__name", flat=True)) == ["容城县"]


def test_merge_and_split(plan) -> None:
    t1, t2 = plan.tasks.get(ext_id="T1"), plan.tasks.get(ext_id="T2")
    merged = task_merge(tasks=[t2, t1])
    assert merged.pk == t1.pk and not Task.objects.filter(pk=t2.pk).exists()
    assert "各县推进医共体建设" in merged.text
    assert units(merged, "lead") == ["市卫生健康委", "各县（市、区）人民政府"]
    parts = task_split(task=merged, texts=["第一段", "", "第二段", "第三段"])
    assert [p.text for p in parts] == ["第一段", "第二段", "第三段"]
    assert all(units(p, "lead") == units(merged, "lead") for p in parts)
    orders = list(plan.tasks.order_by("order").values_list("text", flat=True))
    assert orders[:3] == ["第一段", "第二段", "第三段"]
    with pytest.raises(ReviewError):
        task_merge(tasks=[parts[0]])


def test_link_parent_rejects_cycles(plan, fake_document) -> None:
    province = plan_store_document(document=fake_document(issuer="河北省人民政府办公厅"), content_hash="p")
    assert province.org_unit.name == "河北省"
    plan_link_parent(plan=plan, parent=province)
    assert plan.implements == province
    with pytest.raises(ReviewError):
        plan_link_parent(plan=province, parent=plan)
    with pytest.raises(ReviewError):
        plan_link_parent(plan=plan, parent=plan)
