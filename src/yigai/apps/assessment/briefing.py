"""The 考核 section of the Word briefing: the latest frozen stage's ranks for the units in the briefing's
scope (nothing when no stage is frozen). Chinese by nature, like the rest of the briefing."""

from __future__ import annotations

from docx.document import Document as DocumentType

from yigai.apps.assessment.models import FrozenStage
from yigai.apps.dashboard import docx_style
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.assessment import result_from_json

HEADING = "六、考核结果"
LIMIT = 30


def assessment_section(doc: DocumentType, scope: OrgUnit) -> bool:
    """Add the section when a stage is frozen; True when it was added."""
    frozen = FrozenStage.objects.select_related("scheme").order_by("-frozen_at", "-pk").first()
    if frozen is None:
        return False
    result = result_from_json(frozen.snapshot["result"])
    inside = set(OrgUnit.objects.filter(path__startswith=scope.path).values_list("code", flat=True))
    units = [
        u for u in result.units if u.key in inside or (u.kind == "department" and scope.level == "province")
    ]
    if not units:
        return False
    doc.add_heading(HEADING, level=1)
    docx_style.para(doc, f"{frozen.scheme.name}·{frozen.label}（截至{frozen.as_of.year}年{frozen.as_of.month}月"
                         f"{frozen.as_of.day}日，已冻结）：共{len(units)}个被考核单位。")  # fmt: skip
    rows = []
    for u in units[:LIMIT]:
        weakest = min((c for c in u.components if c.weight), key=lambda c: c.points / c.weight, default=None)
        note = (
            "一票否决"
            if u.vetoed
            else (f"失分最多：{weakest.name}" if weakest and weakest.points < weakest.weight else "")
        )
        rows.append((str(u.rank), u.name, f"{u.total:.2f}", note))
    docx_style.table(doc, ("排名", "被考核单位", "总分", "说明"), rows)
    return True
