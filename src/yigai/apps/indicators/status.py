"""Target status per indicator target and org unit (core :func:`assess`), and cross-level alignment.

Observations are the yearly indicator values from the baseline year up to the due year (a target due in
2021 is judged on 2021, not on later years); the linear projection is read at the due year. Only final
values count (:func:`~yigai.apps.indicators.computing.is_final`): a year whose reporters have not all
reported is kept aside as ``partial_*`` (shown 部分上报 n/m) and never moves the status or the projection.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from yigai.apps.indicators.computing import completeness_threshold, indicator_values, is_final
from yigai.apps.indicators.models import Indicator, IndicatorTarget
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Plan
from yigai.core.indicators import (
    AlignmentIssue,
    Goal,
    IndicatorValue,
    PlanTarget,
    assess,
    check_alignment,
    default_catalogue,
)
from yigai.core.indicators.status import STATUS_LABELS, Bounds, Status
from yigai.core.indicators.text import target_text, value_text

FIRST_YEAR = 2015


@dataclass(frozen=True)
class StatusRow:
    target_id: int
    plan_id: int
    indicator: str
    indicator_name: str
    unit: str
    org_unit: str
    org_unit_name: str
    due: dt.date
    comparator: str
    target_value: float
    value_max: float | None
    latest_value: float | None
    latest_period: str | None
    projected_value: float | None
    status: Status
    reason: str
    ratio: float | None
    is_demo: bool
    partial_period: str | None = None  # a later year not yet final: its value and n/m, for display only
    partial_value: float | None = None
    partial_reported: int | None = None
    partial_expected: int | None = None
    recurring: bool = False
    decimals: int = 2

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def target_text(self) -> str:
        """``不低于3.5人``, ``每年提高1–3个百分点``, ``不低于1:1.2`` (core :func:`target_text`)."""
        return target_text(self.comparator, self.target_value, value_max=self.value_max, unit=self.unit,
                           recurring="yearly" if self.recurring else None)  # fmt: skip

    @property
    def latest_text(self) -> str:
        return value_text(self.latest_value, self.unit, self.decimals)

    @property
    def projected_text(self) -> str:
        return value_text(self.projected_value, self.unit, self.decimals)

    @property
    def partial_text(self) -> str:
        """``2025年 部分上报 1/167`` when a later year is still being reported, else empty."""
        if self.partial_period is None:
            return ""
        return _("%(period)s年 部分上报 %(reported)s/%(expected)s") % {
            "period": self.partial_period, "reported": self.partial_reported, "expected": self.partial_expected,
        }  # fmt: skip

    def as_record(self) -> dict[str, object]:
        """The row for the API and the CLI: every field, and the texts people read."""
        return {**self.__dict__, "label": self.label, "target_text": self.target_text,
                "partial_text": self.partial_text}  # fmt: skip


def scope_units(target: IndicatorTarget) -> list[OrgUnit]:
    if not target.scope_level:
        return [target.org_unit]
    return list(OrgUnit.objects.filter(path__startswith=target.org_unit.path, level=target.scope_level))


def bounds_of(indicator: Indicator) -> Bounds:
    """The catalogue's bounds of an indicator (a percentage 0–100, a rate ≥ 0); open if it is not listed."""
    found = default_catalogue().indicators.get(indicator.code)
    return found.bounds if found else (None, None)


def goal_of(target: IndicatorTarget) -> Goal:
    return Goal(
        comparator=target.comparator,  # type: ignore[arg-type]  # checked when linked (COMPARATORS)
        value=target.value, year=target.due.year, value_max=target.value_max,
        baseline_year=target.baseline_year, recurring="yearly" if target.recurring else None,
    )  # fmt: skip


#: Seconds a computed status list may be reused; the key already changes with any write to the indicator
#: data, the catalogue or the org-unit tree (their generations, ADR 0004), so this only bounds memory.
STATUS_CACHE_SECONDS = 300


def target_status(*, targets: list[IndicatorTarget], today: dt.date | None = None) -> list[StatusRow]:
    """One row per target and org unit in its scope, in the order of ``targets``.

    Computing the indicator series is the expensive part (every dashboard view asks), so the rows are
    kept in the shared cache under a key made of the targets' fields, the year and the generations of the
    indicator data and the org-unit tree: an import, an edit, a deletion or a catalogue change gives a new
    key (a count over the values table each view did the same and grew with it).
    """
    import hashlib

    from django.core.cache import cache

    from yigai.apps.caching.services import snapshot

    this_year = (today or dt.date.today()).year
    fields = [(t.pk, t.indicator.code, t.org_unit_id, t.scope_level, t.comparator, t.value, t.value_max,
               t.due.isoformat(), t.baseline_year, t.recurring, t.is_demo, t.plan_id) for t in targets]  # fmt: skip
    key = (
        "target_status:"
        + hashlib.sha256(
            repr(
                (this_year, completeness_threshold(), snapshot("indicators", "orgunits").values, fields)
            ).encode()
        ).hexdigest()
    )
    rows: list[StatusRow] | None = cache.get(key)
    if rows is None:
        rows = _target_status(targets, this_year)
        cache.set(key, rows, STATUS_CACHE_SECONDS)
    return rows


def distinct_goals(rows: list[StatusRow]) -> list[StatusRow]:
    """``rows`` with each goal once: one indicator, area, deadline and bound stated twice (健康河北 says
    县域内就诊率 ≥ 90% by 2027 in two places; a city plan may restate its province's goal) is one goal to
    monitor, not two — the dashboard and briefing counted and listed it twice. The first row is kept."""
    seen: set[tuple[object, ...]] = set()
    kept: list[StatusRow] = []
    for r in rows:
        key = (r.indicator, r.org_unit, r.due, r.comparator, r.target_value, r.value_max, r.recurring)
        if key not in seen:
            seen.add(key)
            kept.append(r)
    return kept


def _target_status(targets: list[IndicatorTarget], this_year: int) -> list[StatusRow]:
    scopes = {t.pk: scope_units(t) for t in targets}
    wanted: dict[str, set[str]] = defaultdict(set)
    for t in targets:
        wanted[t.indicator.code] |= {o.code for o in scopes[t.pk]}
    last = max([min(t.due.year, this_year) for t in targets], default=this_year)
    series: dict[tuple[str, str], list[IndicatorValue]] = defaultdict(list)
    for code, orgs in wanted.items():
        for r in indicator_values(
            indicators=[code], org_units=orgs, periods=[str(y) for y in range(FIRST_YEAR, last + 1)]
        ):
            series[(code, r.org_unit)].append(r)
    rows = []
    for t in targets:
        end = min(t.due.year, this_year)
        for org in scopes[t.pk]:
            rows.append(
                _row(t, org, [r for r in series[(t.indicator.code, org.code)] if int(r.period) <= end])
            )
    return rows


def _row(t: IndicatorTarget, org: OrgUnit, values: list[IndicatorValue]) -> StatusRow:
    final = [r for r in values if is_final(r)]
    a = assess([(int(r.period), r.value) for r in final], goal_of(t), bounds=bounds_of(t.indicator))
    latest = final[-1] if final else None
    pending = [r for r in values if r.value is not None and not is_final(r)]
    partial = pending[-1] if pending and (latest is None or pending[-1].period > latest.period) else None
    return StatusRow(
        target_id=t.pk, plan_id=t.plan_id, indicator=t.indicator.code, indicator_name=t.indicator.name,
        unit=t.indicator.unit, org_unit=org.code, org_unit_name=org.name, due=t.due, comparator=t.comparator,
        target_value=t.value, value_max=t.value_max, latest_value=latest.value if latest else None,
        latest_period=latest.period if latest else None, projected_value=a.projected_value,
        status=a.status, reason=a.reason, ratio=a.ratio, is_demo=t.is_demo,
        partial_period=partial.period if partial else None, partial_value=partial.value if partial else None,
        partial_reported=partial.reported if partial else None,
        partial_expected=partial.expected if partial else None, recurring=bool(t.recurring),
        decimals=t.indicator.decimals,
    )  # fmt: skip


def _plan_targets(plan: Plan) -> list[PlanTarget]:
    out = []
    for t in IndicatorTarget.objects.filter(plan=plan).select_related("indicator", "plan_target"):
        source = t.plan_target
        scope = source.scope if source else ""
        out.append(PlanTarget(
            id=(source.ext_id if source and source.ext_id else str(t.pk)), indicator=t.indicator.code,
            scope=scope or None, comparator=t.comparator, value=t.value, year=t.due.year,
            unit=(source.unit if source and source.unit else t.indicator.unit), value_max=t.value_max,
            per=(source.per if source and source.per else t.indicator.per) or None,
        ))  # fmt: skip
    return out


def plan_alignment(*, plan: Plan) -> list[AlignmentIssue]:
    """Issues between a city plan's linked targets and those of the plan it implements (none if it implements none)."""
    if plan.implements is None:
        return []
    directions = {c: i.direction for c, i in default_catalogue().indicators.items()}
    return check_alignment(_plan_targets(plan.implements), _plan_targets(plan), directions=directions)
