"""A plan's targets on its review page say what the document says: per-population targets keep their
population (每千人口3.2人, not 3.2 physicians in all) and recurring ones keep "每年" (每年提高2个百分点,
not a one-off rise), and an unlinked target offers the catalogue indicators the matching engine suggests,
so that an owner who knows no indicator codes can still bring it into 指标监测.

Found walking a city 任务分工表 (示例: 绵阳市, 2025) through the review page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yigai.apps.indicators.models import IndicatorTarget
from yigai.apps.plans.services import plan_store_document
from yigai.core.plan import Target

pytestmark = pytest.mark.django_db

PHYSICIANS = Target(id="G1", task_id=None, indicator="执业（助理）医师数", comparator=">=", value=3.2, unit="人",
                    per="每千人口", year=2025, quote="全市每千人口执业（助理）医师数达到3.2人")  # fmt: skip
TOTS = Target(id="G2", task_id=None, indicator="托位数", comparator=">=", value=4.5, unit="个", per="千人口",
              year=2025, quote="每千人口拥有3岁以下婴幼儿托位数达到4.5个")  # fmt: skip
SIGNING = Target(id="G3", task_id=None, indicator="家庭医生签约覆盖率", comparator="increase_by", value=2,
                 unit="百分点", recurring="yearly", year=2025, quote="家庭医生签约覆盖率每年提高2个百分点")  # fmt: skip


@pytest.fixture
def page(client, make_user, orgunits, fake_document):
    plan = plan_store_document(document=fake_document(targets=(PHYSICIANS, TOTS, SIGNING)), content_hash="w")
    client.force_login(make_user("owner", "plan_owner", "130000", "省卫生健康委"))
    html = client.get(reverse("plans:detail", kwargs={"ref": plan.pk})).content.decode()
    return plan, html


def _row(html: str, plan, ext_id: str) -> str:
    pk = plan.targets.get(ext_id=ext_id).pk
    found = re.search(rf'<tr class="target-row" id="target-{pk}">(.*?)</tr>', html, re.S)
    assert found, ext_id
    return re.sub(r"<[^>]+>|\s+", "", found.group(1))


def test_a_per_population_target_keeps_its_population(page) -> None:
    plan, html = page
    assert "每千人口3.2人" in _row(html, plan, "G1")
    assert "每千人口4.5个" in _row(html, plan, "G2")  # stored without 每 by some documents


def test_a_yearly_rise_says_each_year(page) -> None:
    plan, html = page
    assert "每年提高2百分点" in _row(html, plan, "G3")


def test_an_unlinked_target_offers_the_suggested_indicator(client, page) -> None:
    plan, html = page
    row = _row(html, plan, "G1")
    assert "每千人口执业（助理）医师数" in row and "PHYSICIANS_PER_1000" in row
    g1 = plan.targets.get(ext_id="G1")
    button = re.search(
        rf'action="/indicators/targets/{g1.pk}/link/".*?name="indicator" value="([A-Z0-9_]+)"', html, re.S
    )
    assert button and button.group(1) == "PHYSICIANS_PER_1000"
    response = client.post(reverse("indicators:target_link", kwargs={"target_id": g1.pk}),
                           {"indicator": button.group(1)})  # fmt: skip
    assert response.status_code == 302
    assert IndicatorTarget.objects.get(plan_target=g1).indicator.code == "PHYSICIANS_PER_1000"
