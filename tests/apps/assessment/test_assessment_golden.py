"""Golden test: three counties scored by hand, and a frozen stage that later data leave identical."""

from __future__ import annotations

import datetime as dt

import pytest

from yigai.apps.assessment import services
from yigai.apps.assessment.models import EvidenceMark, FrozenStage
from yigai.apps.audit.models import AuditEvent
from yigai.apps.ledger.models import LedgerItem, Transition

from .conftest import SCHEME, at, report

pytestmark = pytest.mark.django_db
D = dt.date


def test_three_counties_scored_by_hand(history, users) -> None:
    """Stage 2024 (as of 2024-12-31), quarterly reports due 5 workdays after each quarter; Q4 2024 is not
    yet due on 2024-12-31, so Q1–Q3 are expected from each county.

    清苑区 (a): deadline 2024-11-29, 销号 2024-11-20 → closure 40/40 (1 of 1 due item on time); not overdue
    → 20; Q1 04-02, Q2 07-02, Q3 10-09 all on time → 0 missing → 20; evidence 充分 → 10; no 督办 → 10;
    bonus 国家级试点 +2. Total 40 + 20 + 20 + 10 + 10 + 2 = **102**.

    竞秀区 (b): deadline 2024-11-29, still open → closure 0/40; overdue workdays 2024-12-02…12-31 = 22
    (Dec 2024 has no holiday: 5+5+5+5+2) × 0.5 = 11 → 20 − 11 = 9; Q1 on time, Q2 sent 08-20 (late, not
    missing), Q3 never → 1 missing × 2 → 18; evidence 基本充分 0.6 × 10 = 6; 督办 due 12-09 never answered
    → 10 − 5 = 5. Total 0 + 9 + 18 + 6 + 5 = **38**.

    莲池区 (c): deadline 2024-09-30, open → closure 0; overdue from 10-08 (国庆) on, well over 40 workdays
    × 0.5 → capped at 20 → 0; Q1–Q3 missing → 3 × 2 = 6 → 14; no evidence mark → full 10; no 督办 → 10.
    Total 0 + 0 + 14 + 10 + 10 = **34**.

    Every other 保定 county: T2 due 2026-06-30 (nothing due → 40), not overdue (20), Q1–Q3 missing (14),
    10, 10 → 94. Ranks: 清苑区 1, the others 2, 竞秀区 and 莲池区 last two.
    """
    record = services.scheme_save(actor=users["owner"], text=SCHEME)
    run = services.stage_run(scheme=services.scheme_parse(record.text), stage="2024", record=record)
    by_name = {u.name: u for u in run.result.units}
    a, b, c = by_name["清苑区"], by_name["竞秀区"], by_name["莲池区"]
    parts = {u.name: [p.points for p in u.components] for u in (a, b, c)}
    assert parts == {
        "清苑区": [40, 20, 20, 10, 10, 2],
        "竞秀区": [0, 9, 18, 6, 5, 0],
        "莲池区": [0, 0, 14, 10, 10, 0],
    }
    assert (a.total, b.total, c.total) == (102, 38, 34)
    n = len(run.result.units)
    assert n == history["others"] + 3
    assert (a.rank, b.rank, c.rank) == (1, n - 1, n)
    assert {u.total for u in run.result.units} == {102, 94, 38, 34}
    reasons = [r.text for r in b.component("reports").reasons]
    assert reasons and "迟报 1，漏报 1" in reasons[0]


def test_reports_and_transitions_after_the_stage_day_do_not_count(history, users) -> None:
    """A report sent in 2025 for 2024-Q3 leaves 莲池区 3 missing at 2024-12-31; 竞秀区 closed in 2025 is still open then."""
    record = services.scheme_save(actor=users["owner"], text=SCHEME)
    report(history["c"], "2024-Q3", D(2025, 1, 15))
    LedgerItem.objects.filter(pk=history["b"].pk).update(status="closed")
    Transition.objects.create(item=history["b"], who="owner", role="plan_owner", action="approve_close",
                              from_status="in_progress", to_status="closed", at=at(D(2025, 2, 1)))  # fmt: skip
    run = services.stage_run(scheme=services.scheme_parse(record.text), stage="2024", record=record)
    by_name = {u.name: u for u in run.result.units}
    assert by_name["莲池区"].total == 34 and by_name["竞秀区"].total == 38


def test_a_frozen_stage_stays_identical_after_later_changes(history, users) -> None:
    record = services.scheme_save(actor=users["owner"], text=SCHEME)
    frozen = services.stage_freeze(actor=users["reviewer"], record=record, stage="2024")
    before = FrozenStage.objects.get(pk=frozen.pk).snapshot
    assert before == frozen.snapshot
    event = AuditEvent.objects.get(action="assessment.stage_freeze")
    assert event.details["sha256"] == frozen.digest and services.frozen_intact(frozen)
    # later data: a report, a reply, a new mark, a closure — even for days before the stage
    report(history["b"], "2024-Q3", D(2024, 10, 10))
    EvidenceMark.objects.create(item=history["b"], mark="good", marked_at=at(D(2024, 10, 1)))
    LedgerItem.objects.filter(pk=history["c"].pk).update(deadline=D(2027, 1, 1))
    scheme = services.scheme_parse(record.text)
    live = services.stage_compute(scheme, scheme.stage("2024"))[1]
    assert {u.name: u.total for u in live.units}["竞秀区"] != 38  # the data did change
    again = services.stage_run(scheme=scheme, stage="2024", record=record)
    assert again.frozen is not None and {u.name: u.total for u in again.result.units}["竞秀区"] == 38
    with pytest.raises(services.AssessmentError, match="已冻结"):
        services.stage_freeze(actor=users["reviewer"], record=record, stage="2024")
    row = FrozenStage.objects.get(pk=frozen.pk)
    assert row.snapshot == before and row.digest == frozen.digest


def test_a_unit_reporter_may_not_freeze(history, users) -> None:
    record = services.scheme_save(actor=users["owner"], text=SCHEME)
    with pytest.raises(services.AssessmentError):
        services.stage_freeze(actor=users["county"], record=record, stage="2024")
    assert not FrozenStage.objects.exists()


def test_a_stage_before_the_plan_start_is_refused_with_its_line(plan, users) -> None:
    from yigai.core.assessment import SchemeError

    bad = SCHEME.replace("date: 2025-12-31", "date: 2023-06-30")
    with pytest.raises(SchemeError, match="第 8 行：阶段 2025 的日期 2023-06-30 早于方案起始日 2024-01-01"):
        services.scheme_save(actor=users["owner"], text=bad)
    from yigai.apps.assessment.models import SchemeRecord

    assert not SchemeRecord.objects.exists()


def test_an_open_stage_is_computed_once_and_again_after_any_write(history, users, monkeypatch) -> None:
    """The results page reads an open stage through a cache keyed on the generations of what it reads
    (ADR 0004): a second read without writes reuses it; a report or a reviewer's mark makes the next
    read compute again, and it then equals a fresh computation."""
    from django.core.cache import cache

    cache.clear()
    record = services.scheme_save(actor=users["owner"], text=SCHEME)
    scheme = services.scheme_parse(record.text)
    calls: list[str] = []
    compute = services.stage_compute

    def counted(s, st):  # type: ignore[no-untyped-def]
        calls.append(st.key)
        return compute(s, st)

    monkeypatch.setattr(services, "stage_compute", counted)
    first = services.stage_run(scheme=scheme, stage="2024", record=record)
    second = services.stage_run(scheme=scheme, stage="2024", record=record)
    assert calls == ["2024"] and second.result == first.result
    EvidenceMark.objects.create(item=history["c"], mark="poor", marked_at=at(D(2024, 10, 1)))
    marked = services.stage_run(scheme=scheme, stage="2024", record=record)
    assert calls == ["2024", "2024"]
    assert {u.name: u.total for u in marked.result.units}["莲池区"] != 34  # the mark counts at once
    report(history["b"], "2024-Q3", D(2024, 10, 9))
    reported = services.stage_run(scheme=scheme, stage="2024", record=record)
    assert len(calls) == 3 and reported.result == compute(scheme, scheme.stage("2024"))[1]
    assert {u.name: u.total for u in reported.result.units}["竞秀区"] != {
        u.name: u.total for u in marked.result.units
    }["竞秀区"]
