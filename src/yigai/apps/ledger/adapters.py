"""The one place that maps ledger rows to :mod:`yigai.core.ledger` dataclasses (CONVENTIONS.md §2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from yigai.apps.ledger.models import HolidayOverride, Ledger, LedgerItem, SupervisionNotice
from yigai.apps.ledger.models import ProgressReport as ReportRow
from yigai.core.ledger import (
    DEFAULT_SPEC,
    DayOverride,
    ItemEvaluation,
    ItemState,
    LedgerSnapshot,
    Milestone,
    MilestoneSpec,
    PendingExtension,
    ProgressReport,
    Status,
    WarningScheme,
    WorkCalendar,
    evaluate_item,
    get_scheme,
    spec_from_config,
)
from yigai.core.ledger import SupervisionNotice as CoreNotice

COUNTY_GENERIC, CITY_GENERIC = "县（市、区）", "市人民政府"  # names unit_expand gives expanded places


def calendar_from_db() -> WorkCalendar:
    """The workday calendar: official data plus every admin-entered :class:`HolidayOverride`."""
    rows = HolidayOverride.objects.order_by("date").values_list("date", "is_workday", "name")
    return WorkCalendar(DayOverride(d, w, n) for d, w, n in rows)


def milestone_spec(ledger: Ledger) -> tuple[MilestoneSpec, ...]:
    return spec_from_config(ledger.milestone_spec) if ledger.milestone_spec else DEFAULT_SPEC


def scheme_for(ledger: Ledger) -> WarningScheme:
    return get_scheme(ledger.scheme or "default")


def item_state(item: LedgerItem) -> ItemState:
    pending = None
    if item.pending_deadline is not None:
        pending = PendingExtension(item.pending_deadline, item.pending_reason, item.pending_requested_by)
    return ItemState(
        status=Status(item.status),
        deadline=item.deadline,
        close_requested_by=item.close_requested_by or None,
        pending_extension=pending,
    )


def apply_state(item: LedgerItem, state: ItemState) -> None:
    """Copy a core state back onto the row (the caller saves)."""
    item.status = state.status.value
    item.deadline = state.deadline
    item.close_requested_by = state.close_requested_by or ""
    pending = state.pending_extension
    item.pending_deadline = pending.new_deadline if pending else None
    item.pending_reason = pending.reason if pending else ""
    item.pending_requested_by = pending.requested_by if pending else ""


def place_unit(item: LedgerItem) -> str:
    """The responsible unit as people name it: 县（市、区）人民政府 at 固安县 → 固安县人民政府."""
    lead = item.lead_unit.name if item.lead_unit_id else None  # type: ignore[union-attr]
    return place_unit_name(lead, item.org_unit.name, item.org_unit.level)


#: A unit name written for any place of a level, and what replaces it there: 市卫生健康委 in 廊坊市 is
#: 廊坊市卫生健康委, 县（市、区）人民政府 or 县卫生健康局 in 固安县 are 固安县人民政府 and 固安县卫生健康局.
GENERIC_PREFIXES = {"city": ("市",), "county": (COUNTY_GENERIC, "县")}


def place_unit_name(lead: str | None, place: str, level: str) -> str:
    """:func:`place_unit` from the names alone (for grouped reads that load no rows): a unit written for
    every place of its level is the unit *of that place* (廊坊市卫生健康委 ≠ 保定市卫生健康委)."""
    name = lead or "（未指定单位）"
    if level == "city" and name.startswith("市场"):  # 市场监督管理局: the word, not the city's 市
        return place + name
    for prefix in GENERIC_PREFIXES.get(level, ()):
        if name.startswith(prefix) and len(name) > len(prefix) and not name.startswith(place):
            return place + name[len(prefix) :]
    return name


def co_unit_names(item: LedgerItem) -> list[str]:
    """The item's co-units named like its lead, of the item's place: 市财政局 on a 廊坊市 item is 廊坊市财政局."""
    return [place_unit_name(u.name, item.org_unit.name, item.org_unit.level) for u in item.co_units.all()]


def report_author(row: ReportRow) -> str:
    """The unit that wrote a report: the reporter's own unit in the reporter's own place (a co-unit of
    保定市 is 保定市医疗保障局), else the unit in the item's place."""
    user = row.submitted_by
    org = user.org_unit if user is not None and user.org_unit is not None else row.item.org_unit
    return place_unit_name(row.unit.name, org.name, org.level)


def snapshot(item: LedgerItem) -> LedgerSnapshot:
    """Needs ``lead_unit``, ``co_units`` and ``milestones`` loaded (see selectors.item_list)."""
    return LedgerSnapshot(
        item_id=item.code,
        title=item.title or item.text[:40],
        status=Status(item.status),
        start=min(item.start, item.deadline),
        deadline=item.deadline,
        progress=item.progress,
        milestones=tuple(
            Milestone(m.name, m.due, m.expected_progress, m.clamped) for m in item.milestones.all()
        ),
        lead_unit=item.lead_unit.name if item.lead_unit_id else None,  # type: ignore[union-attr]
        co_units=tuple(u.name for u in item.co_units.all()),
    )


def reports_for(rows: Iterable[ReportRow], unit_label: str) -> list[ProgressReport]:
    """Lead reports as core :class:`ProgressReport` (submission day in local time)."""
    return [
        ProgressReport(unit_label, r.period_key, timezone.localdate(r.submitted_at))
        for r in rows
        if r.is_lead
    ]


def evaluation(
    item: LedgerItem, reports: Iterable[ReportRow], *, today: dt.date, calendar: WorkCalendar,
    scheme: WarningScheme, closed_on: dt.date | None, is_parent: bool,
) -> ItemEvaluation:  # fmt: skip
    """:func:`yigai.core.ledger.evaluate_item` for a row (``lead_unit``, ``org_unit``, ``ledger``,
    ``co_units`` and ``milestones`` loaded); ``is_parent``: a split item's parent, which expects no reports
    of its own when a placeholder leads it (各县（市、区）人民政府 牵头: the places report on their copies)
    but does when a named unit leads and the places only 配合 (市卫生健康委 牵头 still reports)."""
    unit = place_unit(item) if item.lead_unit_id else None
    own_reports = not is_parent or (item.lead_unit is not None and not item.lead_unit.is_placeholder)
    return evaluate_item(
        snapshot(item), item_state(item), today=today, calendar=calendar, scheme=scheme,
        cadence=item.ledger.cadence, unit=unit, reports=reports_for(reports, unit or ""),  # type: ignore[arg-type]  # a Cadence choice
        closed_on=closed_on if item.status == Status.CLOSED else None, expects_reports=own_reports,
    )  # fmt: skip


def notice(n: SupervisionNotice) -> CoreNotice:
    unit = place_unit(n.item)
    answered = timezone.localdate(n.replied_at) if n.replied_at else None
    return CoreNotice(f"D{n.pk}", n.item.code, n.issued_on, n.reply_by, n.level, unit, answered)  # type: ignore[arg-type]  # level is one of LEVELS
