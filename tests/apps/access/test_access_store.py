"""A stored medical-service-circle run: indicator values with provenance, ratio of sums up the tree, the
seed-004-style target linked and given a status, the run's points and per-area site rankings, the audit.

The hand-made roads of tests/core/access/data (times worked out in tests/core/access/test_network.py):
P1 1000 people 11.12 min, P2 500 people 16.78 min (outside 15), P4 300 people 8.23 min in 晋州市 130183;
P3 200 people 4.45 min in 深泽县 130128 (on an island without the county hospital). Both in 石家庄市.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from yigai.core.plan import Target

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[2] / "core" / "access" / "data"
K = 6371.0088 * math.pi / 180
P2_MINUTES = (
    2 * 6371.0088 * math.asin(math.cos(math.radians(38.04)) * math.sin(math.radians(0.002) / 2)) / 5 * 60
    + 0.06 * K / 30 * 60
    + 0.001 * K / 5 * 60
)  # walk to M, M-D unclassified, walk to F2


def test_values_ratio_of_sums_with_provenance(access_run) -> None:
    from yigai.apps.indicators.computing import indicator_values
    from yigai.apps.indicators.models import DataValue

    report = access_run()
    assert report.unreachable == []
    stored = DataValue.objects.filter(data_element__code="ACCESS_PRIMARY_POP", org_unit__code="130183").get()
    assert stored.value == 1300 and stored.period == "2026"
    assert (
        stored.source_file == "医疗服务圈测算_2026_路网出行时间_roads.osm.csv"
        and stored.batch == report.run.batch
    )
    # Only counties hold the sums: the city is computed from them.
    assert not DataValue.objects.filter(data_element__code="ACCESS_POP", org_unit__code="130100").exists()
    rows = indicator_values(
        indicators=["ACCESS_PRIMARY_SHARE", "ACCESS_COUNTY_SHARE", "ACCESS_PRIMARY_MAX_MINUTES"],
        org_units=["130183", "130128", "130100", "130000"], periods=["2026"],
    )  # fmt: skip
    got = {(r.indicator, r.org_unit): r.value for r in rows}
    assert got[("ACCESS_PRIMARY_SHARE", "130183")] == pytest.approx(1300 / 1800 * 100)
    assert got[("ACCESS_PRIMARY_SHARE", "130128")] == pytest.approx(100)
    # 石家庄市: (1300 + 200) / (1800 + 200) = 75%, not the mean of 72.2% and 100%
    assert got[("ACCESS_PRIMARY_SHARE", "130100")] == pytest.approx(75)
    assert got[("ACCESS_PRIMARY_SHARE", "130000")] == pytest.approx(75)
    assert got[("ACCESS_COUNTY_SHARE", "130100")] == pytest.approx(1800 / 2000 * 100)  # P3's island: none
    # The longest trip: P2's, in its county, its city and the province; 深泽县's is P3's.
    assert got[("ACCESS_PRIMARY_MAX_MINUTES", "130183")] == pytest.approx(round(P2_MINUTES, 2))
    assert got[("ACCESS_PRIMARY_MAX_MINUTES", "130000")] == pytest.approx(round(P2_MINUTES, 2))
    assert got[("ACCESS_PRIMARY_MAX_MINUTES", "130128")] == pytest.approx(round(0.01 * K / 15 * 60, 2))


def test_run_points_sites_and_audit(access_run) -> None:
    from yigai.apps.audit.models import AuditEvent

    report = access_run()
    run = report.run
    assert (run.method, run.network_file, run.year) == ("路网出行时间", "roads.osm", 2026)
    gaps = list(run.points.filter(primary_covered=False).values_list("code", "population"))
    assert gaps == [("P2", 500)]
    island = run.points.get(code="P3")
    assert island.county_minutes is None and not island.county_covered  # no road to the county hospital
    # P2 is the only uncovered point: the ranking in its county, its city and the province names it.
    scopes = sorted(run.sites.values_list("scope__code", "rank", "code", "new_population"))
    assert scopes == [("130000", 1, "P2", 500), ("130100", 1, "P2", 500), ("130183", 1, "P2", 500)]
    event = AuditEvent.objects.filter(action="access.store").get()
    assert event.details["method"] == "路网出行时间" and event.details["points"] == 4


def test_seed_target_gets_a_status(access_run, fake_document) -> None:
    """到2027年，15分钟医疗服务圈全面建成 (seed 004, G42: 医疗服务圈 ≤ 15 分钟) links to the longest-trip
    indicator, whose province value is P2's 16.8 minutes: not yet achieved."""
    from yigai.apps.indicators.services import target_link
    from yigai.apps.indicators.services.targets import target_suggest
    from yigai.apps.indicators.status import target_status
    from yigai.apps.plans.services import plan_store_document

    goal = Target(id="G42", task_id=None, indicator="医疗服务圈", comparator="<=", value=15, unit="分钟",
                  quote="到2027年，15分钟医疗服务圈", year=2027)  # fmt: skip
    document = fake_document(issuer="河北省人民政府办公室", issued_on="2023-06-01", targets=(goal,))
    plan = plan_store_document(document=document, content_hash="seed004-like")
    assert plan.org_unit.code == "130000"
    target = plan.targets.get(ext_id="G42")
    best = target_suggest(target=target)[0]
    assert (best.code, best.score) == ("ACCESS_PRIMARY_MAX_MINUTES", 1.0)
    linked = target_link(target=target, indicator=best.code)
    access_run(2026)
    row = target_status(targets=[linked], today=dt.date(2026, 12, 7))[0]
    assert (row.org_unit, row.latest_period) == ("130000", "2026")
    assert row.latest_value == pytest.approx(round(P2_MINUTES, 1), abs=0.05)
    assert row.status != "achieved"


def test_unreachable_area_gets_no_longest_trip(access_run, tmp_path: Path) -> None:
    """Without F3 nobody on the island reaches primary care: 深泽县, 石家庄市 and the province get no
    longest-trip value (it would be infinite), and the report names them."""
    from yigai.apps.indicators.models import DataValue

    lines = (DATA / "facilities.csv").read_text("utf-8").splitlines()
    (tmp_path / "f.csv").write_text("\n".join(x for x in lines if not x.startswith("F3")) + "\n", "utf-8")
    report = access_run(2026, tmp_path / "f.csv")
    assert sorted(report.unreachable) == ["130000", "130100", "130128"]
    longest = DataValue.objects.filter(data_element__code="ACCESS_PRIMARY_MAX_MINUTES")
    assert list(longest.values_list("org_unit__code", flat=True)) == ["130183"]
