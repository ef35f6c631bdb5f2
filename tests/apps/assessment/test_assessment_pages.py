"""Pages of 考核: who sees which unit, the explanation, the export, 自评/申诉, and frozen stages unchanged."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from yigai.apps.assessment import services
from yigai.apps.assessment.models import FrozenStage, Objection, SelfAssessment

from .conftest import SCHEME

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(history, users):
    return services.scheme_save(actor=users["owner"], text=SCHEME)


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def test_assessor_sees_the_jurisdiction_and_a_unit_only_itself(client, record, users) -> None:
    page = _get(client, users["reviewer"], "assessment:results", "golden", "2024").content.decode()
    assert "清苑区" in page and "竞秀区" in page and "莲池区" in page
    own = _get(client, users["county"], "assessment:results", "golden", "2024").content.decode()
    assert "清苑区" in own and "竞秀区" not in own
    assert _get(client, users["county"], "assessment:explain", "golden", "2024", "130606").status_code == 404


def test_explanation_goes_down_to_items_reports_and_notices(client, record, users) -> None:
    b = services.stage_run(scheme=services.scheme_parse(SCHEME), stage="2024", record=record)
    key = next(u.key for u in b.result.units if u.name == "竞秀区")
    page = _get(client, users["reviewer"], "assessment:explain", "golden", "2024", key).content.decode()
    assert "38.00" in page and "逾期 22 个工作日" in page and "漏报 1" in page and "未回复" in page
    assert reverse("ledger:item", args=[b.result.unit(key).components[0].reasons[0].ref]) in page


def test_export_has_scores_and_reasons_with_cells_neutralised(client, record, users) -> None:
    from openpyxl import load_workbook

    response = _get(client, users["reviewer"], "assessment:export", "golden", "2024")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["得分与排名"].iter_rows(min_row=3, values_only=True))
    assert rows[0][:4] == (1, "清苑区", "130608", 102)
    assert any("漏报" in str(r[4]) for r in book["得分依据"].iter_rows(min_row=2, values_only=True))


def test_self_assessment_and_objection_then_frozen_stage_unchangeable(client, record, users) -> None:
    client.force_login(users["county"])
    base = ["golden", "2024", "130608"]
    client.post(
        reverse("assessment:self", args=base),
        {"score": "100", "text": "全部按期完成", "evidence": "验收报告"},
    )
    client.post(reverse("assessment:objection", args=base), {"text": "加分项漏算", "component": "pilot"})
    assert SelfAssessment.objects.get().score == 100 and Objection.objects.count() == 1
    page = client.get(reverse("assessment:explain", args=base)).content.decode()
    assert "全部按期完成" in page and "102.00" in page  # the assessor's score beside the unit's own
    client.force_login(users["reviewer"])
    client.post(reverse("assessment:reply", args=[Objection.objects.get().pk]), {"reply": "已计入"})
    assert Objection.objects.get().reply == "已计入"
    client.post(reverse("assessment:freeze", args=["golden", "2024"]))
    frozen = FrozenStage.objects.get()
    client.post(reverse("assessment:freeze", args=["golden", "2024"]))
    client.force_login(users["county"])
    client.post(reverse("assessment:self", args=base), {"score": "60", "text": "改", "evidence": ""})
    assert SelfAssessment.objects.get().score == 100
    assert FrozenStage.objects.get().digest == frozen.digest and FrozenStage.objects.count() == 1


def test_unit_may_not_freeze_or_edit_and_editor_names_lines(client, record, users) -> None:
    client.force_login(users["county"])
    client.post(reverse("assessment:freeze", args=["golden", "2024"]))
    assert not FrozenStage.objects.exists()
    assert client.get(reverse("assessment:edit", args=["golden"])).status_code == 403
    client.force_login(users["owner"])
    bad = SCHEME.replace("rule: on_time_closure", "rule: on_time")
    page = client.post(reverse("assessment:edit", args=["golden"]), {"text": bad}).content.decode()
    assert "第 10 行" in page and "未知规则类型" in page
    assert "on_time_closure" in services.scheme_parse(record.text).components[0].rule.kind


def test_dashboard_card_and_briefing_section_after_a_freeze(client, record, users) -> None:
    from docx import Document

    client.force_login(users["leader"])
    assert "assessment-card" not in client.get(reverse("dashboard:index")).content.decode()
    services.stage_freeze(actor=users["reviewer"], record=record, stage="2024")
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "assessment-card" in page and "清苑区" in page
    docx = client.get(reverse("dashboard:briefing") + "?org=130600")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "六、考核结果" in text and "已冻结" in text


def test_only_an_assessor_marks_evidence_and_the_mark_counts(client, record, users, history) -> None:
    from yigai.apps.assessment.models import EvidenceMark

    c = history["c"]  # 莲池区: unmarked, so evidence is full marks
    today = services.today().isoformat()  # a mark given today counts from today's stage on
    args = ["golden", today, c.org_unit.code]
    client.force_login(users["county"])
    client.post(reverse("assessment:mark", args=args), {"item": c.code, "mark": "poor"})
    assert not EvidenceMark.objects.filter(item=c).exists()
    client.force_login(users["reviewer"])
    client.post(reverse("assessment:mark", args=args), {"item": c.code, "mark": "poor"})
    scheme = services.scheme_parse(SCHEME)
    run = services.stage_run(scheme=scheme, stage=today, record=record)
    assert run.result.unit(c.org_unit.code).component("evidence").points == 0
    before = services.stage_run(scheme=scheme, stage="2025", record=record)  # given after 2025: not counted
    assert before.result.unit(c.org_unit.code).component("evidence").points == 10


def test_an_altered_snapshot_is_shown_as_altered(client, record, users) -> None:
    frozen = services.stage_freeze(actor=users["reviewer"], record=record, stage="2024")
    client.force_login(users["reviewer"])
    assert (
        "snapshot-altered"
        not in client.get(reverse("assessment:results", args=["golden", "2024"])).content.decode()
    )
    data = frozen.snapshot
    data["result"]["units"][0]["total"] = 120.0  # someone edits the row behind the application's back
    FrozenStage.objects.filter(pk=frozen.pk).update(snapshot=data)
    page = client.get(reverse("assessment:results", args=["golden", "2024"])).content.decode()
    assert "snapshot-altered" in page


def test_a_snapshot_altered_with_its_digest_recomputed_is_shown_as_altered(client, record, users) -> None:
    """Probe (session 4): the page compared the snapshot with the digest in the same row, so whoever could
    edit the row rewrote both and the page said 快照校验通过; the digest recorded in the (keyed) audit chain
    at freezing is the reference."""
    from yigai.core.assessment import digest

    frozen = services.stage_freeze(actor=users["reviewer"], record=record, stage="2024")
    data = frozen.snapshot
    data["result"]["units"][0]["total"] = 120.0
    FrozenStage.objects.filter(pk=frozen.pk).update(snapshot=data, digest=digest(data))
    client.force_login(users["reviewer"])
    page = client.get(reverse("assessment:results", args=["golden", "2024"])).content.decode()
    assert "snapshot-altered" in page
    assert (
        client.get(reverse("assessment:results", args=["golden", "9999-12-31"])).status_code == 404
    )  # was 500
    forged = FrozenStage.objects.create(  # a frozen stage written straight into the table: no freeze event
        scheme=record, stage="2025", as_of=frozen.as_of, label="2025", snapshot=data, digest=digest(data),
        frozen_at=frozen.frozen_at,
    )  # fmt: skip
    assert not services.frozen_intact(forged)


def test_editing_the_scheme_neither_hides_nor_relabels_a_frozen_stage(client, record, users) -> None:
    """Probe (session 4): a frozen stage was read through the scheme's current text — deleting the stage
    from the scheme made its frozen results a 404, and renamed or reweighted components were shown over
    the frozen points. A frozen stage is read with the scheme text frozen with it."""
    services.stage_freeze(actor=users["reviewer"], record=record, stage="2024")
    edited = SCHEME.replace('  - {key: "2024", date: 2024-12-31, label: 2024年阶段评估}\n', "")
    edited = edited.replace(
        "name: 按期销号, rule: on_time_closure, weight: 40",
        "name: 改名后的考核项, rule: on_time_closure, weight: 40",
    )
    services.scheme_save(actor=users["owner"], text=edited)
    client.force_login(users["reviewer"])
    page = client.get(reverse("assessment:results", args=["golden", "2024"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2024年阶段评估" in text and "按期销号" in text and "改名后的考核项" not in text
    assert "snapshot-altered" not in text
    index = client.get(reverse("assessment:index")).content.decode()
    assert reverse("assessment:results", args=["golden", "2024"]) in index
