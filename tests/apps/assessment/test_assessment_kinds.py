"""Schemes of the other kinds: departments (委内处室/成员单位, each lead unit of the plan's items) and hospitals
(公立医院绩效考核 style: every hospital in scope, scored on its own indicator values) — scored by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.apps.assessment import services
from yigai.apps.ledger.models import LedgerItem, Transition
from yigai.core.assessment import SchemeError

from .conftest import at, report

pytestmark = pytest.mark.django_db
D = dt.date

DEPT = """schema: yigai.assessment/1
key: dept
name: 成员单位年度考核
plan: 保政办〔2024〕1号
assessed: {kind: department}
stages:
  - {key: "2025", date: 2025-12-31}
components:
  - {key: closure, name: 牵头任务按期完成, rule: on_time_closure, weight: 60}
  - {key: reports, name: 报送, rule: missed_reports, weight: 40, per_report: 2}
  - key: bonus
    name: 加分
    rule: bonus
    awards: [{unit: %s, points: 3, reason: 经验获国家推广}]
"""


def test_department_scheme_scores_each_lead_department_by_hand(plan, users) -> None:
    """Each department leading an item of the plan is one assessed unit (named in its place: 市卫生健康委 of
    保定市 is 保定市卫生健康委); county governments are not departments."""
    items = LedgerItem.objects.filter(ledger__plan=plan).select_related("lead_unit", "org_unit")
    depts = {i.lead_unit.name for i in items if i.lead_unit and i.lead_unit.kind == "department"}
    assert depts, "the test plan has department-led items"
    plan.ledger.cadence = "quarterly"
    plan.ledger.save()
    t1 = LedgerItem.objects.get(task__ext_id="T1", task__plan=plan)  # 市卫生健康委, deadline 2025-12-31
    LedgerItem.objects.filter(ledger__plan=plan).update(start=D(2025, 1, 1))
    LedgerItem.objects.filter(pk=t1.pk).update(status="closed")
    Transition.objects.create(item=t1, who="owner", role="plan_owner", action="approve_close",
                              from_status="close_requested", to_status="closed", at=at(D(2025, 11, 3)))  # fmt: skip
    for period, day in (("2025-Q1", D(2025, 4, 3)), ("2025-Q2", D(2025, 7, 4))):
        report(t1, period, day)
    record = services.scheme_save(actor=users["owner"], text=DEPT % "保定市卫生健康委")
    run = services.stage_run(scheme=services.scheme_parse(record.text), stage="2025", record=record)
    health = run.result.unit("保定市卫生健康委")
    assert health is not None and health.kind == "department"
    # T1 closed 11-03, before its deadline 12-31: closure 60/60 (its only due item); Q1, Q2 on time, Q3 (due
    # 2025-10-14 after 国庆) never sent: 1 missing × 2 → 38; bonus +3 → 101
    assert [c.points for c in health.components] == [60, 38, 3]
    assert health.total == 101 and health.rank == 1
    assert all(u.kind == "department" and "人民政府" not in u.name for u in run.result.units)


def test_department_scheme_refuses_an_unknown_department_with_its_line(plan, users) -> None:
    with pytest.raises(SchemeError) as e:
        services.scheme_parse(DEPT % "保定市卫健委")
    assert e.value.problems == [(14, "未知被考核单位 '保定市卫健委'")]


def test_department_scheme_refuses_indicator_targets(plan) -> None:
    """A department has no place of its own, so no indicator values: a target rule would score 0 for all."""
    text = DEPT.replace("weight: 40, per_report: 2}", "weight: 20, per_report: 2}\n  - {key: t, name: 目标, "
                        "rule: target_achievement, weight: 20, targets: [{indicator: BEDS_PER_1000, "
                        "comparator: '>=', value: 7, year: 2025}]}") % "保定市卫生健康委"  # fmt: skip
    with pytest.raises(SchemeError, match="第 11 行：部门考核不能使用指标目标值达成"):
        services.scheme_parse(text)


HOSPITAL = """schema: yigai.assessment/1
key: hospital
name: 二级公立医院绩效考核
assessed: {kind: hospital, within: 保定市}
stages:
  - {key: "2024", date: 2024-12-31}
components:
  - key: emr
    name: 电子病历应用水平
    rule: target_achievement
    weight: 50
    targets: [{indicator: NPA24_EMR_LEVEL, comparator: ">=", value: 4, year: 2024}]
  - key: satisfaction
    name: 门诊患者满意度
    rule: target_achievement
    weight: 50
    targets: [{indicator: NPA53_OUTPATIENT_SATISFACTION, comparator: ">=", value: 90, year: 2024}]
  - key: veto
    name: 一票否决
    rule: veto
    vetoes: [{unit: 清苑区医院, reason: 发生重大医疗安全责任事件}]
"""


@pytest.fixture
def hospitals(orgunits) -> dict[str, object]:
    """Three hospitals of 保定 (facility org units) with their own yearly values; none has ledger items."""
    from yigai.apps.indicators.models import DataElement, DataValue
    from yigai.apps.indicators.services import catalogue_ensure
    from yigai.apps.orgunits.models import OrgUnit

    catalogue_ensure()
    emr, sat = (DataElement.objects.get(code=c) for c in ("EMR_LEVEL", "SATISFACTION_OUTPATIENT"))
    found = {}
    values = {
        "竞秀区医院": ((2, 80), (4, 92)),
        "莲池区医院": ((3, 85), (3, 84)),
        "清苑区医院": ((4, 90), (5, 95)),
    }
    for name, ((e22, s22), (e24, s24)) in values.items():
        county = OrgUnit.objects.get(name=name[:3])
        h = OrgUnit.objects.create(code=f"H{county.code}01", name=name, level="facility", parent=county,
                                   path=f"{county.path}H{county.code}01/")  # fmt: skip
        for year, e, s in ((2022, e22, s22), (2024, e24, s24), (2025, 6, 99)):
            for de, v in ((emr, e), (sat, s)):
                DataValue.objects.create(data_element=de, org_unit=h, period=str(year), period_type="year",
                                         year=year, value=v)  # fmt: skip
        found[name] = h
    return found


def test_hospital_scheme_scores_every_hospital_in_scope_on_its_own_values(hospitals) -> None:
    """竞秀区医院: EMR 2 → 4 (target 4: achieved, 50); satisfaction 80 → 92 (achieved, 50) → 100.
    莲池区医院: EMR 3 → 3 (no progress toward 4: 0); satisfaction 85 → 84 (倒退: 0) → 0.
    清苑区医院: 100 by its values, but vetoed → 0. 2025's values lie after the stage and are not read."""
    scheme = services.scheme_parse(HOSPITAL)
    result = services.stage_run(scheme=scheme, stage="2024").result
    got = {u.name: ([c.points for c in u.components], u.total, u.vetoed) for u in result.units}
    assert got == {
        "竞秀区医院": ([50, 50, 0], 100, False),
        "莲池区医院": ([0, 0, 0], 0, False),
        "清苑区医院": ([50, 50, 0], 0, True),
    }
    assert {u.kind for u in result.units} == {"hospital"}
    assert result.unit(hospitals["竞秀区医院"].code).rank == 1  # type: ignore[union-attr,attr-defined]
