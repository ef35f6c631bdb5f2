"""Issue 12, the review page: targets listed and edited, ratios as written, hints least confident first, the
region editable until published, the period as written, warnings in Chinese, a preview before publishing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yigai.apps.audit.models import AuditEvent
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Status, Target
from yigai.apps.plans.services import plan_store_document, target_add, target_delete, target_update
from yigai.apps.publishing import plan_publish
from yigai.core.plan import RATIO_UNIT, Hint
from yigai.core.plan import Target as CoreTarget
from yigai.core.plan import Task as CoreTask

pytestmark = pytest.mark.django_db
S = ("一、主要目标",)
TEXT = "到2025年，公立医院床人比不低于1:1.6，医护比不低于1:1.2，每千人口执业（助理）医师数达到3.2人。"


def _doc(fake_document, **kw):
    tasks = (
        CoreTask(id="T1", number="1", path=S, title="优化人员配置", text=TEXT, lead_units=("各区人民政府",),
                 hint=Hint("numbered_item/units", "各区人民政府", 0.9)),
        CoreTask(id="T2", number="2", path=S, title="加强基层", text="加强基层医疗卫生服务。", lead_units=("市卫生健康委",),
                 hint=Hint("numbered_item/no_units", "2.", 0.35)),
    )  # fmt: skip
    targets = (
        CoreTarget(id="G1", task_id="T1", indicator="公立医院床人比", comparator=">=", value=1.6, unit=RATIO_UNIT,
                   quote="公立医院床人比不低于1:1.6", year=2025, hint=Hint("ratio", "不低于1:1.6", 0.8)),
        CoreTarget(id="G2", task_id="T1", indicator="医护比", comparator=">=", value=1.2, unit=RATIO_UNIT,
                   quote="医护比不低于1:1.2", year=2025, hint=Hint("ratio", "不低于1:1.2", 0.5)),
        CoreTarget(id="G3", task_id=None, indicator="每千人口执业（助理）医师数", comparator=">=", value=3.2,
                   unit="人", quote="每千人口执业（助理）医师数达到3.2人", year=2025),
    )  # fmt: skip
    fields = {
        "issuer": "廊坊市人民政府办公室",
        "doc_number": "廊政办字〔2024〕9号",
        "tasks": tasks,
        "targets": targets,
    }
    return fake_document(**{**fields, **kw})


@pytest.fixture
def owner(client, make_user):
    client.force_login(make_user("owner", "plan_owner", "131000", "市卫生健康委"))
    return client


@pytest.fixture
def plan(orgunits, fake_document):
    return plan_store_document(document=_doc(fake_document), content_hash="lf")


def page(client, plan) -> str:
    return client.get(reverse("plans:detail", kwargs={"ref": plan.pk})).content.decode()


def test_every_target_listed_with_its_quote_highlighted(owner, plan) -> None:
    html = page(owner, plan)
    section = html[html.index('id="targets"') :]
    assert section.count('class="target-row"') == 3
    assert "<mark>公立医院床人比不低于1:1.6</mark>" in section  # in the task's text
    assert (
        "<mark>每千人口执业（助理）医师数达到3.2人</mark>" in section
    )  # a target of no task: found in the text


def test_ratio_targets_stored_and_shown_as_written(owner, plan) -> None:
    g1 = plan.targets.get(ext_id="G1")
    assert (g1.unit, g1.value) == (RATIO_UNIT, 1.6)
    html = page(owner, plan)
    assert "≥ 1:1.6" in html and "≥ 1:1.2" in html
    assert "1.6比" not in html and "1.61:N" not in html and ":N" not in html


def test_hints_stored_and_listed_least_confident_first(owner, plan) -> None:
    t2 = plan.tasks.get(ext_id="T2")
    assert (t2.hint_rule, t2.hint_span, t2.hint_confidence) == ("numbered_item/no_units", "2.", 0.35)
    html = page(owner, plan)
    hints = html[html.index('id="hints"') :]
    order = [hints.index(x) for x in ("加强基层", "医护比", "公立医院床人比", "优化人员配置")]
    assert order == sorted(order)  # 0.35, 0.5, 0.8, 0.9


def test_page_works_without_hints(owner, orgunits, fake_document) -> None:
    plain = plan_store_document(document=fake_document(issuer="廊坊市人民政府办公室"), content_hash="plain")
    html = page(owner, plain)
    assert 'id="hints"' not in html and 'id="targets"' in html


def test_target_edit_add_delete_with_audit(owner, plan, make_user) -> None:
    g2 = plan.targets.get(ext_id="G2")
    target_update(target=g2, value=1.25, indicator="医护比（全市）")
    g2.refresh_from_db()
    assert g2.value == 1.25 and g2.indicator == "医护比（全市）" and g2.edited
    added = target_add(plan=plan, indicator="床位使用率", comparator=">=", value=85, unit="%", quote="")
    assert added.plan == plan and plan.targets.count() == 4
    target_delete(target=added)
    assert plan.targets.count() == 3
    actions = list(AuditEvent.objects.filter(action__startswith="target.").values_list("action", flat=True))
    assert sorted(actions) == ["target.add", "target.delete", "target.update"]
    response = owner.post(
        reverse("plans:target_edit", kwargs={"target_id": g2.pk}),
        {"indicator": "医护比", "comparator": ">=", "value": "1:1.3", "unit": RATIO_UNIT, "year": "2025",
         "quote": g2.quote},
    )  # fmt: skip
    assert response.status_code == 302
    g2.refresh_from_db()
    assert g2.value == 1.3  # "1:1.3" typed as people write it


def test_reporter_cannot_edit_targets(client, plan, make_user) -> None:
    client.force_login(make_user("r", "unit_reporter", "131003", "广阳区人民政府"))
    g1 = plan.targets.get(ext_id="G1")
    response = client.post(reverse("plans:target_delete", kwargs={"target_id": g1.pk}))
    assert response.status_code in (403, 404) and Target.objects.filter(pk=g1.pk).exists()


def test_period_as_written_never_a_question_mark(owner, orgunits, fake_document) -> None:
    only_end = plan_store_document(
        document=_doc(fake_document, period_start=None, period_end=2025), content_hash="e"
    )
    html = page(owner, only_end)
    assert "至2025年" in html and "?" not in html[html.index("plan-meta") : html.index("plan-meta") + 2000]
    none = plan_store_document(
        document=_doc(fake_document, period_start=None, period_end=None), content_hash="n"
    )
    assert "?—" not in page(owner, none)


def test_extractor_warnings_shown_in_chinese(owner, orgunits, fake_document) -> None:
    w = "文件可能不完整（document may be truncated）：最后一句在“…提”处中断"
    plan = plan_store_document(document=_doc(fake_document, warnings=(w,)), content_hash="w")
    html = page(owner, plan)
    assert "文件可能不完整：最后一句在“…提”处中断" in html and "document may be truncated" not in html


def test_region_editable_until_published(owner, plan) -> None:
    url = reverse("plans:region", kwargs={"ref": plan.pk})
    guangyang = OrgUnit.objects.get(code="131003")
    assert 'name="org_unit"' in page(owner, plan)
    assert owner.post(url, {"org_unit": guangyang.pk}).status_code == 302
    plan.refresh_from_db()
    assert plan.org_unit == guangyang
    plan_publish(plan=plan)
    assert 'name="org_unit"' not in page(owner, plan)
    owner.post(url, {"org_unit": OrgUnit.objects.get(code="131000").pk})
    plan.refresh_from_db()
    assert plan.org_unit == guangyang


def test_preview_then_confirm(owner, plan) -> None:
    html = owner.get(reverse("plans:preview", kwargs={"ref": plan.pk})).content.decode()
    assert "安次区人民政府" in html and "广阳区人民政府" in html and "固安县" not in html
    assert 'id="confirm-publish"' in html
    assert owner.post(reverse("plans:publish", kwargs={"ref": plan.pk})).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED


def test_empty_plan_preview_refuses(owner, orgunits, fake_document) -> None:
    empty = plan_store_document(document=_doc(fake_document, tasks=(), targets=()), content_hash="0")
    html = owner.get(reverse("plans:preview", kwargs={"ref": empty.pk})).content.decode()
    assert "方案没有任务" in html and 'id="confirm-publish"' not in html
    response = owner.post(reverse("plans:publish", kwargs={"ref": empty.pk}), follow=True)
    assert "方案没有任务" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == Status.DRAFT


def test_plans_named_by_title_and_number(owner, plan) -> None:
    html = owner.get(reverse("plans:list")).content.decode()
    assert "关于测试医改工作的实施方案" in html and "廊政办字〔2024〕9号" in html
    assert "fake_plan.txt" not in html


def test_legacy_ratio_unit_stored_as_the_convention(owner, orgunits, fake_document) -> None:
    old = CoreTarget(
        id="G9",
        task_id=None,
        indicator="医护比",
        comparator=">=",
        value=1.2,
        unit="1:N",
        quote="医护比不低于1:1.2",
    )
    plan = plan_store_document(document=_doc(fake_document, targets=(old,)), content_hash="legacy")
    assert plan.targets.get().unit == RATIO_UNIT
    assert "≥ 1:1.2" in page(owner, plan) and "1.21:N" not in page(owner, plan)


def test_hint_rules_shown_in_chinese(owner, plan) -> None:
    hints = page(owner, plan)
    hints = hints[hints.index('id="hints"') : hints.index('id="targets"')]
    assert "已识别责任单位" in hints and "比值目标" in hints and "编号条目 · 未识别责任单位" in hints
    assert ">numbered_item" not in hints and ">ratio<" not in hints  # codes only in the title attribute
