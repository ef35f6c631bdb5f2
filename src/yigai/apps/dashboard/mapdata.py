"""Values for the map: one entry per area below the scope (cities of the province, counties of a city, a
county itself), in one of three modes. Only areas inside the scope are ever listed, and the scope comes
from :func:`~.inputs.access_scope`, so a county user's map holds that county's values alone.

- ``warning``: share of lit items (red/orange/yellow/blue) among the ledger items in the area's subtree;
- ``indicator``: an indicator's latest yearly value per area;
- ``target``: a target's status per area — the target's own goal applied to each area's series.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yigai.apps.accounts.models import User
from yigai.apps.dashboard import geo
from yigai.apps.dashboard.inputs import areas_below, collect
from yigai.apps.dashboard.summary import summarise
from yigai.apps.indicators.computing import indicator_values, is_final, partial_text, yearly_series
from yigai.apps.indicators.models import DataValue, Indicator, IndicatorTarget
from yigai.apps.indicators.selectors import indicator_get, target_list
from yigai.apps.indicators.status import FIRST_YEAR, bounds_of, goal_of
from yigai.apps.orgunits.models import OrgUnit
from yigai.core.indicators import IndicatorValue, assess
from yigai.core.indicators.status import STATUS_LABELS, STATUSES
from yigai.core.indicators.text import target_text, value_text
from yigai.core.params import db_int

MODES = ("warning", "indicator", "target")
STATUS_HEX = {"achieved": "#3ba272", "on_track": "#91cc75", "needs_acceleration": "#f0b400",
              "limited_progress": "#ef8a2c", "deterioration": "#d9363e", "no_data": "#c5c9d0"}  # fmt: skip


def indicator_choices() -> list[Indicator]:
    """Planning indicators that have stored values (the ones a map can show)."""
    with_data = DataValue.objects.values("data_element_id")
    qs = Indicator.objects.filter(national=False, data_elements__in=with_data).distinct()
    return list(qs.order_by("order", "code"))


def target_choices(*, user: User | None) -> list[IndicatorTarget]:
    """Visible targets, the widest first (a province's targets before a city's)."""
    return sorted(target_list(user=user), key=lambda t: (t.org_unit.path.count("/"), t.plan_id, t.due, t.pk))


def target_menu(*, user: User | None) -> list[dict[str, Any]]:
    """The map's target dropdown: one entry per name (a plan stating the same target twice, e.g. in two
    tasks, gives two rows with one map; listing both looked like a duplicate)."""
    menu: dict[str, dict[str, Any]] = {}
    for t in target_choices(user=user):
        menu.setdefault(target_name(t), {"id": t.pk, "name": target_name(t)})
    return list(menu.values())


def target_name(t: IndicatorTarget) -> str:
    """``家庭医生签约服务覆盖率 提高1个百分点 · 河北省 · 2025``."""
    goal = target_text(t.comparator, t.value, value_max=t.value_max, unit=t.indicator.unit,
                       recurring="yearly" if t.recurring else None)  # fmt: skip
    return f"{t.indicator.name} {goal} · {t.org_unit.name} · {t.due.year}"


def access_target(*, user: User | None, target_id: str) -> IndicatorTarget:
    pk = db_int(target_id)
    found = None if pk is None else target_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("找不到该目标或无权查看"))
    return found


def _area(org: OrgUnit, scope: OrgUnit) -> dict[str, Any]:
    drill = org.pk != scope.pk and org.level == "city"
    return {"code": org.code, "name": org.name, "level": org.level, "drill": drill, "value": None, "text": ""}


def map_payload(
    *, user: User | None, scope: OrgUnit, mode: str, indicator: str = "", target: str = "",
    on: dt.date | None = None,
) -> dict[str, Any]:  # fmt: skip
    if mode not in MODES:
        raise ValueError(
            _("未知的地图模式：%(mode)s；可用：%(modes)s") % {"mode": mode, "modes": ", ".join(MODES)}
        )
    orgs = areas_below(scope)
    areas = [_area(o, scope) for o in orgs]
    payload: dict[str, Any] = {
        "scope": {"code": scope.code, "name": scope.name, "level": scope.level,
                  "parent": scope.parent.code if scope.parent_id and scope.level != "province" else ""},  # type: ignore[union-attr]  # checked by id
        "mode": mode, "areas": areas, "missing": geo.missing([o.code for o in orgs]), "demo": False,
    }  # fmt: skip
    if mode == "warning":
        _warning(payload, user, scope, on)
    elif mode == "indicator":
        _indicator(payload, indicator_get(code=indicator or _default_indicator()), on)
    else:
        _target(payload, access_target(user=user, target_id=target), on)
    return payload


def _default_indicator() -> str:
    choices = indicator_choices()
    if not choices:
        raise Http404(_("还没有指标数据"))
    return choices[0].code


def _warning(payload: dict[str, Any], user: User | None, scope: OrgUnit, on: dt.date | None) -> None:
    summary = summarise(collect(user=user, scope=scope, on=on, with_targets=False))
    tallies = {t.code: t for t in summary.areas} if scope.level != "county" else {scope.code: summary.total}
    for area in payload["areas"]:
        t = tallies.get(area["code"])
        if t is None or not t.total:
            area["text"] = _("无台账事项")
            continue
        share = t.lit_share or 0.0
        area["value"] = round(share * 100, 1)
        area["text"] = _("红灯 %(red)s · 黄灯 %(yellow)s · 绿灯 %(green)s · 共 %(total)s 项 · 逾期 %(overdue)s") % {
            "red": t.colours["red"], "yellow": t.colours["yellow"] + t.colours["orange"],
            "green": t.colours["green"] + t.colours["blue"], "total": t.total, "overdue": t.overdue,
        }  # fmt: skip
    payload["title"] = _("台账预警：红黄灯事项占比")
    payload["unit"] = "%"
    payload["demo"] = summary.inputs.is_demo


def _indicator(payload: dict[str, Any], indicator: Indicator, on: dt.date | None) -> None:
    """Each area's latest *final* value colours it; a later year still being reported is only named
    (``2025 部分上报 1/10``), never coloured."""
    this_year = (on or timezone.localdate()).year
    codes = [a["code"] for a in payload["areas"]]
    latest: dict[str, IndicatorValue] = {}
    pending: dict[str, IndicatorValue] = {}
    years = [str(y) for y in range(FIRST_YEAR, this_year + 1)]
    for r in indicator_values(indicators=[indicator.code], org_units=codes, periods=years):
        if is_final(r):
            latest[r.org_unit] = r  # rows come in period order: the last one kept is the latest
        elif r.value is not None:
            pending[r.org_unit] = r
    for area in payload["areas"]:
        final, partial = latest.get(area["code"]), pending.get(area["code"])
        if final is not None and final.value is not None:
            area["value"] = round(final.value, indicator.decimals)
            area["text"] = f"{value_text(final.value, indicator.unit, indicator.decimals)}（{final.period}）"
        else:
            area["text"] = _("无数据")
        if partial is not None and (final is None or int(partial.period) > int(final.period)):
            area["text"] += f"；{partial.period} {partial_text(partial)}"
    payload["title"] = _("指标：%(name)s（最新值）") % {"name": indicator.name}
    payload["unit"] = indicator.unit
    payload["demo"] = DataValue.objects.filter(is_demo=True, data_element__indicators=indicator).exists()


def _shared_goal(target: IndicatorTarget) -> bool:
    """A ratio (per population, a percentage, an average) can be held against every area; a count (4 互联网
    医院 for the province: denominator 1) cannot, and is shown only where the target applies."""
    return target.indicator.denominator.strip() not in ("", "1")


def _target(payload: dict[str, Any], target: IndicatorTarget, on: dt.date | None) -> None:
    this_year = (on or timezone.localdate()).year
    goal = goal_of(target)
    end = min(target.due.year, this_year)
    codes = [a["code"] for a in payload["areas"]]
    series = yearly_series(indicator=target.indicator.code, org_units=codes, years=range(FIRST_YEAR, end + 1))
    shared = _shared_goal(target)
    for area in payload["areas"]:
        if not shared and area["code"] != target.org_unit.code and area["level"] != target.scope_level:
            area["text"] = _("总量目标，不分解到各地")
            continue
        result = assess(series.get(area["code"], []), goal, bounds=bounds_of(target.indicator))
        area["status"] = result.status
        area["value"] = STATUSES.index(result.status)
        area["text"] = f"{_(STATUS_LABELS[result.status])}：{result.reason}"
    payload["title"] = _("目标：%(target)s（各地按同一目标衡量）") % {"target": target_name(target)}
    payload["statuses"] = [
        {"status": s, "label": _(STATUS_LABELS[s]), "colour": STATUS_HEX[s], "index": i}
        for i, s in enumerate(STATUSES)
    ]  # fmt: skip
    payload["demo"] = target.is_demo
