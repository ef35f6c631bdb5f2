"""Travel time from population points to facilities: the engine interface and the straight-line estimate.

Every engine answers two bulk questions (never one Python call per pair):

* :meth:`TravelTimeEngine.nearest` — for each origin, the nearest destination and the minutes to it;
* :meth:`TravelTimeEngine.within` — every (origin, destination) pair reachable within ``minutes``, as a
  sparse matrix (used to place a new facility).

:class:`StraightLineEstimate` (method name "直线距离估算", written into every result): great-circle distance × detour factor ÷ speed, both by the origin's area type (data/access.yaml).
Points are mapped to unit vectors in 3-D so a ``scipy.spatial.cKDTree`` on them finds the nearest by chord
length, which orders exactly like great-circle distance (no map projection, no distortion at any
latitude). The road-network engine (an OpenStreetMap extract read offline, method "路网出行时间") is
:class:`yigai.core.access.network.RoadNetwork`, behind the same Protocol.

>>> params = TravelParameters.load()
>>> params.method, params.area_types["平原农村"]
('直线距离估算', AreaType(detour_factor=1.4, speed_kmh=30.0))
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import numpy as np
import yaml
from scipy.sparse import coo_matrix, csr_matrix
from scipy.spatial import cKDTree

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class AreaType:
    detour_factor: float
    speed_kmh: float

    @property
    def minutes_per_km(self) -> float:
        return self.detour_factor / self.speed_kmh * 60.0


@dataclass(frozen=True)
class Circle:
    label: str
    minutes: float
    levels: tuple[str, ...]


@dataclass(frozen=True)
class NetworkParameters:
    """How a road network is read and timed (data/access.yaml ``network``)."""

    method: str
    snap_speed_kmh: float  # the straight walk from a point or facility to its nearest network node
    snap_exclude: tuple[str, ...]  # highway classes whose nodes are never snapped to (motorways)
    speeds_kmh: dict[str, float]  # highway class -> speed; classes not listed are not read


@dataclass(frozen=True)
class TravelParameters:
    method: str
    earth_radius_km: float
    default_area_type: str
    area_types: dict[str, AreaType]
    circles: dict[str, Circle]
    open_statuses: tuple[str, ...]
    statuses: tuple[str, ...]
    suggestions: int
    network: NetworkParameters

    @classmethod
    def load(cls, text: str | None = None) -> TravelParameters:
        """The parameters of ``text`` (YAML), by default the packaged ``data/access.yaml``."""
        if text is None:
            text = resources.files("yigai.data").joinpath("access.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        return cls(
            method=str(data["method"]),
            earth_radius_km=float(data["earth_radius_km"]),
            default_area_type=str(data["default_area_type"]),
            area_types={
                str(k): AreaType(float(v["detour_factor"]), float(v["speed_kmh"]))
                for k, v in data["area_types"].items()
            },
            circles={
                str(k): Circle(str(v["label"]), float(v["minutes"]), tuple(v["levels"]))
                for k, v in data["circles"].items()
            },
            open_statuses=tuple(data["open_statuses"]),
            statuses=tuple(data["statuses"]),
            suggestions=int(data["suggestions"]),
            network=NetworkParameters(
                method=str(data["network"]["method"]),
                snap_speed_kmh=float(data["network"]["snap_speed_kmh"]),
                snap_exclude=tuple(str(c) for c in data["network"]["snap_exclude"]),
                speeds_kmh={str(k): float(v) for k, v in data["network"]["speeds_kmh"].items()},
            ),
        )


@dataclass(frozen=True)
class Origins:
    """Population points as arrays: longitude, latitude (degrees, WGS84/CGCS2000) and area type names."""

    lon: FloatArray
    lat: FloatArray
    area_type: np.ndarray[Any, np.dtype[np.str_]]


@dataclass(frozen=True)
class Destinations:
    lon: FloatArray
    lat: FloatArray


@dataclass(frozen=True)
class Nearest:
    """Per origin: index of the nearest destination (-1 if none), straight-line km and travel minutes (inf)."""

    index: IntArray
    km: FloatArray
    minutes: FloatArray


class TravelTimeEngine(Protocol):
    method: str

    def nearest(self, origins: Origins, destinations: Destinations) -> Nearest: ...

    def within(self, origins: Origins, destinations: Destinations, minutes: float) -> csr_matrix:
        """Boolean origins × destinations matrix: True where the trip takes at most ``minutes``."""
        ...


def unit_vectors(lon: FloatArray, lat: FloatArray) -> FloatArray:
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


class StraightLineEstimate:
    """Great-circle km × detour factor ÷ speed (per origin area type); an estimate, not a road time."""

    def __init__(self, params: TravelParameters) -> None:
        self.params = params
        self.method = params.method

    def _chord_to_km(self, chord: FloatArray) -> FloatArray:
        result: FloatArray = 2.0 * self.params.earth_radius_km * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))
        return result

    def _km_to_chord(self, km: float) -> float:
        return float(2.0 * np.sin(min(km / self.params.earth_radius_km, np.pi) / 2.0))

    def minutes_per_km(self, origins: Origins) -> FloatArray:
        """Per origin, minutes per straight-line km of its area type (ValueError on an unknown type)."""
        names, inverse = np.unique(origins.area_type, return_inverse=True)
        unknown = [str(n) for n in names if str(n) not in self.params.area_types]
        if unknown:
            raise ValueError(f"未知的地区类型：{'、'.join(unknown)}")
        table = np.array([self.params.area_types[str(n)].minutes_per_km for n in names], dtype=np.float64)
        result: FloatArray = table[inverse.reshape(-1)] if len(names) else np.zeros(0)
        return result

    def nearest(self, origins: Origins, destinations: Destinations) -> Nearest:
        n = len(origins.lon)
        if len(destinations.lon) == 0:
            return Nearest(np.full(n, -1, dtype=np.int64), np.full(n, np.inf), np.full(n, np.inf))
        tree = cKDTree(unit_vectors(destinations.lon, destinations.lat))
        chord, index = tree.query(unit_vectors(origins.lon, origins.lat), k=1)
        km = self._chord_to_km(np.asarray(chord, dtype=np.float64))
        return Nearest(np.asarray(index, dtype=np.int64), km, km * self.minutes_per_km(origins))

    def within(self, origins: Origins, destinations: Destinations, minutes: float) -> csr_matrix:
        shape = (len(origins.lon), len(destinations.lon))
        if 0 in shape:
            return csr_matrix(shape, dtype=bool)
        per_km = self.minutes_per_km(origins)
        radius = self._km_to_chord(minutes / float(per_km.min()))
        a = cKDTree(unit_vectors(origins.lon, origins.lat))
        b = cKDTree(unit_vectors(destinations.lon, destinations.lat))
        # "ndarray" output keeps zero distances (a site on the point itself), unlike the sparse outputs.
        pairs = a.sparse_distance_matrix(b, radius, output_type="ndarray")
        rows = pairs["i"].astype(np.int64)
        cols = pairs["j"].astype(np.int64)
        chords = pairs["v"].astype(np.float64)
        keep = self._chord_to_km(chords) * per_km[rows] <= minutes
        matrix = coo_matrix((np.ones(int(keep.sum()), dtype=bool), (rows[keep], cols[keep])), shape=shape)
        return matrix.tocsr()
