"""Ratio targets (unit 比, value N of 1:N) compared correctly against computed indicator values, and linked to
indicators from the review page with an audit record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yigai.apps.audit.models import AuditEvent
from yigai.apps.indicators.models import IndicatorTarget
from yigai.apps.indicators.services.targets import target_link
from yigai.apps.plans.services import plan_store_document
from yigai.core.plan import RATIO_UNIT, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(orgunits, fake_document):
    target = Target(id="G1", task_id=None, indicator="医护比", comparator=">=", value=1.2, unit=RATIO_UNIT,
                    quote="医护比不低于1:1.2", year=2025)  # fmt: skip
    return plan_store_document(document=fake_document(targets=(target,)), content_hash="r")


def test_linking_a_ratio_target_keeps_n(plan) -> None:
    # 医护比不低于1:1.2: the indicator computes N = nurses ÷ physicians, so the bound stays "N ≥ 1.2"
    linked = target_link(target=plan.targets.get(), indicator="NURSE_PHYSICIAN_RATIO")
    assert linked.comparator == ">=" and linked.value == pytest.approx(1.2)


def test_link_from_the_review_page_is_audited(client, make_user, plan) -> None:
    client.force_login(make_user("owner", "plan_owner", "130600", "市卫生健康委"))
    g = plan.targets.get()
    response = client.post(reverse("indicators:target_link", kwargs={"target_id": g.pk}),
                           {"indicator": "NPA46_PHYSICIAN_NURSE_RATIO"})  # fmt: skip
    assert response.status_code == 302
    assert IndicatorTarget.objects.filter(plan_target=g).exists()
    assert AuditEvent.objects.filter(action="target.link").count() == 1
    page = client.get(reverse("plans:detail", kwargs={"ref": plan.pk})).content.decode()
    assert "NPA46_PHYSICIAN_NURSE_RATIO" in page or "医护比（NPA46" in page or "已关联指标" in page
