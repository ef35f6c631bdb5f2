"""End to end on seed 003 (廊坊): import → publish → ≥100 items with per-county children → a unit
reports with evidence → requests 销号 → a reviewer approves → closed; another unit cannot touch it."""

from __future__ import annotations

import pytest
from django.http import Http404

from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.selectors import access_item, item_list
from yigai.apps.ledger.services import item_transition, progress_report_submit
from yigai.apps.plans.services import plan_import
from yigai.apps.publishing import plan_publish
from yigai.web.demo import sample_files

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_seed_003_end_to_end(orgunits, make_user) -> None:
    name, data = next(f for f in sample_files() if f[0].startswith("003_"))
    plan = plan_import(name=name, data=data).plan
    assert plan.org_unit.name == "廊坊市"
    plan_publish(plan=plan)
    items = LedgerItem.objects.filter(ledger__plan=plan)
    tasks = plan.tasks.count()
    assert tasks >= 100 and items.filter(parent=None).count() == tasks
    county_parents = items.filter(children__isnull=False).distinct()
    assert county_parents.exists()
    for parent in county_parents:
        assert sorted(parent.children.values_list("org_unit__code", flat=True)) == [
            "131002", "131003", "131022", "131023", "131024", "131025", "131026", "131028", "131081", "131082"
        ]  # fmt: skip
    plan_publish(plan=plan)
    assert LedgerItem.objects.filter(ledger__plan=plan).count() == items.count()  # idempotent

    reporter = make_user("lf_wjw", "unit_reporter", "131000", "市卫生健康委")
    reviewer = make_user("lf_rev", "reviewer", "131000", "市卫生健康委")
    outsider = make_user("lf_edu", "unit_reporter", "131000", "市教育局")
    county = make_user("ga", "unit_reporter", "131022", "固安县人民政府")
    mine = item_list(user=reporter).filter(lead_unit=reporter.unit).exclude(co_units=outsider.unit)
    item = mine.first()
    progress_report_submit(item=item, user=reporter, text="已完成全部建设内容", percent=100,
                           expected_version=item.version, files=[("验收照片.png", PNG)])  # fmt: skip
    item = LedgerItem.objects.get(pk=item.pk)
    item = item_transition(item=item, action="request_close", user=reporter, expected_version=item.version)
    item = item_transition(item=item, action="approve_close", user=reviewer, expected_version=item.version)
    assert item.status == "closed" and item.evidence.count() == 1
    assert [t.action for t in item.transitions.all()] == ["report_progress", "request_close", "approve_close"]
    for other in (outsider, county):
        with pytest.raises(Http404):
            access_item(user=other, item_id=item.code)
        with pytest.raises(Http404):
            item_transition(item=item, action="reopen", user=other, expected_version=item.version, reason="x")
    assert item_list(user=county).count() == county_parents.count()  # 固安县: one child per 各县 task
