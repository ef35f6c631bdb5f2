"""Travel times on the hand-made road network of data/roads.osm, worked out by hand below (equal within
float rounding: rel 1e-9, the KD-tree snap goes through a chord length).

Speeds (data/access.yaml): primary 60, tertiary 40, unclassified 30, residential 25, service 15 km/h; the
walk to or from the nearest node 5 km/h. Distances: along a meridian, Δφ degrees are R·Δφ·π/180 km
(K km per degree); along a parallel at latitude φ, Δλ degrees are 2R·asin(cos φ · sin(Δλ/2)) km.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from yigai.core.access import TravelParameters
from yigai.core.access.network import NetworkError, RoadNetwork
from yigai.core.access.travel import Destinations, Origins

DATA = Path(__file__).parent / "data"
R = 6371.0088
K = R * math.pi / 180  # km per degree of latitude


def ew(lat: float, dlon: float) -> float:
    """km along a parallel."""
    return 2 * R * math.asin(math.cos(math.radians(lat)) * math.sin(math.radians(dlon) / 2))


def minutes(km: float, kmh: float) -> float:
    return km / kmh * 60


# The edges of the loop, in minutes.
AB = BC = minutes(0.05 * K, 60)  # primary, 0.05° of latitude each
CD = minutes(ew(38.10, 0.05), 25)  # residential, 0.05° of longitude at 38.10°N
DM = minutes(0.06 * K, 30)  # unclassified
ME = minutes(0.04 * K, 30)
EA = minutes(ew(38.00, 0.05), 40)  # tertiary
FG = minutes(0.01 * K, 15)  # service, the island
# Walks to the nearest node at 5 km/h.
WALK_F2 = minutes(0.001 * K, 5)  # F2 stands 0.001° north of D
WALK_P2 = minutes(ew(38.04, 0.002), 5)  # P2 stands 0.002° east of M (the motorway node K under it is skipped)
WALK_P4 = minutes(0.002 * K, 5)  # P4 stands 0.002° north of B

# Facilities: F1 基层 on A, F2 县级 next to D, F3 基层 on F (island).
FAC_LON = np.array([115.00, 115.05, 115.20])
FAC_LAT = np.array([38.00, 38.101, 38.20])
# Points: P1 on C, P2 next to M, P3 on G (island), P4 next to B.
PT_LON = np.array([115.00, 115.052, 115.20, 115.00])
PT_LAT = np.array([38.10, 38.04, 38.21, 38.052])


@pytest.fixture(scope="module")
def network() -> RoadNetwork:
    params = TravelParameters.load()
    return RoadNetwork.from_osm(DATA / "roads.osm", params.network, params.earth_radius_km)


def origins() -> Origins:
    return Origins(PT_LON, PT_LAT, np.array(["平原农村"] * 4))


def test_reads_only_roads_of_known_classes(network: RoadNetwork) -> None:
    # Nodes: A B C D M E F G, the motorway's K L, and node 11 (on the residential way cut at missing node 99).
    # Footway and building are not read; the cut way has no edge. Edges: AB BC CD DM ME EA FG KL.
    assert network.nodes == 11
    assert network.edges == 8
    assert network.method == "路网出行时间"


def test_nearest_facility_times_by_hand(network: RoadNetwork) -> None:
    found = network.nearest(origins(), Destinations(FAC_LON, FAC_LAT))
    # P1 (on C): F1 by C-B-A (11.1 min) beats F2 by C-D plus the walk (11.8 min) and the long way round.
    p1_f1 = BC + AB
    p1_f2 = CD + WALK_F2
    assert p1_f1 < p1_f2 < CD + DM + ME + EA
    # P2 (walk to M): to F2 by M-D and the walk (16.8 min) beats F1 by M-E-A (17.6 min).
    p2_f1 = WALK_P2 + ME + EA
    p2_f2 = WALK_P2 + DM + WALK_F2
    assert p2_f2 < p2_f1
    # P3 (on G): F3 on F by the island's road.
    p3_f3 = FG
    # P4 (walk to B): F1 by B-A.
    p4_f1 = WALK_P4 + AB
    assert found.index.tolist() == [0, 1, 2, 0]
    assert found.minutes.tolist() == pytest.approx([p1_f1, p2_f2, p3_f3, p4_f1], rel=1e-9)


def test_one_level_at_a_time_and_unreachable(network: RoadNetwork) -> None:
    county = network.nearest(origins(), Destinations(FAC_LON[1:2], FAC_LAT[1:2]))  # F2 alone
    p4_f2 = WALK_P4 + BC + CD + WALK_F2
    assert county.index.tolist() == [0, 0, -1, 0]  # P3's island has no road to F2
    assert county.minutes[[0, 1, 3]].tolist() == pytest.approx(
        [CD + WALK_F2, WALK_P2 + DM + WALK_F2, p4_f2], rel=1e-9
    )
    assert county.minutes[2] == np.inf


def test_within_by_hand(network: RoadNetwork) -> None:
    reach = network.within(origins(), Destinations(FAC_LON, FAC_LAT), 12.0).toarray()
    # ≤ 12 min: P1-F1 (11.12), P1-F2 (11.84), P3-F3 (4.45), P4-F1 (8.23); P2's best is 16.8, P4-F2 20.1.
    assert BC + AB <= 12 and CD + WALK_F2 <= 12 and WALK_P4 + AB <= 12
    assert WALK_P4 + BC + CD + WALK_F2 > 12 and WALK_P2 + DM + WALK_F2 > 12
    expected = np.zeros((4, 3), dtype=bool)
    expected[0, 0] = expected[0, 1] = expected[2, 2] = expected[3, 0] = True
    assert np.array_equal(reach, expected)


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    params = TravelParameters.load()
    bad = tmp_path / "bad.osm"
    bad.write_text("not xml", encoding="utf-8")
    with pytest.raises(NetworkError, match=r"bad\.osm: 无法读取"):
        RoadNetwork.from_osm(bad, params.network, params.earth_radius_km)
    empty = tmp_path / "empty.osm"
    empty.write_text('<osm version="0.6"><node id="1" lat="38" lon="115"/></osm>', encoding="utf-8")
    with pytest.raises(NetworkError, match="没有可用的道路"):
        RoadNetwork.from_osm(empty, params.network, params.earth_radius_km)


def test_within_equals_a_search_over_the_whole_network(tmp_path: Path) -> None:
    """The tiled, neighbourhood-bounded searches of ``within`` give the same pairs as a bounded search over
    the whole network from every destination (a 示例 grid 0.5° × 0.4°, 400 random points and sites)."""
    from scipy.sparse.csgraph import dijkstra

    from yigai.core.access.synthetic import write_road_grid

    params = TravelParameters.load()
    path = tmp_path / "grid.osm.pbf"
    write_road_grid(path, 0.01, (115.0, 38.0, 115.5, 38.4))
    net = RoadNetwork.from_osm(path, params.network, params.earth_radius_km)
    rng = np.random.default_rng(5)
    o = Origins(rng.uniform(115.0, 115.5, 400), rng.uniform(38.0, 38.4, 400), np.array(["平原农村"] * 400))
    d = Destinations(o.lon[:300], o.lat[:300])
    minutes = 15.0
    got = net.within(o, d, minutes).toarray()
    here, there = net.snap(o.lon, o.lat), net.snap(d.lon, d.lat)
    full = dijkstra(net.graph, directed=True, indices=there.node, limit=minutes)[:, here.node]
    expected = (full + there.minutes[:, None] + here.minutes[None, :] <= minutes).T
    assert 500 < expected.sum() < expected.size / 4  # neither vacuous nor everything
    assert np.array_equal(got, expected)
