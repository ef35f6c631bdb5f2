"""The medical service circle (15分钟医疗服务圈): who lives how far from care (issue 19).

Read a facility registry and population points (:mod:`.registry`), time the trips in bulk behind a
:class:`TravelTimeEngine` Protocol — on a road network read from an OpenStreetMap extract
(:mod:`.network`) or by the straight-line estimate (:mod:`.travel`) — and compute coverage per county, city
and province, the gaps and the best new 卫生院 sites (:mod:`.coverage`). Framework-free: the CLI and the
web app (``yigai.apps.access``) call :func:`load_inputs` and :func:`compute_access`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from yigai.core.access.boundaries import OutsideCounty, outside_county
from yigai.core.access.coverage import (
    AccessResult,
    PointAccess,
    RegionCoverage,
    SiteSuggestion,
    compute_access,
    suggest_by_region,
    suggest_sites,
)
from yigai.core.access.registry import (
    LEVELS,
    AccessInputError,
    Facility,
    PopulationPoint,
    Problem,
    read_facilities,
    read_points,
)
from yigai.core.access.travel import StraightLineEstimate, TravelParameters, TravelTimeEngine
from yigai.core.divisions import Division

__all__ = [
    "LEVELS",
    "AccessInputError",
    "AccessResult",
    "Facility",
    "Inputs",
    "OutsideCounty",
    "PointAccess",
    "PopulationPoint",
    "Problem",
    "RegionCoverage",
    "SiteSuggestion",
    "StraightLineEstimate",
    "TravelParameters",
    "TravelTimeEngine",
    "compute_access",
    "load_inputs",
    "suggest_by_region",
    "suggest_sites",
]


@dataclass(frozen=True)
class Inputs:
    facilities: list[Facility]
    points: list[PopulationPoint]
    warnings: list[OutsideCounty]  # rows outside their county's (schematic) boundary; still used


def load_inputs(
    facilities: Path, points: Path, *, params: TravelParameters, divisions: Sequence[Division]
) -> Inputs:
    """Both files validated; raises :class:`AccessInputError` with every problem of both files."""
    counties = [d.code for d in divisions if d.level == "county"]
    problems: list[Problem] = []
    facs: list[Facility] = []
    pts: list[PopulationPoint] = []
    try:
        facs = read_facilities(facilities, counties=counties, statuses=params.statuses)
    except AccessInputError as exc:
        problems += exc.problems
    try:
        pts = read_points(
            points,
            counties=counties,
            area_types=params.area_types,
            default_area_type=params.default_area_type,
        )
    except AccessInputError as exc:
        problems += exc.problems
    if problems:
        raise AccessInputError(problems)
    warnings = _outside(str(facilities), facs) + _outside(str(points), pts)
    return Inputs(facs, pts, warnings)


def _outside(file: str, rows: Sequence[Facility | PopulationPoint]) -> list[OutsideCounty]:
    return outside_county(
        file,
        [r.row for r in rows],
        [r.code for r in rows],
        [r.county for r in rows],
        np.array([r.longitude for r in rows], dtype=np.float64),
        np.array([r.latitude for r in rows], dtype=np.float64),
    )
