"""Pages of 考核: schemes and stages, results with ranks, the explanation of one unit's score (自评, 申诉,
evidence marks), comparison of two stages, the Excel export and the scheme editor. Each view parses,
calls one service or selector, and renders."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yigai.apps.accounts.requests import AuthedRequest
from yigai.apps.assessment import selectors, services
from yigai.apps.assessment.export import stage_xlsx
from yigai.apps.assessment.models import EvidenceMark, SchemeRecord
from yigai.apps.audit.services import audit_record
from yigai.apps.ledger.selectors import access_item
from yigai.core.assessment import RULE_LABELS, Scheme, SchemeError, Stage, compare, example_text
from yigai.core.permissions import Perm, may

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {"item": gettext_lazy("台账事项"), "reports": gettext_lazy("报送"), "notice": gettext_lazy("督办单"),
               "value": gettext_lazy("指标值"), "award": gettext_lazy("加分"), "veto": gettext_lazy("否决"),
               "note": gettext_lazy("说明")}  # fmt: skip
ASSESSED_LABELS = {"city": gettext_lazy("市"), "county": gettext_lazy("县（市、区）"),
                   "department": gettext_lazy("部门"), "hospital": gettext_lazy("医院")}  # fmt: skip


def _scheme(record: SchemeRecord) -> Scheme:
    try:
        return services.scheme_parse(record.text, source=record.key)
    except SchemeError as e:
        raise Http404(str(e)) from None


def _run(request: AuthedRequest, key: str, stage: str) -> tuple[SchemeRecord, services.StageRun]:
    record = selectors.access_scheme(user=request.user, key=key)
    try:
        return record, services.stage_run(scheme=_scheme(record), stage=stage, record=record)
    except ValueError as e:
        raise Http404(str(e)) from None


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    rows = []
    for record in selectors.scheme_list():
        frozen = selectors.frozen_stages(record)
        try:
            scheme = services.scheme_parse(record.text)
            stages = [(s, frozen.get(s.key)) for s in scheme.stages]
            named = {s.key for s, _f in stages}  # a frozen stage since deleted from the scheme stays listed
            stages += [(Stage(f.stage, f.as_of, f.label), f) for f in frozen.values() if f.stage not in named]
            kind, error = scheme.kind, ""
        except SchemeError as e:
            stages, kind, error = [], "", str(e)
        rows.append(
            {"record": record, "stages": stages, "error": error, "kind": ASSESSED_LABELS.get(kind, "")}
        )
    return render(
        request, "assessment/index.html", {"rows": rows, "may_edit": may(request.user, Perm.EDIT_PLANS)}
    )


@login_required
def results(request: AuthedRequest, key: str, stage: str) -> HttpResponse:
    record, run = _run(request, key, stage)
    units = selectors.visible_units(user=request.user, result=run.result)
    context = {"record": record, "run": run, "units": units, "components": run.scheme.components,
               "may_freeze": may(request.user, Perm.ASSESS) and run.frozen is None,
               "stages": run.scheme.stages, "sees_all": selectors.sees_jurisdiction(request.user),
               "intact": run.frozen is None or services.frozen_intact(run.frozen)}  # fmt: skip
    return render(request, "assessment/results.html", context)


@login_required
def explain(request: AuthedRequest, key: str, stage: str, unit: str) -> HttpResponse:
    record, run = _run(request, key, stage)
    score = selectors.access_unit(user=request.user, result=run.result, key=unit)
    facts = next((f for f in run.facts if f.key == unit), None)
    extras = selectors.unit_extras(record=record, stage=run.stage.key, key=unit, frozen=run.frozen)
    own = unit in selectors.own_unit_keys(request.user)
    parts = [{"c": c, "reasons": [{"r": r, "kind": KIND_LABELS.get(r.kind, r.kind)} for r in c.reasons],
              "rule": RULE_LABELS.get(c.rule, c.rule)} for c in score.components]  # fmt: skip
    context = {"record": record, "run": run, "u": score, "parts": parts, "extras": extras, "own": own,
               "items": facts.items if facts else (), "frozen": run.frozen is not None,
               "may_assess": may(request.user, Perm.ASSESS), "marks": EvidenceMark.MARKS,
               "total_units": len(run.result.units)}  # fmt: skip
    return render(request, "assessment/explain.html", context)


def _back(key: str, stage: str, unit: str) -> HttpResponse:
    return redirect(reverse("assessment:explain", args=[key, stage, unit]))


@require_POST
@login_required
def freeze(request: AuthedRequest, key: str, stage: str) -> HttpResponse:
    record = selectors.access_scheme(user=request.user, key=key)
    try:
        frozen = services.stage_freeze(actor=request.user, record=record, stage=stage, request=request)
    except (services.AssessmentError, ValueError) as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("已冻结，快照 SHA-256：%(digest)s") % {"digest": frozen.digest})
    return redirect(reverse("assessment:results", args=[key, stage]))


def _own_run(
    request: AuthedRequest, key: str, stage: str, unit: str, refusal: str
) -> tuple[SchemeRecord, services.StageRun]:
    """The stage, for a unit acting on its own scores only (自评, 申诉)."""
    if unit not in selectors.own_unit_keys(request.user):
        raise PermissionDenied(refusal)
    return _run(request, key, stage)


@require_POST
@login_required
def self_assess(request: AuthedRequest, key: str, stage: str, unit: str) -> HttpResponse:
    record, run = _own_run(request, key, stage, unit, _("只有被考核单位本身可以自评"))
    try:
        score = float(request.POST.get("score", ""))
        files = [(f.name or "", f.read()) for f in request.FILES.getlist("files")]
        services.self_assessment_submit(actor=request.user, record=record, stage=run.stage.key, unit_key=unit,
                                        score=score, text=request.POST.get("text", ""),
                                        evidence=request.POST.get("evidence", ""), files=files,
                                        request=request)  # fmt: skip
    except ValueError as e:
        messages.error(request, str(e) if isinstance(e, services.AssessmentError) else _("自评得分应为数字"))
    else:
        messages.success(request, _("自评已提交"))
    return _back(key, stage, unit)


@login_required
def evidence(request: AuthedRequest, pk: int) -> FileResponse:
    """A 自评 file, only while its bytes still have the SHA-256 recorded at upload (and in a frozen stage)."""
    row = selectors.access_self_evidence(user=request.user, pk=pk)
    if not services.evidence_intact(row):
        raise Http404(_("文件已不在存储中，或与上传（冻结）时不一致，请联系管理员"))
    audit_record(actor=request.user, action="assessment.evidence_download", obj=row, request=request)
    path = services.evidence_path_of(row.stored_name)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=row.original_name, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def objection(request: AuthedRequest, key: str, stage: str, unit: str) -> HttpResponse:
    record, run = _own_run(request, key, stage, unit, _("只有被考核单位本身可以申诉"))
    try:
        services.objection_submit(actor=request.user, record=record, stage=run.stage.key, unit_key=unit,
                                  text=request.POST.get("text", ""), component=request.POST.get("component", ""),
                                  request=request)  # fmt: skip
    except services.AssessmentError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("申诉已提交"))
    return _back(key, stage, unit)


@require_POST
@login_required
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    row = selectors.access_objection(user=request.user, pk=pk)
    try:
        services.objection_reply(
            actor=request.user, objection=row, reply=request.POST.get("reply", ""), request=request
        )
    except services.AssessmentError as e:
        messages.error(request, str(e))
    return _back(row.scheme.key, row.stage, row.unit_key)


@require_POST
@login_required
def mark(request: AuthedRequest, key: str, stage: str, unit: str) -> HttpResponse:
    item = access_item(user=request.user, item_id=request.POST.get("item", ""))
    try:
        services.evidence_mark_set(
            actor=request.user, item=item, mark=request.POST.get("mark", ""), request=request
        )
    except services.AssessmentError as e:
        messages.error(request, str(e))
    return _back(key, stage, unit)


@login_required
def export(request: AuthedRequest, key: str, stage: str) -> HttpResponse:
    run = _run(request, key, stage)[1]
    units = selectors.visible_units(user=request.user, result=run.result)
    data = stage_xlsx(title=f"{run.scheme.name} · {run.stage.label}", result=run.result, units=units,
                      frozen=run.frozen is not None)  # fmt: skip
    audit_record(actor=request.user, action="assessment.export", request=request,
                 details={"scheme": key, "stage": run.stage.key, "units": len(units)})  # fmt: skip
    name = _("考核结果_%(stage)s.xlsx") % {"stage": run.stage.label}
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"assessment.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
def stage_compare(request: AuthedRequest, key: str) -> HttpResponse:
    record = selectors.access_scheme(user=request.user, key=key)
    scheme = _scheme(record)
    keys = [s.key for s in scheme.stages]
    a = request.GET.get("a") or (keys[0] if keys else "")
    b = request.GET.get("b") or (keys[-1] if keys else "")
    try:
        ra = services.stage_run(scheme=scheme, stage=a, record=record)
        rb = services.stage_run(scheme=scheme, stage=b, record=record)
    except ValueError as e:
        raise Http404(str(e)) from None
    seen = {u.key for u in selectors.visible_units(user=request.user, result=rb.result)}
    seen |= {u.key for u in selectors.visible_units(user=request.user, result=ra.result)}
    changes = [c for c in compare(ra.result, rb.result) if c.key in seen]
    context = {"record": record, "scheme": scheme, "a": ra, "b": rb, "pair": (ra, rb), "changes": changes}
    return render(request, "assessment/compare.html", context)


@login_required
def edit(request: AuthedRequest, key: str | None = None) -> HttpResponse:
    if not may(request.user, Perm.EDIT_PLANS):
        raise PermissionDenied(_("只有方案管理员可以编辑考核方案"))
    record = selectors.access_scheme(user=request.user, key=key) if key else None
    if record is not None and not selectors.may_change_scheme(user=request.user, plan=record.plan):
        raise PermissionDenied(_("无权修改该方案的考核方案"))
    text = record.text if record else example_text()
    errors: list[Any] = []
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            saved = services.scheme_save(actor=request.user, text=text, request=request)
        except SchemeError as e:
            errors = e.problems
        except services.AssessmentError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("考核方案已保存"))
            return redirect(reverse("assessment:index") + f"#scheme-{saved.pk}")
    return render(request, "assessment/edit.html", {"record": record, "text": text, "errors": errors})
