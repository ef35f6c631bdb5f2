"""On the demo data (loaded once for this module), the dashboard's numbers are the ledger and indicator selectors' own counts, the
scope holds (a county leader sees only that county, also through the map endpoints), and the map
modes, scorecards and the Word briefing (headings, counts, red items, chart or a visible note) work."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from docx import Document

from yigai.apps.dashboard import charts
from yigai.apps.dashboard.briefing import HEADINGS, briefing_docx
from yigai.apps.dashboard.inputs import Inputs, access_scope, collect
from yigai.apps.dashboard.summary import summarise
from yigai.apps.indicators.selectors import target_list, visible_org_units
from yigai.apps.indicators.status import distinct_goals, target_status
from yigai.apps.ledger.figures import evaluated_groups
from yigai.apps.ledger.models import SupervisionNotice
from yigai.apps.ledger.selectors import ItemFilters, item_list, lights_evaluated, reporting_for, warnings_for
from yigai.core.ledger import OVERDUE_LABEL

pytestmark = pytest.mark.django_db


def _summary(user, code: str = ""):
    return summarise(collect(user=user, scope=access_scope(user=user, code=code)))


def test_tiles_equal_the_selectors_counts(leaders, client) -> None:
    user = leaders["province"]
    s = _summary(user)
    lights = warnings_for(user=user)
    assert s.total.total == len(lights) >= 400
    assert s.total.closed == sum(x.item.status == "closed" for x in lights) >= 1
    # overdue counts items awaiting review too (their status reads 待审核销号/待审核延期, not 已逾期)
    assert s.total.overdue == sum(x.overdue for x in lights) > 0
    assert sum(x.status_label == OVERDUE_LABEL for x in lights) > 0
    assert s.total.colours == Counter(x.warning.colour for x in lights)
    rates = reporting_for(user=user).values()
    assert (s.total.expected, s.total.on_time, s.total.late, s.total.missing) == (
        sum(r.expected for r in rates), sum(r.on_time for r in rates),
        sum(r.late for r in rates), sum(r.missing for r in rates),
    )  # fmt: skip
    rows = distinct_goals(target_status(targets=list(target_list(user=user))))
    assert s.total.targets == Counter(r.status for r in rows) and sum(s.total.targets.values()) > 0
    assert sum(a.total for a in s.areas) == s.total.total  # areas (plus 本级) partition the items
    late = s.overdue(10_000)
    assert len(late) == s.total.overdue and len(s.overdue(3)) == 3
    assert [x.item.deadline for x in late] == sorted(x.item.deadline for x in lights if x.overdue)
    page = client.get("/dashboard/") if client.force_login(user) is None else None
    assert page is not None and page.status_code == 200
    html = page.content.decode()
    assert f'data-tile="total"><span>台账任务</span><strong>{s.total.total}</strong>' in html
    assert f'data-tile="overdue"><span>已逾期</span><strong>{s.total.overdue}</strong>' in html
    assert "示例数据" in html and 'id="map-config"' in html and "<script>" not in html


def test_city_and_county_scope(leaders, client) -> None:
    county, city = leaders["county"], leaders["city"]
    s = _summary(county)
    lights = warnings_for(user=county, filters=ItemFilters(org_unit="131022"))
    assert s.total.total == len(lights) == len(warnings_for(user=county)) > 0
    assert all("131022/" in x.item.org_unit.path for x in s.inputs.lights)
    assert {r.org_unit for r in s.inputs.targets} <= set(
        visible_org_units(user=county).values_list("code", flat=True)
    )
    client.force_login(county)
    for mode in ("warning", "indicator"):
        data = client.get(f"/dashboard/map-data/?mode={mode}").json()
        assert [a["code"] for a in data["areas"]] == ["131022"]
    assert [f["properties"]["adcode"] for f in client.get("/dashboard/geometry/").json()["features"]] == [
        "131022"
    ]
    for other in ("131000", "131023", "130000", "130600"):
        assert client.get(f"/dashboard/map-data/?org={other}").status_code == 404
        assert client.get(f"/dashboard/geometry/?org={other}").status_code == 404
        assert client.get(f"/dashboard/?org={other}").status_code == 404
    client.force_login(city)
    data = client.get("/dashboard/map-data/?mode=warning").json()
    assert len(data["areas"]) == 10 and all(a["code"].startswith("1310") for a in data["areas"])
    assert client.get("/dashboard/map-data/?org=130600").status_code == 404
    assert _summary(city).total.total == len(warnings_for(user=city, filters=ItemFilters(org_unit="131000")))


def test_map_modes_and_drill_down(leaders, client) -> None:
    user = leaders["province"]
    client.force_login(user)
    s = _summary(user)
    data = client.get("/dashboard/map-data/?mode=warning").json()
    assert len(data["areas"]) == 14 and data["demo"] and not data["missing"]
    langfang = next(a for a in data["areas"] if a["code"] == "131000")
    tally = next(a for a in s.areas if a.code == "131000")
    assert langfang["drill"] and langfang["value"] == round(tally.lit_share * 100, 1)
    assert client.get("/dashboard/map-data/?mode=warning&org=131000").json()["scope"]["parent"] == "130000"
    values = client.get("/dashboard/map-data/?mode=indicator").json()
    assert sum(a["value"] is not None for a in values["areas"]) == 14
    target = client.get("/dashboard/map-data/?mode=target&target=1").json()
    assert {a["status"] for a in target["areas"]} <= {x["status"] for x in target["statuses"]}  # a rate: all
    counts = target_list(user=user).filter(
        indicator__denominator="1", scope_level="", org_unit__code="130000"
    )
    total = counts.first()  # a count for the whole province (社区医院数量): not split by area
    counted = client.get(f"/dashboard/map-data/?mode=target&target={total.pk}").json()["areas"]
    assert all(a["value"] is None and "status" not in a for a in counted if a["code"] != total.org_unit.code)
    assert client.get("/dashboard/map-data/?mode=sky").status_code == 400
    assert client.get("/dashboard/map-data/?mode=indicator&indicator=NOPE").status_code == 404
    assert client.get("/dashboard/map-data/?mode=target&target=999999").status_code == 404
    geo = client.get("/dashboard/geometry/?org=131000").json()
    assert len(geo["features"]) == 10


def test_scorecards_sort_and_export(leaders, client) -> None:
    from openpyxl import load_workbook

    client.force_login(leaders["province"])
    page = client.get("/dashboard/scorecards/?sort=-total").content.decode()
    assert page.index("廊坊市") < page.index("石家庄市")  # 280 items before 6
    units = client.get("/dashboard/scorecards/?by=unit&sort=-overdue")
    assert units.status_code == 200 and "固安县人民政府" in units.content.decode()
    export = client.get("/dashboard/scorecards/export/")
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["按地区", "按责任单位", "说明"]
    assert book["按地区"].max_row == 1 + len(_summary(leaders["province"]).areas)


def test_briefing_download_and_home(leaders, client) -> None:
    from docx import Document

    client.force_login(leaders["city"])
    response = client.get("/dashboard/briefing/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "廊坊市医改工作进展简报" in text and "示例数据" in text
    assert client.get("/").url == "/dashboard/"


def _text(data: bytes) -> tuple[str, list[str], int]:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    return "\n".join([p.text for p in doc.paragraphs] + cells), headings, len(doc.inline_shapes)


def test_briefing_headings_counts_and_chart(leaders) -> None:
    inputs = collect(user=None, scope=access_scope(user=None, code="131000"))
    result = briefing_docx(inputs)
    text, headings, images = _text(result.data)
    t = result.summary.total
    assert headings == [*HEADINGS, "六、考核结果"]  # the demo freezes the 示例 scheme's 2023 stage
    assert f"纳入工作台账的任务共{t.total}项，已销号{t.closed}项，逾期未完成{t.overdue}项" in text
    assert f"红灯事项共{t.colours['red']}项" in text
    first_red = min(
        (x for x in inputs.lights if x.warning.colour == "red"), key=lambda x: (x.item.deadline, x.item.code)
    )
    assert first_red.item.code in text and first_red.warning.reason in text
    notices = SupervisionNotice.objects.filter(item__org_unit__path__startswith=inputs.scope.path)
    replied = notices.filter(replied_at__isnull=False).count()
    assert notices.count() > 1 and f"共下发督办单{notices.count()}份，已回复{replied}份" in text  # the demo's
    assert "廊坊市医改工作进展简报" in text and "示例数据" in text
    # targets read as the plan writes them, never comparator tokens (issue 11)
    assert "不低于0.45人（2025年）" in text and ">=" not in text and "increase_by" not in text
    if charts.chart_unavailable():
        assert images == 0 and "图表未生成" in text
    else:
        assert images == result.charts == 2


def test_briefing_without_cjk_font_says_so(leaders, monkeypatch) -> None:
    monkeypatch.setattr(charts, "CJK_FONT_FILES", ("/nonexistent/font.ttc",))
    charts.cjk_font.cache_clear()
    try:
        result = briefing_docx(collect(user=None, scope=access_scope(user=None, code="131000")))
    finally:
        charts.cjk_font.cache_clear()
    text, headings, images = _text(result.data)
    assert images == 0 and result.note and f"图表未生成：{result.note}" in text
    assert headings == [*HEADINGS, "六、考核结果"]  # the demo freezes the 示例 scheme's 2023 stage


def test_stored_lights_give_the_numbers_an_evaluation_gives(leaders) -> None:
    """The dashboard reads grouped, stored lights; evaluating every item afresh must give the same tallies
    (total, per area, per responsible unit, colours, overdue, closed on time, reports)."""
    user = leaders["province"]
    scope = access_scope(user=user)
    stored = summarise(collect(user=user, scope=scope, with_targets=False))
    today = stored.inputs.today
    fresh = lights_evaluated(item_list(user=user, filters=ItemFilters(org_unit=scope.code)), today)
    evaluated = summarise(Inputs(scope, today, None, evaluated_groups(fresh), []))

    def rows(s):
        return [(t.code, t.name, t.total, t.closed, t.closed_on_time, t.overdue, dict(t.colours), t.on_time,
                 t.late, t.missing) for t in [s.total, *s.areas, *s.units]]  # fmt: skip

    assert rows(stored) == rows(evaluated)
    assert stored.total.total > 400 and stored.total.closed >= 1 and stored.total.expected > 0
    assert stored.colours == evaluated.colours


def test_the_demo_projection_past_100_percent_is_capped(leaders) -> None:
    """Issue 11 saw 119.59% projected for a coverage rate: the straight line still says so, the figure not."""
    import datetime as dt

    from yigai.apps.indicators.computing import yearly_series
    from yigai.apps.indicators.models import IndicatorTarget
    from yigai.core.indicators import project_linear

    target = IndicatorTarget.objects.filter(
        indicator__code="FD_COVERAGE_KEY", org_unit__code="130600"
    ).first()
    assert target is not None
    today = dt.date(2026, 12, 7)
    points = yearly_series(
        indicator="FD_COVERAGE_KEY", org_units=["130600"], years=range(2015, today.year + 1)
    )
    known = [(y, v) for y, v in points["130600"] if v is not None and y >= (target.baseline_year or 0)]
    assert project_linear(known, target.due.year) == pytest.approx(119.59, abs=0.01)
    assert target_status(targets=[target], today=today)[0].projected_value == 100.0


def _goal(r) -> tuple[object, ...]:
    return (r.indicator, r.org_unit, r.due, r.comparator, r.target_value, r.value_max, r.recurring)


def test_a_goal_a_plan_states_twice_counts_once(leaders) -> None:
    # 健康河北 says 县域内就诊率 ≥ 90% by 2027 twice ("持续保持在90%以上", "到2027年…达到90%以上"), and
    # 每个设区市至少建设4家互联网医院 twice: the briefing listed each risk twice and counted it twice
    user = leaders["province"]
    every = target_status(targets=list(target_list(user=user)))
    assert len({_goal(r) for r in every}) < len(every)  # the demo does state goals twice
    shown = collect(user=user, scope=access_scope(user=user)).targets
    assert len({_goal(r) for r in shown}) == len(shown)
    assert {_goal(r) for r in shown} == {_goal(r) for r in every}
    text, _headings, _images = _text(briefing_docx(collect(user=user, scope=access_scope(user=user))).data)
    assert f"纳入监测的目标（按地区计）共{len(shown)}项" in text


def test_a_plan_briefing_names_its_plan(leaders, client) -> None:
    # the dashboard's 下载工作简报 with a plan chosen counted that plan alone (25 items, 报送率 0.2%) under a
    # title and subtitle that read as the whole province's ledger; the CLI already named the plan
    from yigai.apps.plans.models import Plan

    plan = Plan.objects.get(title="健康河北建设行动方案（2023—2027年）")
    client.force_login(leaders["province"])
    response = client.get(f"/dashboard/briefing/?org=130000&plan={plan.pk}")
    assert response.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "健康河北建设行动方案（2023—2027年）" in paragraphs[1]
    unfiltered = client.get("/dashboard/briefing/?org=130000")
    assert "健康河北" not in Document(io.BytesIO(unfiltered.content)).paragraphs[1].text
