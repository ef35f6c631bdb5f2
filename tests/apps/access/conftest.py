"""The hand-made roads of tests/core/access/data computed and stored as one run (times worked out in
tests/core/access/test_network.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parents[2] / "core" / "access" / "data"


@pytest.fixture
def access_run(orgunits: None) -> Callable[..., Any]:
    def run(year: int = 2026, facilities: Path = DATA / "facilities.csv") -> Any:
        from yigai.apps.access.services import access_store
        from yigai.core.access import (
            TravelParameters,
            compute_access,
            load_inputs,
            suggest_by_region,
        )
        from yigai.core.access.network import RoadNetwork
        from yigai.core.divisions import read_divisions

        params = TravelParameters.load()
        divisions = read_divisions()
        inputs = load_inputs(facilities, DATA / "points.csv", params=params, divisions=divisions)
        engine = RoadNetwork.from_osm(DATA / "roads.osm", params.network, params.earth_radius_km)
        result = compute_access(
            inputs.points, inputs.facilities, engine=engine, params=params, divisions=divisions
        )
        sites = suggest_by_region(result, inputs.points, engine=engine, divisions=divisions, count=3)
        return access_store(
            result=result, points=inputs.points, sites=sites, year=year, facilities_file="facilities.csv",
            points_file="points.csv", network_file="roads.osm",
        )  # fmt: skip

    return run
