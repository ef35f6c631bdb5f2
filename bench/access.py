"""The medical service circle at province scale: yigai's KD-tree against the brute force a user would write.

    python bench/access.py [--villages 50000] [--facilities 80000] [--sample 200] [--seed 19]
    python bench/access.py --network [--spacing 0.01]      # the road-network path on a 示例 grid

Synthetic 示例 data (``yigai.core.access.synthetic``, deterministic seed) inside Hebei: villages and
facilities drawn uniformly in Hebei's bounding box and kept when inside a packaged county polygon (which
also gives their county code, by a bulk STRtree join); area types 城区 15% / 平原农村 60% / 山区 25%; facilities 97.5% 基层 (60% of them
within ≈0.5 km of a village, like a 村卫生室; 40% anywhere), 0.6% 县级, 1.9% 二级及以上; all 运营.

* **yigai** — ``compute_access``: nearest open facility of each of the three levels per village
  (cKDTree on unit vectors), both circles, roll-up to 167 counties / cities / province, the gap list, the
  greedy ranking of 10 new 卫生院 sites; then the county-boundary check of every row (shapely, bulk);
  then the worst case of the site ranking: every village a candidate and uncovered.
* **brute force** — what a user would write with numpy: haversine from each village to every facility
  of a level, ``argmin``, in chunks of 50 villages (a full 50,000 × 80,000 matrix would need 32 GB), run
  on ``--sample`` villages and extrapolated linearly; its nearest indices are compared with yigai's.

* **network** (``--network``) — the road-network path: a 示例 road grid over Hebei's bounding box
  (``write_road_grid``: one line every ``--spacing`` degrees, ≈1.1 km by default, secondary/tertiary/
  unclassified) written as .osm.pbf, read back with osmium into the sparse graph, then ``compute_access``
  with :class:`RoadNetwork` (three multi-source Dijkstra searches, one per level) and the per-area site
  rankings ``--store`` computes (``suggest_by_region``: province, 11 cities, counties).

Each part runs in its own process so its peak RSS (``ru_maxrss``) is its own. Times are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from yigai.core.access import (
    Facility,
    PopulationPoint,
    StraightLineEstimate,
    TravelParameters,
    compute_access,
    suggest_sites,
)
from yigai.core.access.boundaries import outside_county
from yigai.core.access.registry import LEVELS
from yigai.core.access.synthetic import make_data
from yigai.core.divisions import read_divisions


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def part_yigai(points: list[PopulationPoint], facs: list[Facility]) -> dict[str, Any]:
    params = TravelParameters.load()
    engine = StraightLineEstimate(params)
    divisions = read_divisions()
    base = _rss_mb()
    start = time.perf_counter()
    result = compute_access(points, facs, engine=engine, params=params, divisions=divisions)
    compute_s = time.perf_counter() - start
    start = time.perf_counter()
    rows = [*points, *facs]
    warnings = outside_county(
        "bench",
        [r.row for r in rows],
        [r.code for r in rows],
        [r.county for r in rows],
        np.array([r.longitude for r in rows]),
        np.array([r.latitude for r in rows]),
    )
    boundary_s = time.perf_counter() - start
    start = time.perf_counter()
    worst = suggest_sites(points, engine=engine, minutes=15, count=10)
    worst_s = time.perf_counter() - start
    sample_nearest = [
        [p.nearest[lv][0] if p.nearest[lv] else None for lv in LEVELS] for p in result.points[: ARGS.sample]
    ]
    province = next(r for r in result.regions if r.level == "province")
    return {
        "compute_s": compute_s,
        "boundary_check_s": boundary_s,
        "boundary_warnings": len(warnings),
        "sites_all_villages_s": worst_s,
        "sites_all_villages_first": worst[0].new_population if worst else 0,
        "gaps": len(result.gaps),
        "primary_share": province.primary_share,
        "county_share": province.county_share,
        "sites": [(s.code, s.new_population) for s in result.suggestions[:3]],
        "rss_before_mb": base,
        "peak_rss_mb": _rss_mb(),
        "sample_nearest": sample_nearest,
    }


def part_brute(points: list[PopulationPoint], facs: list[Facility]) -> dict[str, Any]:
    base = _rss_mb()
    sample = points[: ARGS.sample]
    plon = np.radians([p.longitude for p in sample])
    plat = np.radians([p.latitude for p in sample])
    nearest: list[list[str | None]] = [[None] * len(LEVELS) for _ in sample]
    start = time.perf_counter()
    for k, level in enumerate(LEVELS):
        chosen = [f for f in facs if f.level == level]
        flon = np.radians([f.longitude for f in chosen])
        flat = np.radians([f.latitude for f in chosen])
        for s in range(0, len(sample), 50):
            dlat = flat[None, :] - plat[s : s + 50, None]
            dlon = flon[None, :] - plon[s : s + 50, None]
            a = (
                np.sin(dlat / 2) ** 2
                + np.cos(plat[s : s + 50, None]) * np.cos(flat[None, :]) * np.sin(dlon / 2) ** 2
            )
            km = 2 * 6371.0088 * np.arcsin(np.sqrt(a))
            for i, j in enumerate(km.argmin(axis=1)):
                nearest[s + i][k] = chosen[int(j)].code
    elapsed = time.perf_counter() - start
    return {
        "sample_s": elapsed,
        "extrapolated_s": elapsed * len(points) / len(sample),
        "rss_before_mb": base,
        "peak_rss_mb": _rss_mb(),
        "sample_nearest": nearest,
    }


def part_network(points: list[PopulationPoint], facs: list[Facility]) -> dict[str, Any]:
    import tempfile
    from pathlib import Path

    from yigai.core.access import suggest_by_region
    from yigai.core.access.network import RoadNetwork
    from yigai.core.access.synthetic import write_road_grid

    params = TravelParameters.load()
    divisions = read_divisions()
    base = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.osm.pbf"
        start = time.perf_counter()
        nodes, ways = write_road_grid(path, ARGS.spacing)
        write_s = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        start = time.perf_counter()
        engine = RoadNetwork.from_osm(path, params.network, params.earth_radius_km)
        read_s = time.perf_counter() - start
    start = time.perf_counter()
    result = compute_access(points, facs, engine=engine, params=params, divisions=divisions)
    compute_s = time.perf_counter() - start
    start = time.perf_counter()
    ranked = suggest_by_region(result, points, engine=engine, divisions=divisions, count=10)
    rank_s = time.perf_counter() - start
    province = next(r for r in result.regions if r.level == "province")
    return {
        "grid_nodes": nodes,
        "grid_ways": ways,
        "graph_edges": engine.edges,
        "pbf_mb": round(size_mb, 2),
        "write_grid_s": write_s,
        "read_network_s": read_s,
        "compute_s": compute_s,
        "rankings_by_area_s": rank_s,
        "areas_ranked": len(ranked),
        "gaps": len(result.gaps),
        "primary_share": province.primary_share,
        "county_share": province.county_share,
        "rss_before_mb": base,
        "peak_rss_mb": _rss_mb(),
    }


def _child(part: str) -> dict[str, Any]:
    args = [sys.executable, __file__, "--part", part, "--villages", str(ARGS.villages)]
    args += ["--facilities", str(ARGS.facilities), "--sample", str(ARGS.sample), "--seed", str(ARGS.seed)]
    args += ["--spacing", str(ARGS.spacing)]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=1800)
    return dict(json.loads(out.stdout))


def main() -> None:
    if ARGS.part:
        start = time.perf_counter()
        points, facs = make_data(ARGS.villages, ARGS.facilities, ARGS.seed)
        made = time.perf_counter() - start
        part = {"yigai": part_yigai, "brute": part_brute, "network": part_network}[ARGS.part]
        print(json.dumps({"generate_s": made, **part(points, facs)}, ensure_ascii=False))
        return
    if ARGS.network:
        print(
            f"{ARGS.villages} villages, {ARGS.facilities} facilities (seed {ARGS.seed}), grid {ARGS.spacing}°"
        )
        print(json.dumps({"network": _child("network")}, ensure_ascii=False, indent=1))
        return
    yig = _child("yigai")
    brute = _child("brute")
    same = yig.pop("sample_nearest") == brute.pop("sample_nearest")
    print(f"{ARGS.villages} villages, {ARGS.facilities} facilities (seed {ARGS.seed}), sample {ARGS.sample}")
    print(
        json.dumps(
            {"yigai": yig, "brute_force": brute, "same_nearest_on_sample": same}, ensure_ascii=False, indent=1
        )
    )


parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--villages", type=int, default=50_000)
parser.add_argument("--facilities", type=int, default=80_000)
parser.add_argument("--sample", type=int, default=200)
parser.add_argument("--seed", type=int, default=19)
parser.add_argument("--part", choices=("yigai", "brute", "network"))
parser.add_argument("--network", action="store_true", help="time the road-network path on a 示例 grid")
parser.add_argument("--spacing", type=float, default=0.01, help="grid spacing in degrees (--network)")
ARGS = parser.parse_args()

if __name__ == "__main__":
    main()
