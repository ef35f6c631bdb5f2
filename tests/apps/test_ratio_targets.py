"""Ratio targets (unit 比, value N of 1:N) compared correctly against computed indicator values, and linked to
indicators from the review page with an audit record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yigai.apps.audit.models import AuditEvent
from yigai.apps.indicators.models import IndicatorTarget
from yigai.apps.indicators.services.targets import target_link
from yigai.apps.plans.services import plan_store_document
from yigai.core.plan import RATIO_UNIT, Target, ratio_as_quotient, ratio_met

pytestmark = pytest.mark.django_db


def test_ratio_met_compares_on_n() -> None:
    # 医护比不低于1:1.2: nurses per physician at least 1.2; a computed physicians ÷ nurses of 0.8 is 1:1.25
    assert ratio_as_quotient(">=", 1.2) == ("<=", pytest.approx(1 / 1.2))
    assert ratio_met(">=", 1.2, computed_quotient=0.8) is True
    assert ratio_met(">=", 1.2, computed_quotient=0.9) is False  # 1:1.11
    assert ratio_met("<=", 1.6, computed_quotient=0.5) is False  # 1:2 exceeds 1:1.6


@pytest.fixture
def plan(orgunits, fake_document):
    target = Target(id="G1", task_id=None, indicator="医护比", comparator=">=", value=1.2, unit=RATIO_UNIT,
                    quote="医护比不低于1:1.2", year=2025)  # fmt: skip
    return plan_store_document(document=fake_document(targets=(target,)), content_hash="r")


def test_linking_a_ratio_target_stores_the_indicators_quotient(plan) -> None:
    linked = target_link(target=plan.targets.get(), indicator="NPA46_PHYSICIAN_NURSE_RATIO")
    assert linked.comparator == "<=" and linked.value == pytest.approx(0.8333, abs=1e-4)


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
