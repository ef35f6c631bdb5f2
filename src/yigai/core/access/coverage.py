"""Coverage of the medical service circles per county, city and province; the gaps; new 卫生院 sites.

All work is on arrays: one nearest-facility query per level, ``np.bincount`` sums per county, then a
roll-up of the (≈167) county sums to their cities and the province along the reporting tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from yigai.core.access.registry import LEVELS, Facility, PopulationPoint
from yigai.core.access.travel import Destinations, Nearest, Origins, TravelParameters, TravelTimeEngine
from yigai.core.divisions import Division


@dataclass(frozen=True)
class PointAccess:
    code: str
    name: str
    county: str
    population: int
    nearest: dict[str, tuple[str, float, float] | None]  # level -> (facility code, km, minutes)
    primary_minutes: float  # to the nearest facility counting for the primary circle (inf if none)
    county_minutes: float
    primary_covered: bool
    county_covered: bool


@dataclass(frozen=True)
class RegionCoverage:
    code: str
    name: str
    level: str  # province | city | county
    points: int
    population: int
    primary_population: int
    county_population: int
    # The longest trip to primary care from a point with people (inf: some cannot reach any; None: no people)
    primary_max_minutes: float | None = None

    @property
    def primary_share(self) -> float | None:
        return self.primary_population / self.population if self.population else None

    @property
    def county_share(self) -> float | None:
        return self.county_population / self.population if self.population else None


@dataclass(frozen=True)
class SiteSuggestion:
    rank: int
    code: str  # the existing (uncovered) population point where the new 卫生院 would stand
    name: str
    county: str
    longitude: float
    latitude: float
    new_population: int  # uncovered people newly within the circle, after the sites ranked before it
    new_points: int


@dataclass(frozen=True)
class AccessResult:
    method: str
    primary_minutes: float
    county_minutes: float
    points: list[PointAccess]
    regions: list[RegionCoverage]
    gaps: list[PointAccess]  # outside the primary circle, largest population first
    suggestions: list[SiteSuggestion]


def _origins(points: Sequence[PopulationPoint]) -> Origins:
    return Origins(
        np.array([p.longitude for p in points], dtype=np.float64),
        np.array([p.latitude for p in points], dtype=np.float64),
        np.array([p.area_type for p in points], dtype=np.str_),
    )


def _destinations(facilities: Sequence[Facility]) -> Destinations:
    return Destinations(
        np.array([f.longitude for f in facilities], dtype=np.float64),
        np.array([f.latitude for f in facilities], dtype=np.float64),
    )


def compute_access(
    points: Sequence[PopulationPoint],
    facilities: Sequence[Facility],
    *,
    engine: TravelTimeEngine,
    params: TravelParameters,
    divisions: Sequence[Division],
    primary_minutes: float | None = None,
    county_minutes: float | None = None,
    suggestions: int | None = None,
) -> AccessResult:
    """Nearest facility of each level per point, circle coverage per region, gaps and new-site ranking."""
    primary = params.circles["primary"]
    county = params.circles["county"]
    p_min = primary.minutes if primary_minutes is None else primary_minutes
    c_min = county.minutes if county_minutes is None else county_minutes
    open_facilities = [f for f in facilities if f.status in params.open_statuses]
    origins = _origins(points)
    by_level = {level: [f for f in open_facilities if f.level == level] for level in LEVELS}
    nearest = {level: engine.nearest(origins, _destinations(fs)) for level, fs in by_level.items()}
    p_time = np.min([nearest[lv].minutes for lv in primary.levels], axis=0) if points else np.zeros(0)
    c_time = np.min([nearest[lv].minutes for lv in county.levels], axis=0) if points else np.zeros(0)
    rows = [
        PointAccess(
            p.code,
            p.name,
            p.county,
            p.population,
            {lv: _nearest_of(nearest[lv], by_level[lv], i) for lv in LEVELS},
            float(p_time[i]),
            float(c_time[i]),
            bool(p_time[i] <= p_min),
            bool(c_time[i] <= c_min),
        )
        for i, p in enumerate(points)
    ]
    gaps = sorted((r for r in rows if not r.primary_covered), key=lambda r: (-r.population, r.code))
    uncovered = [p for p, r in zip(points, rows, strict=True) if not r.primary_covered]
    count = params.suggestions if suggestions is None else suggestions
    return AccessResult(
        method=engine.method,
        primary_minutes=p_min,
        county_minutes=c_min,
        points=rows,
        regions=_regions(points, p_time, p_time <= p_min, c_time <= c_min, divisions),
        gaps=gaps,
        suggestions=suggest_sites(uncovered, engine=engine, minutes=p_min, count=count),
    )


def _nearest_of(found: Nearest, facilities: Sequence[Facility], i: int) -> tuple[str, float, float] | None:
    j = int(found.index[i])
    if j < 0:
        return None
    return facilities[j].code, float(found.km[i]), float(found.minutes[i])


def _regions(
    points: Sequence[PopulationPoint],
    primary_time: np.ndarray,
    primary_ok: np.ndarray,
    county_ok: np.ndarray,
    divisions: Sequence[Division],
) -> list[RegionCoverage]:
    counties = [d.code for d in divisions if d.level == "county"]
    position = {c: i for i, c in enumerate(counties)}
    unknown = sorted({p.county for p in points} - position.keys())
    if unknown:
        raise ValueError(f"人口点的区县代码不在区划表中：{'、'.join(unknown)}")
    where = np.array([position[p.county] for p in points], dtype=np.int64)
    pop = np.array([p.population for p in points], dtype=np.int64)
    size = len(counties)
    sums = {
        "points": np.bincount(where, minlength=size),
        "population": np.bincount(where, weights=pop, minlength=size),
        "primary": np.bincount(where, weights=pop * primary_ok, minlength=size),
        "county": np.bincount(where, weights=pop * county_ok, minlength=size),
    }
    longest = np.full(size, -np.inf)
    peopled = pop > 0
    np.maximum.at(longest, where[peopled], primary_time[peopled])
    parent = {d.code: d.parent_code for d in divisions}
    totals: dict[str, np.ndarray] = {d.code: np.zeros(4) for d in divisions}
    worst: dict[str, float] = {d.code: -np.inf for d in divisions}
    for c, i in position.items():
        values = np.array([sums[k][i] for k in ("points", "population", "primary", "county")])
        code: str | None = c
        while code is not None:
            totals[code] += values
            worst[code] = max(worst[code], float(longest[i]))
            code = parent.get(code)
    return [
        RegionCoverage(
            d.code,
            d.name,
            d.level,
            points=round(float(totals[d.code][0])),
            population=round(float(totals[d.code][1])),
            primary_population=round(float(totals[d.code][2])),
            county_population=round(float(totals[d.code][3])),
            primary_max_minutes=None if worst[d.code] == -np.inf else worst[d.code],
        )
        for d in divisions
    ]


def suggest_by_region(
    result: AccessResult,
    points: Sequence[PopulationPoint],
    *,
    engine: TravelTimeEngine,
    divisions: Sequence[Division],
    count: int,
) -> dict[str, list[SiteSuggestion]]:
    """The greedy new-site ranking within each county, each city and the province that has uncovered people.

    A city's list ranks its own uncovered points only (people across its border are not counted), so a city
    or county user sees the sites for their own area, not the province's top ten filtered. The reachability
    matrix is computed once for all uncovered points; each area ranks on its rows and columns of it.
    """
    parent = {d.code: d.parent_code for d in divisions}
    uncovered = [p for p, row in zip(points, result.points, strict=True) if not row.primary_covered]
    members: dict[str, list[int]] = {}
    for i, p in enumerate(uncovered):
        code: str | None = p.county
        while code is not None:
            members.setdefault(code, []).append(i)
            code = parent.get(code)
    if not uncovered or count <= 0:
        return {}
    origins = _origins(uncovered)
    reach = engine.within(origins, Destinations(origins.lon, origins.lat), result.primary_minutes).tocsr()
    ranked: dict[str, list[SiteSuggestion]] = {}
    for code, rows in members.items():
        idx = np.array(rows, dtype=np.int64)
        found = _greedy(reach[idx][:, idx], [uncovered[i] for i in rows], count)
        if found:
            ranked[code] = found
    return ranked


def suggest_sites(
    uncovered: Sequence[PopulationPoint], *, engine: TravelTimeEngine, minutes: float, count: int
) -> list[SiteSuggestion]:
    """Greedy ranking of uncovered point locations for one new 卫生院 each.

    The first covers the most uncovered people within ``minutes``; each next one the most of those still
    uncovered after the ones before it. One sparse reachability matrix (points × candidate sites) from the
    engine; each round is one sparse matrix-vector product.
    """
    if not uncovered or count <= 0:
        return []
    origins = _origins(uncovered)
    reach = engine.within(origins, Destinations(origins.lon, origins.lat), minutes)
    return _greedy(reach, uncovered, count)


def _greedy(reach: csr_matrix, uncovered: Sequence[PopulationPoint], count: int) -> list[SiteSuggestion]:
    """Greedy max coverage on a boolean points × candidates matrix (candidates = the points themselves)."""
    matrix = reach.tocsc().astype(np.int64)
    remaining = np.array([p.population for p in uncovered], dtype=np.int64)
    alive = np.ones(len(uncovered), dtype=np.int64)
    out: list[SiteSuggestion] = []
    for rank in range(1, count + 1):
        gains = matrix.T @ remaining
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        column = matrix[:, best].nonzero()[0]
        p = uncovered[best]
        points_newly = int(alive[column].sum())
        out.append(
            SiteSuggestion(
                rank, p.code, p.name, p.county, p.longitude, p.latitude, int(gains[best]), points_newly
            )
        )
        remaining[column] = 0
        alive[column] = 0
    return out
