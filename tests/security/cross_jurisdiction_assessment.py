"""The cross-jurisdiction suite's cases for the assessment (考核) and the record-indicator pages: the objects
an outsider addresses (a 保定 scheme, county A's 自评 and 申诉, a record run), made once per world, and the
refusal and leak cases over them. Split from cross_jurisdiction_cases.py, which merges them in; imported by
its bare name.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from cross_jurisdiction_routes import Req

if TYPE_CHECKING:
    from cross_jurisdiction_cases import LeakCase

COUNTY_A = "130608"  # as in cross_jurisdiction_cases (which imports this module, so not imported from it)


# ---- the assessment's and the records' objects (made on first use, kept on the world) -------------


def assessment_world(w: Any) -> Any:
    """The shipped example scheme tied to the 保定 plan (its assessed counties include A and B), with
    county A's 自评 and 申诉 (their texts are A's markers) and one record run. Made once per world."""
    if getattr(w, "assessment", None) is not None:
        return w.assessment
    from django.utils import timezone

    from yigai.apps.assessment.models import Objection, SelfAssessment, SelfAssessmentEvidence
    from yigai.apps.assessment.services import scheme_save
    from yigai.apps.records.models import RecordRun
    from yigai.core.assessment import example_text

    text = example_text().replace("\nassessed:", f"\nplan: {w.bd.source}\nassessed:", 1)
    stage_2023 = '  - {key: "2023", date: 2023-12-31, label: 2023年阶段评估}\n'
    text = text.replace(stage_2023, "", 1)  # it falls before the plan's start (2024)
    record = scheme_save(actor=None, text=text)
    now, rep_a = timezone.now(), w.users["rep_a"]
    mine = SelfAssessment.objects.create(scheme=record, stage="2025", unit_key=COUNTY_A, score=88, submitted_by=rep_a,
                                         text="自评标记QY6621", evidence="清苑自评佐证QY6622", submitted_at=now)  # fmt: skip
    file = SelfAssessmentEvidence.objects.create(self_assessment=mine, stored_name="qy6623.pdf", size=9, sha256="0",
                                                 original_name="清苑自评文件QY6623.pdf", content_type="application/pdf",
                                                 uploaded_by=rep_a, uploaded_at=now)  # fmt: skip
    objection = Objection.objects.create(scheme=record, stage="2025", unit_key=COUNTY_A, text="申诉标记QY6620",
                                         submitted_by=rep_a, submitted_at=now)  # fmt: skip
    run = RecordRun.objects.create(engine="python", period="2023", started_at=now, user=None)
    w.markers["A"] |= {"QY6620", "QY6621", "QY6622", "QY6623"}
    w.assessment = SimpleNamespace(
        key=record.key, text=text, record=record, objection=objection, run=run, file=file
    )
    return w.assessment


def assessment_refusal_cases(w: Any) -> dict[str, list[Req]]:
    """考核: units act on their own scores only, assessors inside their jurisdiction, schemes are changed by
    plan owners of the plan's region; a refusal by message (the service's AssessmentError) is a redirect."""
    s = assessment_world(w)
    a, key = w.item_a, s.key
    unit_a = f"/assessment/{key}/2025/{COUNTY_A}/"
    other = s.text.replace("\nname: ", "\nname: 越权改写", 1)
    return {
        "assessment/new/": [
            Req("rep_b", "GET", "/assessment/new/"),
            *(Req(who, "POST", "/assessment/new/", {"text": other}) for who in ("rep_b", "unit_y")),
            # another city's plan owner may not replace (same key) a scheme of the 保定 plan
            Req("owner_sjz", "POST", "/assessment/new/", {"text": other}, expect=(200, 403), says="无权修改"),
        ],
        "assessment/<str:key>/edit/": [
            *(Req(who, m, f"/assessment/{key}/edit/", {"text": other})
              for who in ("rep_b", "unit_x") for m in ("GET", "POST")),
            Req("owner_sjz", "GET", f"/assessment/{key}/edit/"),
            Req("owner_sjz", "POST", f"/assessment/{key}/edit/", {"text": other}),
        ],
        "assessment/<str:key>/<str:stage>/freeze/": [
            # reporters are not assessors; another city's assessors may not freeze the 保定 plan's stage
            Req(who, "POST", f"/assessment/{key}/2025/freeze/", expect=(302, 403, 404))
            for who in ("rep_b", "unit_x", "owner_sjz", "reviewer_sjz")
        ],
        "assessment/<str:key>/<str:stage>/<str:unit>/": [
            Req(who, "GET", unit_a) for who in ("rep_b", "unit_y", "unit_x", "owner_sjz", "reviewer_sjz")
        ],
        "assessment/<str:key>/<str:stage>/<str:unit>/self/": [
            Req(who, "POST", f"{unit_a}self/", {"score": "1", "text": "越权"})
            for who in ("rep_b", "unit_y", "owner_bd", "owner_sjz")
        ],
        "assessment/<str:key>/<str:stage>/<str:unit>/objection/": [
            Req(who, "POST", f"{unit_a}objection/", {"text": "越权"}) for who in ("rep_b", "unit_y", "owner_sjz")
        ],
        "assessment/<str:key>/<str:stage>/<str:unit>/mark/": [
            Req("rep_b", "POST", f"{unit_a}mark/", {"item": a.code, "mark": "poor"}),
            Req("reviewer_sjz", "POST", f"{unit_a}mark/", {"item": str(a.pk), "mark": "poor"}),
            Req("owner_sjz", "POST", f"{unit_a}mark/", {"item": a.code, "mark": "poor"}),
            # the unit itself sees its item but may not mark its own evidence (refused with a message)
            Req("rep_a", "POST", f"{unit_a}mark/", {"item": a.code, "mark": "good"}, expect=(302, 403)),
        ],
        "assessment/objections/<int:pk>/reply/": [
            *(Req(who, "POST", f"/assessment/objections/{s.objection.pk}/reply/", {"reply": "越权"})
              for who in ("rep_b", "unit_y", "owner_sjz", "reviewer_sjz")),
            # the objecting unit may not answer its own 申诉 (refused with a message)
            Req("rep_a", "POST", f"/assessment/objections/{s.objection.pk}/reply/", {"reply": "越权"},
                expect=(302, 403)),
        ],
        "assessment/evidence/<int:pk>/": [
            Req(who, "GET", f"/assessment/evidence/{s.file.pk}/")
            for who in ("rep_b", "unit_y", "unit_x", "owner_sjz", "reviewer_sjz")
        ],
    }  # fmt: skip


def records_refusal_cases(w: Any) -> dict[str, list[Req]]:
    """记录级指标: province-level users who approve values only (no user of the world is one)."""
    run = assessment_world(w).run
    form = {"engine": "python", "period": "2023", "reason": "越权"}
    return {
        "records/": [
            *(Req(who, "GET", "/records/") for who in ("rep_b", "owner_bd", "owner_sjz", "reviewer_sjz")),
            *(Req(who, "POST", "/records/", form) for who in ("owner_bd", "reviewer_sjz")),
        ],
        "records/runs/<int:pk>/": [
            Req(who, "GET", f"/records/runs/{run.pk}/") for who in ("rep_b", "owner_bd", "reviewer_sjz")
        ],
    }


def assessment_leak_cases(w: Any) -> dict[str, list[LeakCase]]:
    from cross_jurisdiction_cases import each

    """考核 lists as outsiders: the scheme list, a stage's results, its export and a comparison show the
    units the caller may see only (county A's items, 自评 and 申诉 never to B, the city units or 石家庄)."""
    key = assessment_world(w).key
    return {
        "assessment/": each("/assessment/"),
        "assessment/<str:key>/compare/": each(
            f"/assessment/{key}/compare/", ({}, {"a": "2025", "b": "2027"})
        ),
        "assessment/<str:key>/<str:stage>/": each(f"/assessment/{key}/2025/"),
        "assessment/<str:key>/<str:stage>/export.xlsx": each(f"/assessment/{key}/2025/export.xlsx"),
    }
