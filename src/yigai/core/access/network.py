"""Travel time on a road network read offline from an OpenStreetMap extract (.osm, .osm.pbf, .osm.bz2).

* **Reading** — ``osmium`` (pyosmium, libosmium) streams the file: every way whose ``highway`` class has a
  speed in ``data/access.yaml`` (``network.speeds_kmh``) becomes one edge per pair of consecutive nodes,
  its length the great-circle distance between them, its time length ÷ the class speed. Classes without a
  speed (footway, steps, cycleway, construction …) are not read; nodes missing from a clipped extract cut
  the way there. Two-way everywhere (oneway tags, turns and congestion are not modelled).
* **Snapping** — each population point and facility walks in a straight line (``snap_speed_kmh``) to its
  nearest network node (``scipy.spatial.cKDTree`` on unit vectors), never to a node that only motorway-like
  ways touch (``snap_exclude``).
* **Searching** — ``scipy.sparse.csgraph.dijkstra``: for :meth:`RoadNetwork.nearest`, one multi-source
  search per call (per facility level), each facility entering the graph through its own virtual node whose
  edge is its snap walk, so the search also says *which* facility is nearest; for :meth:`RoadNetwork.within`
  (new-site ranking), one search bounded by ``minutes`` per distinct candidate node, in blocks.

Time from point *p* to facility *f* = walk(*p* → node) + network(node → node') + walk(node' → *f*).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from yigai.core.access.travel import (
    Destinations,
    FloatArray,
    IntArray,
    Nearest,
    NetworkParameters,
    Origins,
    unit_vectors,
)

# Values of the dense blocks of one bounded search (candidates × network nodes) kept in memory at once.
_BLOCK_VALUES = 4_000_000
# Destinations of one bounded search share a tile of this many degrees (≈ 25 km) and its neighbourhood.
_TILE_DEG = 0.25


class NetworkError(Exception):
    """The road network file cannot be used (unreadable, or no road of a known class); message in Chinese."""


@dataclass(frozen=True)
class Snap:
    node: IntArray  # nearest snappable network node
    minutes: FloatArray  # the straight walk to it


def great_circle_km(
    lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray, radius_km: float
) -> FloatArray:
    """Haversine distance in km (element-wise)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    result: FloatArray = 2.0 * radius_km * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result


def read_osm_ways(
    path: Path, classes: set[str]
) -> tuple[IntArray, FloatArray, FloatArray, list[str], IntArray]:
    """Node ids, longitudes, latitudes of every way-node of the ways of ``classes``, the class of each way
    and, per way-node, the index of its way (-1 after a node without a location: the way is cut there)."""
    import osmium  # only a network computation needs it

    ids: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    owner: list[int] = []
    kinds: list[str] = []
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in processor:
            kind = way.tags.get("highway")
            if not isinstance(way, osmium.osm.Way) or kind not in classes:
                continue
            w = len(kinds)
            kinds.append(kind)
            for n in way.nodes:
                loc = n.location
                if loc.valid():
                    ids.append(n.ref)
                    lons.append(loc.lon)
                    lats.append(loc.lat)
                    owner.append(w)
                else:  # a node outside a clipped extract: no edge across it
                    ids.append(-1)
                    lons.append(0.0)
                    lats.append(0.0)
                    owner.append(-1)
    except RuntimeError as exc:  # libosmium: "Open failed …", "XML parsing error …", bad PBF
        raise NetworkError(f"{path}: 无法读取 OpenStreetMap 路网文件（{exc}）") from None
    return (
        np.array(ids, dtype=np.int64),
        np.array(lons, dtype=np.float64),
        np.array(lats, dtype=np.float64),
        kinds,
        np.array(owner, dtype=np.int64),
    )


class RoadNetwork:
    """A road network as a sparse graph (minutes on edges); a :class:`TravelTimeEngine`."""

    def __init__(
        self,
        lon: FloatArray,
        lat: FloatArray,
        edges: tuple[IntArray, IntArray, FloatArray],
        snappable: np.ndarray[Any, np.dtype[np.bool_]],
        params: NetworkParameters,
        earth_radius_km: float,
        source: str = "",
    ) -> None:
        self.lon, self.lat = lon, lat
        self.params = params
        self.radius_km = earth_radius_km
        self.method = params.method
        self.source = source
        n = len(lon)
        a, b, minutes = edges
        # One edge per node pair (the fastest, if two ways join the same nodes), stored both ways.
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        order = np.lexsort((minutes, hi, lo))
        lo, hi, minutes = lo[order], hi[order], minutes[order]
        first = np.ones(len(lo), dtype=bool)
        first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
        keep = first & (lo != hi)
        lo, hi, minutes = lo[keep], hi[keep], minutes[keep]
        self.edges = len(lo)
        self.nodes = n
        self.graph = self._matrix(np.concatenate((lo, hi)), np.concatenate((hi, lo)), np.tile(minutes, 2), n)
        self._tree: cKDTree | None = None  # every node, for neighbourhoods (built on first need)
        self._position: IntArray | None = None  # node id -> position in the current neighbourhood, else -1
        self._snap_index = np.flatnonzero(snappable).astype(np.int64)
        self._snap_tree = cKDTree(unit_vectors(lon[self._snap_index], lat[self._snap_index]))

    @staticmethod
    def _matrix(rows: IntArray, cols: IntArray, minutes: FloatArray, n: int) -> csr_matrix:
        # Explicit zeros stay edges in csgraph's sparse input (two nodes at the same place, a facility on a node).
        return coo_matrix((minutes, (rows, cols)), shape=(n, n)).tocsr()

    @classmethod
    def from_osm(cls, path: Path, params: NetworkParameters, earth_radius_km: float) -> RoadNetwork:
        """Read ``path`` (.osm, .osm.pbf …); :class:`NetworkError` when unreadable or without any known road."""
        ids, lons, lats, kinds, owner = read_osm_ways(path, set(params.speeds_kmh))
        same_way = (owner[1:] == owner[:-1]) & (owner[1:] >= 0)
        if not same_way.any():
            raise NetworkError(
                f"{path}: 没有可用的道路（highway 等级见 data/access.yaml 的 network.speeds_kmh）"
            )
        valid = ids >= 0
        nodes, position = np.unique(ids[valid], return_inverse=True)
        compact = np.full(len(ids), -1, dtype=np.int64)
        compact[valid] = position.reshape(-1)
        node_lon = np.zeros(len(nodes))
        node_lat = np.zeros(len(nodes))
        node_lon[compact[valid]] = lons[valid]
        node_lat[compact[valid]] = lats[valid]
        start = np.flatnonzero(same_way)
        a, b = compact[start], compact[start + 1]
        way = owner[start]
        speed = np.array([params.speeds_kmh[k] for k in kinds], dtype=np.float64)[way]
        km = great_circle_km(node_lon[a], node_lat[a], node_lon[b], node_lat[b], earth_radius_km)
        excluded = np.array([k in params.snap_exclude for k in kinds], dtype=bool)
        snappable = np.zeros(len(nodes), dtype=bool)
        ordinary = valid.copy()
        ordinary[valid] = ~excluded[owner[valid]]
        snappable[compact[ordinary]] = True
        if not snappable.any():
            raise NetworkError(f"{path}: 除 {'、'.join(params.snap_exclude)} 外没有道路，人口点无处吸附")
        return cls(
            node_lon, node_lat, (a, b, km / speed * 60.0), snappable, params, earth_radius_km, str(path)
        )

    def snap(self, lon: FloatArray, lat: FloatArray) -> Snap:
        chord, found = self._snap_tree.query(unit_vectors(lon, lat), k=1)
        km = 2.0 * self.radius_km * np.arcsin(np.clip(np.asarray(chord, dtype=np.float64) / 2.0, 0.0, 1.0))
        return Snap(
            self._snap_index[np.asarray(found, dtype=np.int64)], km / self.params.snap_speed_kmh * 60.0
        )

    def nearest(self, origins: Origins, destinations: Destinations) -> Nearest:
        """One multi-source search from every destination at once (each through its own virtual node)."""
        n, m = len(origins.lon), len(destinations.lon)
        if m == 0 or n == 0:
            return Nearest(np.full(n, -1, dtype=np.int64), np.full(n, np.inf), np.full(n, np.inf))
        here = self.snap(origins.lon, origins.lat)
        there = self.snap(destinations.lon, destinations.lat)
        size = self.nodes + m
        virtual = np.arange(self.nodes, size, dtype=np.int64)
        graph = self.graph.tocoo()
        extended = self._matrix(
            np.concatenate((graph.row, virtual)).astype(np.int64),
            np.concatenate((graph.col, there.node)).astype(np.int64),
            np.concatenate((graph.data, there.minutes)),
            size,
        )
        dist, _pred, sources = dijkstra(
            extended, directed=True, indices=virtual, min_only=True, return_predecessors=True
        )
        minutes = np.asarray(dist, dtype=np.float64)[here.node] + here.minutes
        source = np.asarray(sources, dtype=np.int64)[here.node]
        reached = np.isfinite(minutes) & (source >= self.nodes)
        index = np.where(reached, source - self.nodes, -1)
        minutes = np.where(reached, minutes, np.inf)
        j = np.maximum(index, 0)
        km = great_circle_km(
            origins.lon, origins.lat, destinations.lon[j], destinations.lat[j], self.radius_km
        )
        return Nearest(index, np.where(reached, km, np.inf), minutes)

    def within(self, origins: Origins, destinations: Destinations, minutes: float) -> csr_matrix:
        """Origins × destinations within ``minutes``: one bounded search per distinct destination node.

        Destinations are grouped in tiles of ``_TILE_DEG`` degrees; each tile searches only the part of the
        network a trip of ``minutes`` can reach at the fastest road speed (a ball around the tile), so a
        search costs the size of that neighbourhood, not of the whole province's network.
        """
        shape = (len(origins.lon), len(destinations.lon))
        if 0 in shape:
            return csr_matrix(shape, dtype=bool)
        here = self.snap(origins.lon, origins.lat)
        there = self.snap(destinations.lon, destinations.lat)
        starts, which = np.unique(there.node, return_inverse=True)
        which = which.reshape(-1)
        reach_km = max(self.params.speeds_kmh.values()) * minutes / 60.0
        tiles = np.floor(self.lon[starts] / _TILE_DEG) * 100_000 + np.floor(self.lat[starts] / _TILE_DEG)
        tile_ids, tile_of = np.unique(tiles, return_inverse=True)
        order = np.argsort(here.node, kind="stable")
        origin_nodes = here.node[order]
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        for t in range(len(tile_ids)):
            mine = np.flatnonzero(tile_of.reshape(-1) == t)  # indices into starts
            local = self._neighbourhood(starts[mine], reach_km)  # sorted node ids
            sub = self._subgraph(local)
            # origins whose node lies in the neighbourhood (others are beyond reach)
            lo = np.searchsorted(origin_nodes, local[0])
            hi = np.searchsorted(origin_nodes, local[-1], side="right")
            cand = order[lo:hi]
            pos = np.searchsorted(local, here.node[cand])
            inside = (pos < len(local)) & (local[np.minimum(pos, len(local) - 1)] == here.node[cand])
            cand, pos = cand[inside], pos[inside]
            start_pos = np.searchsorted(local, starts[mine])
            block = max(1, _BLOCK_VALUES // max(len(local), 1))
            for s in range(0, len(mine), block):
                dist = dijkstra(sub, directed=True, indices=start_pos[s : s + block], limit=minutes)
                to_origin = np.asarray(dist, dtype=np.float64)[:, pos] + here.minutes[None, cand]
                chosen = np.flatnonzero(np.isin(which, mine[s : s + block]))  # destinations of these starts
                row_of = np.searchsorted(mine[s : s + block], which[chosen])
                total = to_origin[row_of] + there.minutes[chosen, None]  # destinations × origins
                d, o = np.nonzero(total <= minutes)
                rows.append(cand[o].astype(np.int64))
                cols.append(chosen[d].astype(np.int64))
        r, c = np.concatenate(rows), np.concatenate(cols)
        return coo_matrix((np.ones(len(r), dtype=bool), (r, c)), shape=shape).tocsr()

    def _neighbourhood(self, nodes: IntArray, reach_km: float) -> IntArray:
        """Sorted ids of every node within ``reach_km`` (straight line) of any of ``nodes``."""
        if self._tree is None:
            self._tree = cKDTree(unit_vectors(self.lon, self.lat))
        centre_lon, centre_lat = float(self.lon[nodes].mean()), float(self.lat[nodes].mean())
        spread = great_circle_km(
            np.full(len(nodes), centre_lon), np.full(len(nodes), centre_lat), self.lon[nodes], self.lat[nodes],
            self.radius_km,
        )  # fmt: skip
        km = reach_km + float(spread.max()) + 0.001
        chord = 2.0 * np.sin(min(km / self.radius_km, np.pi) / 2.0)
        centre = unit_vectors(np.array([centre_lon]), np.array([centre_lat]))[0]
        found = np.sort(np.array(self._tree.query_ball_point(centre, chord), dtype=np.int64))
        pos = np.minimum(np.searchsorted(found, nodes), len(found) - 1)
        return found if bool((found[pos] == nodes).all()) else np.union1d(found, nodes)

    def _subgraph(self, local: IntArray) -> csr_matrix:
        """The edges among ``local`` (sorted node ids), renumbered 0…len-1; costs its own edges, not the
        whole network's (a column selection would walk every node)."""
        if self._position is None:
            self._position = np.full(self.nodes, -1, dtype=np.int64)
        self._position[local] = np.arange(len(local))
        rows = self.graph[local].tocoo()
        cols = self._position[rows.col]
        keep = cols >= 0
        self._position[local] = -1
        n = len(local)
        return self._matrix(rows.row[keep].astype(np.int64), cols[keep], rows.data[keep], n)
