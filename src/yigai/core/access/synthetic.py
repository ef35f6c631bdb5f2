"""Synthetic 示例 data for the medical service circle: villages and facilities inside the packaged counties.

Used by ``yigai access sample`` (files to try the command on) and ``bench/access.py`` (province scale).
Villages and facilities are drawn uniformly in Hebei's bounding box and kept when inside a packaged county
polygon, which also gives their county code (one bulk STRtree join). Area types 城区 15% / 平原农村 60% /
山区 25%; facilities 97.5% 基层 (60% of those within ≈0.5 km of a village, like a 村卫生室; 40% anywhere),
0.6% 县级, 1.9% 二级及以上; every name starts with 示例.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shapely

from yigai.core.access.boundaries import county_shapes
from yigai.core.access.registry import Facility, PopulationPoint

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
StrArray = np.ndarray[Any, np.dtype[np.str_]]
BBOX = (113.45, 36.05, 119.85, 42.62)  # Hebei: west, south, east, north
AREAS = (("城区", 0.15), ("平原农村", 0.60), ("山区", 0.25))


def _inside(rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray, StrArray]:
    """``n`` random (lon, lat, county) inside the packaged county polygons."""
    shapes = county_shapes()
    codes = np.array(list(shapes))
    tree = shapely.STRtree(list(shapes.values()))
    lon: list[FloatArray] = []
    lat: list[FloatArray] = []
    county: list[StrArray] = []
    have = 0
    while have < n:
        x = rng.uniform(BBOX[0], BBOX[2], 2 * n)
        y = rng.uniform(BBOX[1], BBOX[3], 2 * n)
        point_i, shape_i = tree.query(shapely.points(x, y), predicate="within")
        point_i, first = np.unique(point_i, return_index=True)  # a point on a shared (buffered) edge: once
        lon.append(x[point_i])
        lat.append(y[point_i])
        county.append(codes[shape_i[first]])
        have += len(point_i)
    return np.concatenate(lon)[:n], np.concatenate(lat)[:n], np.concatenate(county)[:n]


def make_data(villages: int, facilities: int, seed: int) -> tuple[list[PopulationPoint], list[Facility]]:
    """``villages`` 示例 points and ``facilities`` 示例 facilities (all 运营), the same for the same seed."""
    rng = np.random.default_rng(seed)
    lon, lat, county = _inside(rng, villages)
    area = rng.choice([a for a, _ in AREAS], size=villages, p=[p for _, p in AREAS])
    population = rng.lognormal(6.6, 0.7, villages).astype(np.int64)  # median ≈ 735 people
    points = [
        PopulationPoint(
            f"V{i:06d}",
            f"示例村{i}",
            str(county[i]),
            float(lon[i]),
            float(lat[i]),
            int(population[i]),
            str(area[i]),
        )
        for i in range(villages)
    ]
    n_basic = int(facilities * 0.975)
    n_clinic = int(n_basic * 0.6)
    at = rng.integers(0, villages, n_clinic)
    f_lon = [lon[at] + rng.normal(0, 0.004, n_clinic)]
    f_lat = [lat[at] + rng.normal(0, 0.004, n_clinic)]
    f_county = [county[at]]
    rest_lon, rest_lat, rest_county = _inside(rng, facilities - n_clinic)
    f_lon.append(rest_lon)
    f_lat.append(rest_lat)
    f_county.append(rest_county)
    flon, flat, fcounty = np.concatenate(f_lon), np.concatenate(f_lat), np.concatenate(f_county)
    n_county = int(facilities * 0.006)
    levels = ["基层"] * n_basic + ["县级"] * n_county + ["二级及以上"] * (facilities - n_basic - n_county)
    order = rng.permutation(facilities)  # the non-基层 levels land on the uniform part and the clinics alike
    facs = [
        Facility(
            f"F{k:06d}",
            f"示例机构{k}",
            levels[k],
            "示例",
            str(fcounty[j]),
            float(flon[j]),
            float(flat[j]),
            "运营",
        )
        for k, j in enumerate(order)
    ]
    return points, facs


def write_road_grid(path: Path, spacing_deg: float = 0.01, bbox: tuple[float, ...] = BBOX) -> tuple[int, int]:
    """A 示例 road grid over ``bbox`` written as an OpenStreetMap file (.osm.pbf or .osm by its suffix).

    One way per grid row and column; every 20th line ``secondary`` (50 km/h by default), every 5th
    ``tertiary``, the rest ``unclassified``. Returns (nodes, ways). Not a real road network: it times the
    network path at province scale (``bench/access.py``) and gives the demo a network to show.
    """
    import osmium  # only this writer and the network reader need it

    xs = np.arange(bbox[0], bbox[2] + spacing_deg / 2, spacing_deg)
    ys = np.arange(bbox[1], bbox[3] + spacing_deg / 2, spacing_deg)
    nx, ny = len(xs), len(ys)

    def node_id(i: int, j: int) -> int:
        return 1 + j * nx + i

    def kind(k: int) -> str:
        return "secondary" if k % 20 == 0 else "tertiary" if k % 5 == 0 else "unclassified"

    if path.exists():
        path.unlink()
    writer = osmium.SimpleWriter(str(path))
    try:
        for j, y in enumerate(ys):
            for i, x in enumerate(xs):
                writer.add_node(osmium.osm.mutable.Node(id=node_id(i, j), location=(float(x), float(y))))
        way = 0
        for j in range(ny):
            way += 1
            writer.add_way(
                osmium.osm.mutable.Way(
                    id=way, nodes=[node_id(i, j) for i in range(nx)], tags={"highway": kind(j)}
                )
            )
        for i in range(nx):
            way += 1
            writer.add_way(
                osmium.osm.mutable.Way(
                    id=way, nodes=[node_id(i, j) for j in range(ny)], tags={"highway": kind(i)}
                )
            )
    finally:
        writer.close()
    return nx * ny, way
