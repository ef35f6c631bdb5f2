"""Jurisdiction: who sees which plans and tasks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from yigai.apps.plans.selectors import TaskFilters, access_plan, access_task, plan_list, task_list
from yigai.apps.plans.services import plan_store_document, task_update
from yigai.apps.publishing import plan_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(orgunits: None, fake_document):
    """A 保定 plan (T1 moved to 容城's health bureau) and a 石家庄 plan, both published."""
    bd = plan_store_document(document=fake_document(), content_hash="bd")
    task_update(task=bd.tasks.get(ext_id="T3"), lead_units=["容城县卫生健康局"])
    sjz = plan_store_document(document=fake_document(issuer="石家庄市人民政府办公室"), content_hash="sjz")
    plan_publish(plan=bd)
    plan_publish(plan=sjz)
    return bd, sjz


def titles(user, **filters) -> set[str]:
    return {
        f"{t.plan.org_unit.name}:{t.ext_id}" for t in task_list(user=user, filters=TaskFilters(**filters))
    }


def test_county_reporter_sees_only_own_county(plans, make_user) -> None:
    bd, _ = plans
    # a 保定 county's government sees the placeholder task expanded to it, nothing of 石家庄
    qingyuan = make_user("qy", "unit_reporter", "130608", "清苑区人民政府")  # 清苑区
    assert titles(qingyuan) == {"保定市:T2"}
    # 容城 (under 雄安新区, not 保定) is not in 保定's county expansion; its health bureau sees T3 only
    rc_health = make_user("rc", "unit_reporter", "130629", "容城县卫生健康局")
    assert titles(rc_health) == {"保定市:T3"}
    # 雄县's health bureau cannot see 容城's task, even by id
    xx_health = make_user("xx", "unit_reporter", "130638", "雄县卫生健康局")
    assert titles(xx_health) == set()
    with pytest.raises(Http404):
        access_task(user=xx_health, task_id=bd.tasks.get(ext_id="T3").pk)


def test_reporter_sees_nothing_before_publication(orgunits, fake_document, make_user) -> None:
    plan_store_document(document=fake_document(), content_hash="draft")
    assert titles(make_user("qy", "unit_reporter", "130608", "清苑区人民政府")) == set()


def test_city_owner_sees_own_subtree(plans, make_user) -> None:
    bd, sjz = plans
    owner = make_user("o", "plan_owner", "130600", "市卫生健康委")
    assert set(plan_list(user=owner)) == {bd}
    assert access_plan(user=owner, ref=bd.pk, for_publish=True) == bd
    with pytest.raises(Http404):
        access_plan(user=owner, ref=sjz.pk)
    leader = make_user("l", "leader", "130000")
    assert set(plan_list(user=leader)) == {bd, sjz}
    with pytest.raises(PermissionDenied):
        access_plan(user=leader, ref=bd.pk, for_edit=True)


def test_task_filters(plans, make_user) -> None:
    admin = make_user("a", "admin", "130000")
    assert titles(admin, unit="容城") == {"保定市:T3"}
    assert titles(admin, org_unit="130100") == {"石家庄市:T1", "石家庄市:T2", "石家庄市:T3"}
    assert titles(admin, q="医共体") == {"保定市:T2", "石家庄市:T2"}
    assert titles(admin, section="提升医院") == {"保定市:T3", "石家庄市:T3"}
    import datetime as dt

    assert titles(admin, deadline_from=dt.date(2026, 1, 1)) == {"保定市:T2", "石家庄市:T2"}
    assert titles(admin, deadline_to=dt.date(2025, 12, 31)) == {"保定市:T1", "石家庄市:T1"}
