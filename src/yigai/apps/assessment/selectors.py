"""Reads of the assessment app, and the one place that decides who sees which unit's scores.

A unit sees its own scores and explanations; an assessor (``Perm.ASSESS``) and a leader see every unit in
their jurisdiction (their org unit's subtree). Objects reach a view only through the ``access_*`` helpers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from yigai.apps.accounts.models import User
from yigai.apps.assessment.models import (
    FrozenStage,
    Objection,
    SchemeRecord,
    SelfAssessment,
    SelfAssessmentEvidence,
)
from yigai.apps.ledger.adapters import place_unit_name
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Plan
from yigai.apps.plans.selectors import may_change_plan
from yigai.core.assessment import StageResult, UnitScore
from yigai.core.permissions import Perm, Role, may, role_of


def scheme_list() -> list[SchemeRecord]:
    return list(SchemeRecord.objects.order_by("key"))


def access_scheme(*, user: User, key: str) -> SchemeRecord:
    """Every signed-in user may open a scheme (what is scored is public to those assessed); which units'
    results they see is :func:`visible_units`."""
    record = SchemeRecord.objects.filter(key=key).first()
    if record is None or not may(user, Perm.VIEW):
        raise Http404("找不到该考核方案")
    return record


def frozen_stages(record: SchemeRecord) -> dict[str, FrozenStage]:
    return {f.stage: f for f in FrozenStage.objects.filter(scheme=record)}


def sees_jurisdiction(user: User) -> bool:
    return may(user, Perm.ASSESS) or role_of(user) in (Role.LEADER, Role.ADMIN)


def own_unit_keys(user: User) -> set[str]:
    """The keys a unit's own account answers for: its org unit's code, and its unit named in its place."""
    keys = set()
    if user.org_unit_id:
        org = user.org_unit
        keys.add(org.code)  # type: ignore[union-attr]  # checked by id
        if user.unit_id:
            keys.add(place_unit_name(user.unit.name, org.name, org.level))  # type: ignore[union-attr]
    return keys


def visible_units(*, user: User, result: StageResult) -> list[UnitScore]:
    """The units of ``result`` the user may see (ranks stay those of the whole stage)."""
    if not user.org_unit_id:
        return list(result.units) if role_of(user) is Role.ADMIN else []
    own = own_unit_keys(user)
    if not sees_jurisdiction(user):
        return [u for u in result.units if u.key in own]
    prefix = user.org_unit.path  # type: ignore[union-attr]  # checked by id
    inside = set(OrgUnit.objects.filter(path__startswith=prefix).values_list("code", flat=True))
    name = user.org_unit.name  # type: ignore[union-attr]
    level = user.org_unit.level  # type: ignore[union-attr]
    return [u for u in result.units
            if u.key in inside or u.key in own or (u.kind == "department" and (level == "province" or u.name.startswith(name)))]  # fmt: skip


def access_unit(*, user: User, result: StageResult, key: str) -> UnitScore:
    found = next((u for u in visible_units(user=user, result=result) if u.key == key), None)
    if found is None:
        raise Http404("找不到该被考核单位，或无权查看")
    return found


@dataclass(frozen=True)
class EvidenceFile:
    """A 自评 file as the explanation lists it; ``intact``: the stored bytes still have the SHA-256 recorded
    at upload (for a frozen stage: the one the snapshot keeps)."""

    id: int
    name: str
    size: int
    sha256: str
    intact: bool


@dataclass(frozen=True)
class UnitExtras:
    self_assessment: SelfAssessment | None
    objections: list[Objection]
    files: list[EvidenceFile]


def unit_extras(
    *, record: SchemeRecord, stage: str, key: str, frozen: FrozenStage | None = None
) -> UnitExtras:
    """自评, its files and 申诉 of a unit; a frozen stage lists the files its snapshot keeps."""
    from yigai.apps.assessment.services import evidence_intact

    mine = SelfAssessment.objects.filter(scheme=record, stage=stage, unit_key=key).first()
    objections = list(
        Objection.objects.filter(scheme=record, stage=stage, unit_key=key).order_by("submitted_at", "pk")
    )
    rows = {f.pk: f for f in SelfAssessmentEvidence.objects.filter(self_assessment=mine)} if mine else {}
    kept = (frozen.snapshot.get("self_assessments") or {}).get(key) if frozen else None
    if kept is not None:  # the files as they were when frozen
        files = [EvidenceFile(f["id"], f["name"], f["size"], f["sha256"],
                              f["id"] in rows and rows[f["id"]].sha256 == f["sha256"] and evidence_intact(rows[f["id"]]))
                 for f in kept["files"]]  # fmt: skip
    else:
        files = [
            EvidenceFile(f.pk, f.original_name, f.size, f.sha256, evidence_intact(f)) for f in rows.values()
        ]
    return UnitExtras(mine, objections, files)


def access_self_evidence(*, user: User, pk: int) -> SelfAssessmentEvidence:
    """A 自评 file for the unit itself, or for an assessor or leader whose jurisdiction holds the unit."""
    row = SelfAssessmentEvidence.objects.filter(pk=pk).select_related("self_assessment").first()
    key = row.self_assessment.unit_key if row else ""
    if row is None or not (
        key in own_unit_keys(user) or (sees_jurisdiction(user) and in_jurisdiction(user, key))
    ):
        raise Http404("找不到该佐证材料")
    return row


def in_jurisdiction(user: User, key: str) -> bool:
    """Whether the assessed unit ``key`` lies in the user's jurisdiction (as :func:`visible_units` reads it:
    an org unit of the user's subtree, or a department named under the user's place)."""
    if not user.org_unit_id:
        return role_of(user) is Role.ADMIN
    org = user.org_unit
    if org.level == "province" or key.startswith(org.name):  # type: ignore[union-attr]  # checked by id
        return True
    return OrgUnit.objects.filter(path__startswith=org.path, code=key).exists()  # type: ignore[union-attr]


def access_objection(*, user: User, pk: int) -> Objection:
    """申诉 for the unit itself, or for an assessor whose jurisdiction holds the unit."""
    row = Objection.objects.filter(pk=pk).select_related("scheme").first()
    if row is None or not (
        row.unit_key in own_unit_keys(user)
        or (may(user, Perm.ASSESS) and in_jurisdiction(user, row.unit_key))
    ):
        raise Http404("找不到该申诉")
    return row


def may_change_scheme(*, user: User, plan: Plan | None) -> bool:
    """A scheme tied to a plan is saved and frozen only by those who may change that plan (its region's
    plan owners and reviewers), a scheme of no plan only at province level; the role checks of the
    services still apply."""
    if plan is None:  # a province-wide scheme (the shipped 示例 is one): the province's own assessors only
        org = user.org_unit
        return role_of(user) is Role.ADMIN if org is None else org.level == "province"
    return may_change_plan(user=user, plan=plan)


def latest_frozen(*, user: User) -> tuple[FrozenStage, list[UnitScore]] | None:
    """The most recently frozen stage and the units of it the user may see (dashboard card, briefing)."""
    from yigai.core.assessment import result_from_json

    frozen = FrozenStage.objects.select_related("scheme").order_by("-frozen_at", "-pk").first()
    if frozen is None:
        return None
    return frozen, visible_units(user=user, result=result_from_json(frozen.snapshot["result"]))
