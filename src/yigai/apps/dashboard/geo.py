"""The packaged map files (``yigai/data/maps``, see its README): schematic boundaries (示意图) by adcode.

>>> features = map_features()
>>> len(features) >= 167 + 14, features["133100"]["properties"]["name"]
(True, '雄安新区')
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

MAP_FILES = ("hebei_cities.geojson", "hebei_counties.geojson")  # second level first: 定州/辛集 appear in both


@functools.cache
def map_features() -> dict[str, dict[str, Any]]:
    """Every packaged feature by its ``adcode`` (the second-level file wins for codes in both)."""
    found: dict[str, dict[str, Any]] = {}
    folder = resources.files("yigai.data").joinpath("maps")
    for name in MAP_FILES:
        data = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for feature in data["features"]:
            found.setdefault(feature["properties"]["adcode"], feature)
    return found


def collection(codes: list[str]) -> dict[str, Any]:
    """A FeatureCollection of the packaged features for ``codes`` (codes without a polygon are left out)."""
    features = map_features()
    return {"type": "FeatureCollection", "features": [features[c] for c in codes if c in features]}


def missing(codes: list[str]) -> list[str]:
    features = map_features()
    return [c for c in codes if c not in features]
