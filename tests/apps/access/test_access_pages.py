"""The 医疗服务圈 page and its map data: jurisdiction-scoped (a city user sees its counties only), the gap
list largest first, the new-site ranking of the user's own area. Data: the hand-made roads of
tests/core/access/data stored as one run (see test_access_store.py for its times)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(access_run) -> None:
    access_run(2026)


def test_city_user_sees_its_counties(client, make_user, stored) -> None:
    client.force_login(make_user("sjz", "plan_owner", "130100"))
    page = client.get("/access/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "石家庄市医疗服务圈" in body and "路网出行时间" in body and "roads.osm" in body
    assert page.context["total"].population == 2000 and page.context["total"].primary_population == 1500
    assert [a.code for a in page.context["areas"]] == ["130128", "130183"]
    assert [(p.code, p.population) for p in page.context["gaps"]] == [("P2", 500)]
    assert [(s.rank, s.code, s.new_population) for s in page.context["sites"]] == [(1, "P2", 500)]
    data = client.get("/access/points/?org=130100").json()
    assert sorted(p[5] for p in data["points"]) == ["示例一村", "示例三村", "示例二村", "示例四村"]
    uncovered = [p for p in data["points"] if not p[3]]
    assert [(p[5], p[2], p[4]) for p in uncovered] == [("示例二村", 500, 16.8)]


def test_county_user_sees_only_its_points(client, make_user, stored) -> None:
    client.force_login(make_user("sz", "unit_reporter", "130128"))
    data = client.get("/access/points/").json()
    assert [(p[5], p[3]) for p in data["points"]] == [("示例三村", 1)]
    assert client.get("/access/?org=130183").status_code == 404  # the neighbouring county
    assert client.get("/access/points/?org=130100").status_code == 404  # its city


def test_other_city_sees_no_run(client, make_user, stored) -> None:
    client.force_login(make_user("bd", "plan_owner", "130600"))
    page = client.get("/access/")
    assert page.status_code == 200 and page.context["run"] is None
    assert "还没有测算结果" in page.content.decode()
    assert client.get("/access/?org=130100").status_code == 404
    assert client.get("/access/points/").json()["points"] == []


def test_login_required(client) -> None:
    assert client.get("/access/").status_code == 302
