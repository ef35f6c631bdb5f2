"""Writes of the assessment app (CONVENTIONS.md §3): save a scheme, freeze a stage, mark evidence, submit
自评 and 申诉, reply to 申诉. Each is atomic and audited. Nothing here ever updates a frozen stage."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from yigai.apps.accounts.models import User
from yigai.apps.assessment import inputs
from yigai.apps.assessment.models import (
    EvidenceMark,
    FrozenStage,
    Objection,
    SchemeRecord,
    SelfAssessment,
    SelfAssessmentEvidence,
)
from yigai.apps.audit.services import audit_record
from yigai.apps.caching.services import cached
from yigai.apps.caching.services import snapshot as snapshot_generations
from yigai.apps.ledger.models import LedgerItem
from yigai.apps.ledger.services import LedgerError, evidence_check, evidence_store
from yigai.apps.ledger.services.evidence import KINDS, clean_name
from yigai.apps.plans.models import Plan
from yigai.core.assessment import (
    Scheme,
    SchemeError,
    Stage,
    StageResult,
    UnitFacts,
    digest,
    facts_from_json,
    load_scheme,
    result_from_json,
    score_stage,
    snapshot,
)
from yigai.core.permissions import Perm, may


class AssessmentError(ValueError):
    """A refusal users read (Chinese)."""


def scheme_parse(text: str, *, source: str = "scheme.yaml") -> Scheme:
    """The scheme checked against the database (item codes, indicators, unit names, the plan's start);
    :class:`~yigai.core.assessment.SchemeError` names the line of every problem."""
    first = load_scheme(text, source=source)
    plan = inputs.plan_of(first)
    if first.plan is not None and plan is None:
        line = next((n for n, row in enumerate(text.splitlines(), 1) if row.startswith("plan:")), 1)
        raise SchemeError(source, [(line, f"找不到方案 {first.plan!r}（按文件名、文号或标题查找）")])
    return load_scheme(text, source=source, context=inputs.context_for(plan, first.kind))


@transaction.atomic
def scheme_save(*, actor: User | None, text: str, request: HttpRequest | None = None) -> SchemeRecord:
    """Store (create or replace by key) a valid scheme; an invalid one stores nothing."""
    if actor is not None and not may(actor, Perm.EDIT_PLANS):
        raise AssessmentError("只有方案管理员可以修改考核方案")
    scheme = scheme_parse(text)
    if actor is not None:
        from yigai.apps.assessment.selectors import may_change_scheme

        old = SchemeRecord.objects.filter(key=scheme.key).select_related("plan").first()
        # the plan the text names and the plan of the scheme it would replace; a plan-less scheme (None) is
        # judged as such only when neither names a plan
        named = {p for p in (inputs.plan_of(scheme), old.plan if old else None) if p is not None}
        plans: set[Plan | None] = set(named) or {None}
        if not all(may_change_scheme(user=actor, plan=p) for p in plans):
            raise AssessmentError("无权修改该方案的考核方案")
    row, created = SchemeRecord.objects.get_or_create(
        key=scheme.key, defaults={"name": scheme.name, "text": text}
    )
    row.name, row.text, row.plan, row.updated_by = scheme.name, text, inputs.plan_of(scheme), actor
    row.save()
    audit_record(actor=actor, action="assessment.scheme_save", obj=row, request=request,
                 details={"key": scheme.key, "digest": scheme.digest, "created": created})  # fmt: skip
    return row


#: the generations a stage's scores are computed from (the assessment app's own marks included)
STAGE_INPUTS = ("ledger", "plans", "indicators", "orgunits", "units", "assessment")


@dataclass(frozen=True)
class StageRun:
    """A stage's results: from the frozen snapshot when frozen (never recomputed), else computed now."""

    scheme: Scheme
    stage: Stage
    result: StageResult
    facts: tuple[UnitFacts, ...]
    frozen: FrozenStage | None


def stage_compute(scheme: Scheme, stage: Stage) -> tuple[tuple[UnitFacts, ...], StageResult]:
    facts = tuple(inputs.unit_facts(scheme, stage.day))
    return facts, score_stage(scheme, stage, facts)


def stage_run(*, scheme: Scheme, stage: str, record: SchemeRecord | None = None) -> StageRun:
    """Scores of ``stage`` (a stage key of the scheme or any date). A frozen stage answers from its
    snapshot, whatever changed since — the scheme included: it is read with the scheme text and stage frozen
    with it, so a later edit of the scheme neither hides it (stage deleted) nor relabels its points."""
    frozen = None if record is None else FrozenStage.objects.filter(scheme=record, stage=stage).first()
    if frozen is not None:
        snap = frozen.snapshot
        # a text this version no longer reads keeps the current scheme's labels (the points stay as frozen)
        with contextlib.suppress(SchemeError):
            scheme = load_scheme(snap["scheme_text"], source=record.key if record else "scheme.yaml")
        day = dt.date.fromisoformat(snap["stage"]["date"])
        st = Stage(snap["stage"]["key"], day, snap["stage"]["label"])
        return StageRun(scheme, st, result_from_json(snap["result"]), facts_from_json(snap["inputs"]), frozen)
    st = scheme.stage(stage)
    # An open stage is recomputed from the ledger, plans, indicators and marks (about 2 s on the demo): the
    # result is cached on the generations of what it reads (ADR 0004), so it is rebuilt after any write to
    # them, never served stale. The scheme's own text and today's date (stages in the future read "as of
    # now") are part of the key.
    at = snapshot_generations(*STAGE_INPUTS)
    parts = (hashlib.sha256(repr(scheme).encode()).hexdigest(), st.key, st.day, timezone.localdate())
    facts, result = cached("assessment_stage", parts, at, lambda: stage_compute(scheme, st))
    return StageRun(scheme, st, result, facts, None)


def stage_freeze(
    *, actor: User | None, record: SchemeRecord, stage: str, request: HttpRequest | None = None
) -> FrozenStage:
    """Compute the stage and store inputs + results read-only; the SHA-256 goes into the audit chain.
    A stage is frozen once: freezing it again is refused."""
    if actor is not None and not may(actor, Perm.ASSESS):
        raise AssessmentError("只有考核人员可以冻结阶段")
    if actor is not None:
        from yigai.apps.assessment.selectors import may_change_scheme

        if not may_change_scheme(user=actor, plan=record.plan):
            raise AssessmentError("无权冻结该方案的考核阶段")
    scheme = scheme_parse(record.text)
    st = scheme.stage(stage)
    if FrozenStage.objects.filter(scheme=record, stage=st.key).exists():
        raise AssessmentError(f"阶段 {st.key} 已冻结，不能重新计算或覆盖")
    facts, result = stage_compute(scheme, st)
    data = snapshot(scheme, st, facts, result)
    data["self_assessments"] = self_assessments_json(record, st.key)  # kept as they were: files by SHA-256
    try:
        with transaction.atomic():
            frozen = FrozenStage.objects.create(
                scheme=record, stage=st.key, as_of=st.day, label=st.label, snapshot=data, digest=digest(data),
                frozen_by=actor, frozen_at=timezone.now(),
            )  # fmt: skip
            audit_record(actor=actor, action="assessment.stage_freeze", obj=frozen, request=request,
                         details={"scheme": record.key, "stage": st.key, "as_of": st.day.isoformat(),
                                  "sha256": frozen.digest, "units": len(result.units)})  # fmt: skip
    except IntegrityError:
        raise AssessmentError(f"阶段 {st.key} 已冻结，不能重新计算或覆盖") from None
    return frozen


def frozen_intact(frozen: FrozenStage) -> bool:
    """Whether the stored snapshot still hashes to the digest recorded when it was frozen — the digest in
    the freeze's audit event (the keyed hash chain), not only the row's own copy, which whoever edits the
    row can rewrite too. A stage with no freeze event is intact only when the event was pruned with the
    chain's oldest records (frozen before the first record kept); else it was written past the service."""
    from yigai.apps.audit.models import AuditEvent

    data: dict[str, Any] = frozen.snapshot
    if digest(data) != frozen.digest:
        return False
    events = AuditEvent.objects.filter(
        action="assessment.stage_freeze", object_type=frozen._meta.label_lower, object_id=str(frozen.pk)
    )
    recorded = [e.details.get("sha256") for e in events]
    if recorded:
        return frozen.digest in recorded
    first = AuditEvent.objects.order_by("seq").values_list("created_at", flat=True).first()
    return first is not None and frozen.frozen_at < first


@transaction.atomic
def evidence_mark_set(*, actor: User, item: LedgerItem, mark: str, note: str = "",
                      request: HttpRequest | None = None) -> EvidenceMark:  # fmt: skip
    """The reviewer's mark of an item's evidence (a new row each time; the rule reads the latest by the day)."""
    if not may(actor, Perm.ASSESS):
        raise AssessmentError("只有审核员或方案管理员可以评定佐证质量")
    if mark not in dict(EvidenceMark.MARKS):
        raise AssessmentError(f"评定应为 {', '.join(dict(EvidenceMark.MARKS))} 之一")
    row = EvidenceMark.objects.create(
        item=item, mark=mark, note=note[:300], marked_by=actor, marked_at=timezone.now()
    )
    audit_record(
        actor=actor, action="assessment.evidence_mark", obj=item, request=request, details={"mark": mark}
    )
    return row


def self_assessments_json(record: SchemeRecord, stage: str) -> dict[str, Any]:
    """Each unit's 自评 of the stage with its files (name, size, SHA-256) — what a frozen stage keeps."""
    rows = SelfAssessment.objects.filter(scheme=record, stage=stage).prefetch_related("files")
    return {r.unit_key: {"score": r.score, "text": r.text, "evidence": r.evidence,
                         "files": [{"id": f.pk, "name": f.original_name, "size": f.size, "sha256": f.sha256}
                                   for f in r.files.all()]} for r in rows}  # fmt: skip


def self_assessment_submit(*, actor: User, record: SchemeRecord, stage: str, unit_key: str, score: float,
                           text: str, evidence: str = "", files: Sequence[tuple[str, bytes]] = (),
                           request: HttpRequest | None = None) -> SelfAssessment:  # fmt: skip
    """自评 by the unit itself (replaces its earlier one until the stage is frozen; files are added to those
    already attached). Every file is checked first (the ledger's evidence check: type by bytes, size limit):
    one bad file refuses the whole submission, naming the file, and nothing is written."""
    if FrozenStage.objects.filter(scheme=record, stage=stage).exists():
        raise AssessmentError(f"阶段 {stage} 已冻结，不能再修改自评")
    if not 0 <= score <= 200:
        raise AssessmentError("自评得分应在 0 到 200 之间")
    try:
        kinds = [evidence_check(name=name, data=data) for name, data in files]
    except LedgerError as e:
        raise AssessmentError(str(e)) from None
    stored: list[str] = []
    try:
        with transaction.atomic():
            row, _ = SelfAssessment.objects.update_or_create(
                scheme=record, stage=stage, unit_key=unit_key,
                defaults={"score": score, "text": text, "evidence": evidence, "submitted_by": actor,
                          "submitted_at": timezone.now()},
            )  # fmt: skip
            for (name, data), kind in zip(files, kinds, strict=True):
                stored.append(evidence_store(data, kind))
                SelfAssessmentEvidence.objects.create(
                    self_assessment=row, stored_name=stored[-1], original_name=clean_name(name), size=len(data),
                    content_type=KINDS[kind], sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor,
                    uploaded_at=timezone.now(),
                )  # fmt: skip
            audit_record(actor=actor, action="assessment.self_assess", obj=row, request=request,
                         details={"stage": stage, "unit": unit_key, "score": score, "files": len(files)})  # fmt: skip
    except Exception:
        for name in stored:
            evidence_path_of(name).unlink(missing_ok=True)
        raise
    return row


def evidence_path_of(stored_name: str) -> Path:
    """Where the ledger's evidence store keeps a file (the same folder as the ledger's 佐证材料)."""
    return Path(settings.LEDGER_EVIDENCE_DIR) / stored_name


def evidence_intact(row: SelfAssessmentEvidence) -> bool:
    """Whether the stored file still has the SHA-256 recorded at upload (and kept by a frozen stage)."""
    path = evidence_path_of(row.stored_name)
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256


@transaction.atomic
def objection_submit(*, actor: User, record: SchemeRecord, stage: str, unit_key: str, text: str,
                     component: str = "", request: HttpRequest | None = None) -> Objection:  # fmt: skip
    if not text.strip():
        raise AssessmentError("请填写申诉理由")
    row = Objection.objects.create(scheme=record, stage=stage, unit_key=unit_key, component=component, text=text,
                                   submitted_by=actor, submitted_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="assessment.objection", obj=row, request=request,
                 details={"stage": stage, "unit": unit_key, "component": component})  # fmt: skip
    return row


@transaction.atomic
def objection_reply(
    *, actor: User, objection: Objection, reply: str, request: HttpRequest | None = None
) -> Objection:
    """The assessor's reply; the frozen scores stay as they are (a correction is a new stage)."""
    if not may(actor, Perm.ASSESS):
        raise AssessmentError("只有考核人员可以答复申诉")
    if not reply.strip():
        raise AssessmentError("请填写答复")
    objection.reply, objection.replied_by, objection.replied_at = reply, actor, timezone.now()
    objection.save(update_fields=["reply", "replied_by", "replied_at"])
    audit_record(actor=actor, action="assessment.objection_reply", obj=objection, request=request)
    return objection


def today() -> dt.date:
    return timezone.localdate()
