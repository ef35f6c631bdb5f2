"""Link plan targets to catalogue indicators (suggested by the engine, confirmed by the plan owner).

The scope follows the target's words: "每个设区市/各市" → every city under the plan's org unit,
"每个县（市、区）/每县/县级" → every county, otherwise the plan's own org unit. Province and city
targets for the same indicator coexist (each belongs to its plan).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import User
from yigai.apps.indicators.models import Indicator, IndicatorTarget
from yigai.apps.indicators.services.catalogue import catalogue_ensure
from yigai.apps.orgunits.models import OrgUnit
from yigai.apps.plans.models import Plan, Target
from yigai.core.indicators import Suggestion, suggest
from yigai.core.plan import Target as CoreTarget

COMPARATORS = (">=", "<=", ">", "<", "=", "range", "increase_by", "decrease_by")
_EACH_CITY = re.compile(r"(每个|各|所有)(设区的?)?市|各地市|每市|^市级$")
_EACH_COUNTY = re.compile(r"(每个|各)县|每县|^县级$|^县$")
AUTO_SCORE = 0.8


class LinkError(Exception):
    """A target that cannot be linked; the message names it and the reason."""


def target_scope(plan: Plan, target: Target) -> tuple[OrgUnit, str]:
    """(org unit, level): level "" means the org unit itself, else every unit of that level below it."""
    scope = (target.scope or "").strip()
    level = plan.org_unit.level
    if _EACH_COUNTY.search(scope) and level in ("province", "city"):
        return plan.org_unit, "county"
    if _EACH_CITY.search(scope) and level == "province":
        return plan.org_unit, "city"
    return plan.org_unit, ""


def core_target(target: Target) -> CoreTarget:
    return CoreTarget(
        id=target.ext_id or str(target.pk), task_id=None, indicator=target.indicator,
        comparator=target.comparator,  # type: ignore[arg-type]  # as extracted: one of the contract comparators
        value=target.value, unit=target.unit or None, quote=target.quote,
        per=target.per or None, year=target.year, scope=target.scope or None,
    )  # fmt: skip


def target_suggest(*, target: Target) -> list[Suggestion]:
    return suggest(core_target(target))


def _due(plan: Plan, target: Target) -> dt.date | None:
    if target.due:
        return target.due
    year = target.year or plan.period_end
    return dt.date(year, 12, 31) if year else None


@transaction.atomic
def target_link(
    *,
    target: Target,
    indicator: str,
    user: User | None = None,
    score: float | None = None,
    is_demo: bool = False,
) -> IndicatorTarget:
    """Create (or update) the indicator target of a plan target, confirmed against ``indicator``."""
    catalogue_ensure()
    ind = Indicator.objects.filter(code=indicator.strip().upper()).first()
    name = target.ext_id or target.pk
    if ind is None:
        raise LinkError(_("目标 %(id)s：未知指标 %(code)s") % {"id": name, "code": indicator})
    if target.value is None or target.comparator not in COMPARATORS:
        raise LinkError(_("目标 %(id)s：没有可比较的目标值") % {"id": name})
    due = _due(target.plan, target)
    if due is None:
        raise LinkError(_("目标 %(id)s：没有目标年份") % {"id": name})
    org, level = target_scope(target.plan, target)
    start = target.plan.issued_on.year if target.plan.issued_on else target.plan.period_start
    baseline = start - 1 if start and start - 1 < due.year else None
    comparator, value, value_max = target.comparator, target.value, target.value_max
    # Ratio targets (unit 比, "1:N") link unchanged: ratio indicators compute N itself (second ÷ first,
    # e.g. 医护比 = nurses ÷ physicians), the convention of core/plan.py.
    fields = {
        "plan": target.plan, "indicator": ind, "org_unit": org, "scope_level": level,
        "comparator": comparator, "value": value, "value_max": value_max, "due": due,
        "recurring": target.recurring or "", "baseline_year": baseline, "score": score,
        "confirmed_by": user, "is_demo": is_demo or target.plan.is_demo,
    }  # fmt: skip
    linked, _created = IndicatorTarget.objects.update_or_create(plan_target=target, defaults=fields)
    return linked


@dataclass
class LinkReport:
    linked: list[tuple[Target, IndicatorTarget]] = field(default_factory=list)
    pending: list[tuple[Target, list[Suggestion]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def targets_link_plan(
    *, plan: Plan, user: User | None = None, auto: bool = False, accept: dict[str, str] | None = None,
    min_score: float = AUTO_SCORE,
) -> LinkReport:  # fmt: skip
    """Suggest an indicator for every unlinked target; link those accepted (by id) or, with ``auto``,
    those whose best suggestion scores ``min_score`` or more. Everything else is reported as pending."""
    report = LinkReport()
    accept = {k.strip(): v for k, v in (accept or {}).items()}
    for target in plan.targets.select_related("plan", "plan__org_unit").order_by("order", "pk"):
        if hasattr(target, "indicator_target"):
            continue
        suggestions = target_suggest(target=target)
        chosen = accept.get(target.ext_id) or accept.get(str(target.pk))
        score = None
        if chosen is None and auto and suggestions and suggestions[0].score >= min_score:
            chosen, score = suggestions[0].code, suggestions[0].score
        if chosen is None:
            report.pending.append((target, suggestions))
            continue
        try:
            report.linked.append(
                (target, target_link(target=target, indicator=chosen, user=user, score=score))
            )
        except LinkError as exc:
            report.errors.append(str(exc))
            report.pending.append((target, suggestions))
    return report
