"""A fixture for assessment: the test plan's T2 (各县（市、区）政府) items in 保定's counties, quarterly
reporting, three counties given a history written out by hand (see test_assessment_golden)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from yigai.apps.ledger.models import LedgerItem, ProgressReport, SupervisionNotice, Transition

from ..ledger.conftest import evidence_dir, plan, users  # noqa: F401, TID252  # the ledger tests' plan and users

D = dt.date


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


SCHEME = """schema: yigai.assessment/1
key: golden
name: 测试考核方案
plan: 保政办〔2024〕1号
assessed: {kind: county, within: 保定市}
stages:
  - {key: "2024", date: 2024-12-31, label: 2024年阶段评估}
  - {key: "2025", date: 2025-12-31}
components:
  - {key: closure, name: 按期销号, rule: on_time_closure, weight: 40}
  - {key: overdue, name: 逾期扣分, rule: overdue_workdays, weight: 20, per_day: 0.5, cap: 20}
  - {key: reports, name: 漏报扣分, rule: missed_reports, weight: 20, per_report: 2, cap: 20}
  - {key: evidence, name: 佐证质量, rule: evidence_quality, weight: 10}
  - {key: supervision, name: 督办回复, rule: supervision_unanswered, weight: 10, per_notice: 5}
  - key: pilot
    name: 国家级试点加分
    rule: bonus
    awards: [{unit: 清苑区, points: 2, reason: 国家级紧密型县域医共体试点}]
"""


def report(item: LedgerItem, period: str, day: dt.date) -> None:
    ProgressReport.objects.create(item=item, unit=item.lead_unit, is_lead=True, period_key=period, text="进展",
                                  percent=50, submitted_at=at(day))  # fmt: skip


@pytest.fixture
def history(plan, users) -> dict[str, Any]:  # noqa: F811  # the fixtures imported above
    """清苑区 closed on time and reported every quarter; 竞秀区 overdue, a late and a missing report, a 督办
    unanswered, evidence marked 基本充分; 莲池区 long overdue and never reported."""
    from yigai.apps.assessment.models import EvidenceMark

    plan.ledger.cadence = "quarterly"
    plan.ledger.save()
    t2 = LedgerItem.objects.filter(task__ext_id="T2", org_unit__level="county")
    t2.update(start=D(2024, 3, 1), status="not_started")
    a, b, c = (t2.get(org_unit__name=n) for n in ("清苑区", "竞秀区", "莲池区"))
    LedgerItem.objects.filter(pk=a.pk).update(deadline=D(2024, 11, 29), status="closed")
    Transition.objects.create(item=a, who="owner", role="plan_owner", action="approve_close",
                              from_status="close_requested", to_status="closed", at=at(D(2024, 11, 20)))  # fmt: skip
    for period, day in (("2024-Q1", D(2024, 4, 2)), ("2024-Q2", D(2024, 7, 2)), ("2024-Q3", D(2024, 10, 9))):
        report(a, period, day)
    EvidenceMark.objects.create(item=a, mark="good", marked_at=at(D(2024, 11, 19)))
    LedgerItem.objects.filter(pk=b.pk).update(deadline=D(2024, 11, 29), status="in_progress")
    report(b, "2024-Q1", D(2024, 4, 2))
    report(b, "2024-Q2", D(2024, 8, 20))
    EvidenceMark.objects.create(item=b, mark="fair", marked_at=at(D(2024, 12, 10)))
    SupervisionNotice.objects.create(item=b, issued_on=D(2024, 12, 2), level="unit", content="请加快进度",
                                     reply_by=D(2024, 12, 9))  # fmt: skip
    LedgerItem.objects.filter(pk=c.pk).update(deadline=D(2024, 9, 30), status="in_progress")
    return {"a": a, "b": b, "c": c, "others": t2.count() - 3}
