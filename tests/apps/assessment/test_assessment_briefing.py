"""六、考核结果 of the Word briefing: each scheme's latest frozen stage (not only the one frozen last), with the
change against that scheme's previous frozen stage, and the departments of the briefing's own place."""

from __future__ import annotations

import pytest
from docx import Document

from yigai.apps.assessment import services
from yigai.apps.assessment.briefing import assessment_section
from yigai.apps.orgunits.models import OrgUnit

from .conftest import SCHEME
from .test_assessment_kinds import DEPT

pytestmark = pytest.mark.django_db


def _section(scope: str) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document()
    assessment_section(doc, OrgUnit.objects.get(code=scope))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return [p.text for p in doc.paragraphs if p.text], tables


def test_every_scheme_and_the_change_since_its_previous_stage(history, users) -> None:
    golden = services.scheme_save(actor=users["owner"], text=SCHEME)
    dept = services.scheme_save(actor=users["owner"], text=DEPT % "保定市卫生健康委")
    s24 = services.stage_freeze(actor=users["reviewer"], record=golden, stage="2024")
    s25 = services.stage_freeze(actor=users["reviewer"], record=golden, stage="2025")
    services.stage_freeze(actor=users["reviewer"], record=dept, stage="2025")  # frozen last
    texts, tables = _section("130600")  # 保定市
    assert texts[0] == "六、考核结果"
    assert any(t.startswith("测试考核方案·2025") for t in texts) and any(
        t.startswith("成员单位年度考核") for t in texts
    )
    county = next(t for t in tables if t[0][:2] == ["排名", "被考核单位"] and t[0][-1] == "较2024年阶段评估")
    a, b = (services.result_from_json(s.snapshot["result"]) for s in (s24, s25))
    for row in county[1:]:
        code = next(u.key for u in b.units if u.name == row[1])
        before, now = a.unit(code), b.unit(code)
        assert row[2] == f"{now.total:.2f}"
        assert row[-1] == f"{now.total - before.total:+.2f}（第{before.rank}名→第{now.rank}名）"
    departments = next(t for t in tables if t is not county)
    assert "保定市卫生健康委" in [
        r[1] for r in departments[1:]
    ]  # a city's own departments are in its briefing
