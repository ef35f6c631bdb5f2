"""The KD-tree answers agree with a brute-force haversine over every pair (random points, fixed seed)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from yigai.core.access import AccessInputError, StraightLineEstimate, TravelParameters
from yigai.core.access.registry import read_facilities, read_points
from yigai.core.access.travel import Destinations, Origins

R = 6371.0088


def haversine(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(a))


@pytest.fixture(scope="module")
def data() -> tuple[Origins, Destinations]:
    rng = np.random.default_rng(7)
    n, m = 300, 200
    areas = np.array(["城区", "平原农村", "山区"])[rng.integers(0, 3, n)]
    origins = Origins(rng.uniform(113.5, 119.8, n), rng.uniform(36.1, 42.6, n), areas)
    return origins, Destinations(rng.uniform(113.5, 119.8, m), rng.uniform(36.1, 42.6, m))


def test_nearest_matches_brute_force(data: tuple[Origins, Destinations]) -> None:
    origins, dest = data
    engine = StraightLineEstimate(TravelParameters.load())
    found = engine.nearest(origins, dest)
    km = haversine(origins.lon[:, None], origins.lat[:, None], dest.lon[None, :], dest.lat[None, :])
    assert np.array_equal(found.index, km.argmin(axis=1))
    assert np.allclose(found.km, km.min(axis=1), rtol=1e-9)
    per_km = {"城区": 1.3 / 20 * 60, "平原农村": 1.4 / 30 * 60, "山区": 1.7 / 20 * 60}
    assert np.allclose(found.minutes, km.min(axis=1) * np.array([per_km[a] for a in origins.area_type]))


def test_within_matches_brute_force(data: tuple[Origins, Destinations]) -> None:
    origins, dest = data
    engine = StraightLineEstimate(TravelParameters.load())
    reach = engine.within(origins, dest, 60.0).toarray()
    km = haversine(origins.lon[:, None], origins.lat[:, None], dest.lon[None, :], dest.lat[None, :])
    per_km = engine.minutes_per_km(origins)
    expected = km * per_km[:, None] <= 60.0
    assert expected.sum() > 50  # the case is not vacuous
    assert np.array_equal(reach, expected)


def test_no_facility_of_a_level() -> None:
    engine = StraightLineEstimate(TravelParameters.load())
    found = engine.nearest(
        Origins(np.array([114.0]), np.array([38.0]), np.array(["城区"])),
        Destinations(np.zeros(0), np.zeros(0)),
    )
    assert found.index.tolist() == [-1] and np.isinf(found.minutes).all()


def test_bad_file_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "code,name,county,longitude,latitude,population,area_type\n"
        "P1,一村,130123,114.55,38.18,1200,\n"  # empty area type → the default 平原农村
        "P2,二村,130123,114.55,38.25,8.5,丘陵\n",
        "utf-8",
    )
    with pytest.raises(AccessInputError) as caught:
        read_points(path, counties=["130123"], area_types=["城区", "平原农村"], default_area_type="平原农村")
    assert [(p.row, p.field) for p in caught.value.problems] == [(3, "population"), (3, "area_type")]
    path.write_text(
        path.read_text("utf-8").splitlines()[0] + "\nP1,一村,130123,114.55,38.18,1200,\n", "utf-8"
    )
    (point,) = read_points(path, counties=["130123"], area_types=["平原农村"], default_area_type="平原农村")
    assert (point.area_type, point.row, point.population) == ("平原农村", 2, 1200)


def test_blank_rows_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "code,name,level,type,county,longitude,latitude,status\n,,,,,,,\n"
        "F1,甲,基层,卫生院,130123,114.55,38.15,运营\nF2,乙,基层,卫生院,130123,114.55,,运营\n",
        "utf-8",
    )
    with pytest.raises(AccessInputError) as caught:
        read_facilities(path, counties=["130123"], statuses=["运营"])
    assert str(caught.value) == f"{path}: 第4行 latitude 列：“”不是数字"


def test_unknown_area_type_is_refused() -> None:
    engine = StraightLineEstimate(TravelParameters.load())
    origins = Origins(np.array([114.0, 114.1]), np.array([38.0, 38.0]), np.array(["城区", "高原"]))
    with pytest.raises(ValueError, match="高原"):
        engine.nearest(origins, Destinations(np.array([114.0]), np.array([38.1])))


def test_site_ranking_matches_naive_greedy() -> None:
    """The sparse greedy equals a naive greedy over a full pair-wise minutes matrix (random, fixed seed)."""
    from yigai.core.access import PopulationPoint, suggest_sites

    rng = np.random.default_rng(3)
    n = 150
    lon, lat = rng.uniform(114.0, 114.6, n), rng.uniform(38.0, 38.5, n)
    areas = np.array(["城区", "平原农村", "山区"])[rng.integers(0, 3, n)]
    pop = rng.integers(1, 5000, n)
    points = [
        PopulationPoint(f"P{i}", f"村{i}", "130123", float(lon[i]), float(lat[i]), int(pop[i]), str(areas[i]))
        for i in range(n)
    ]
    engine = StraightLineEstimate(TravelParameters.load())
    ranked = suggest_sites(points, engine=engine, minutes=15, count=8)
    per_km = engine.minutes_per_km(Origins(lon, lat, areas))
    reach = haversine(lon[:, None], lat[:, None], lon[None, :], lat[None, :]) * per_km[:, None] <= 15
    left = pop.astype(float)
    expected = []
    for _ in range(8):
        gains = reach.T.astype(float) @ left
        best = int(gains.argmax())
        expected.append((f"P{best}", int(gains[best])))
        left[reach[:, best]] = 0
    assert [(s.code, s.new_population) for s in ranked] == expected
    assert all(a.new_population >= b.new_population for a, b in itertools.pairwise(ranked))
