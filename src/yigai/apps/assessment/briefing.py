"""The 考核 section of the Word briefing: for each scheme, its latest frozen stage's ranks for the units in the
briefing's scope, with the change since the scheme's previous frozen stage (nothing when no stage is
frozen). Chinese by nature, like the rest of the briefing."""

from __future__ import annotations

from docx.document import Document as DocumentType

from yigai.apps.assessment.models import FrozenStage
from yigai.apps.dashboard import docx_style
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.assessment import StageResult, UnitScore, result_from_json

HEADING = "六、考核结果"
LIMIT = 30


def in_scope(u: UnitScore, scope: OrgUnit, inside: set[str]) -> bool:
    """A place (or hospital) of the scope's subtree; a department of the scope's own place (the province's
    briefing has every department)."""
    if u.kind == "department":
        return scope.level == "province" or u.name.startswith(scope.name)
    return u.key in inside


def _latest_two() -> list[tuple[FrozenStage, FrozenStage | None]]:
    """Per scheme, its latest frozen stage (by stage day) and the one before it; schemes frozen last first."""
    by_scheme: dict[int, list[FrozenStage]] = {}
    for f in FrozenStage.objects.select_related("scheme").order_by("scheme_id", "-as_of", "-pk"):
        by_scheme.setdefault(f.scheme_id, []).append(f)
    pairs = [(rows[0], rows[1] if len(rows) > 1 else None) for rows in by_scheme.values()]
    return sorted(pairs, key=lambda p: (p[0].frozen_at, p[0].pk), reverse=True)


def _note(u: UnitScore) -> str:
    if u.vetoed:
        return "一票否决"
    weakest = min((c for c in u.components if c.weight), key=lambda c: c.points / c.weight, default=None)
    return f"失分最多：{weakest.name}" if weakest and weakest.points < weakest.weight else ""


def _change(u: UnitScore, before: StageResult | None) -> str:
    old = before.unit(u.key) if before else None
    if old is None:
        return "—"
    return f"{u.total - old.total:+.2f}（第{old.rank}名→第{u.rank}名）"


def assessment_section(doc: DocumentType, scope: OrgUnit) -> bool:
    """Add the section when a stage of any scheme is frozen and has units in scope; True when added."""
    inside = set(OrgUnit.objects.filter(path__startswith=scope.path).values_list("code", flat=True))
    added = False
    for frozen, previous in _latest_two():
        result = result_from_json(frozen.snapshot["result"])
        units = [u for u in result.units if in_scope(u, scope, inside)]
        if not units:
            continue
        if not added:
            doc.add_heading(HEADING, level=1)
            added = True
        day = frozen.as_of
        docx_style.para(doc, f"{frozen.scheme.name}·{frozen.label}（截至{day.year}年{day.month}月{day.day}日，"
                             f"已冻结）：共{len(units)}个被考核单位。")  # fmt: skip
        header: tuple[str, ...] = ("排名", "被考核单位", "总分", "说明")
        before = result_from_json(previous.snapshot["result"]) if previous else None
        if previous is not None:
            header = (*header, f"较{previous.label}")
        rows = []
        for u in units[:LIMIT]:
            row: tuple[str, ...] = (str(u.rank), u.name, f"{u.total:.2f}", _note(u))
            rows.append((*row, _change(u, before)) if previous is not None else row)
        docx_style.table(doc, header, rows)
    return added
