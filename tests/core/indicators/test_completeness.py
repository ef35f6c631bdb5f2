"""Reported and expected counts behind every computed value (issue 11: aggregation that knows what was
reported)."""

from __future__ import annotations

from yigai.core.indicators import DataValue, compute, default_catalogue

CAT = default_catalogue()
#  P ─ C1 ─ K1 ─ H1, H2 (facilities)
#   │     └ K2
#   └ C2 ─ K3
TREE: dict[str, str | None] = {"P": None, "C1": "P", "C2": "P", "K1": "C1", "K2": "C1", "K3": "C2",
                               "H1": "K1", "H2": "K1"}  # fmt: skip


def counts(
    rows: list[DataValue], indicator: str = "BEDS_PER_1000", period: str = "2025"
) -> dict[str, tuple[int, int]]:
    return {r.org_unit: (r.reported, r.expected)
            for r in compute(CAT, rows, TREE, [period], indicators=[indicator])}  # fmt: skip


def both(org: str, beds: float = 100, pop: float = 50_000, period: str = "2025") -> list[DataValue]:
    return [DataValue(org, "BEDS", period, beds), DataValue(org, "POP_RESIDENT", period, pop)]


def test_expected_counts_the_leaves_and_reported_the_leaves_with_every_element() -> None:
    got = counts([*both("H1"), *both("K3"), DataValue("K2", "BEDS", "2025", 9)])
    assert got["P"] == (2, 4)  # H1 and K3 of H1, H2, K2, K3; K2 lacks its population
    assert got["C1"] == (1, 3) and got["C2"] == (1, 1) and got["K1"] == (1, 2)
    assert got["H1"] == (1, 1) and got["H2"] == (0, 1) and got["K2"] == (0, 1)


def test_a_unit_reporting_its_own_total_covers_the_leaves_below_it() -> None:
    got = counts([*both("K1"), *both("K2")])  # the county reports, its facilities do not
    assert got["K1"] == (2, 2) and got["C1"] == (3, 3) and got["P"] == (3, 4)
    assert got["H1"] == (0, 1)  # a facility itself has reported nothing


def test_elements_reported_at_different_levels_cover_only_up_from_the_higher() -> None:
    rows = [DataValue("H1", "BEDS", "2025", 10), DataValue("C1", "POP_RESIDENT", "2025", 9_000)]
    got = counts(rows)  # H1's beds and C1's population: H1 is covered from C1 up, H2 and K2 lack beds
    assert got["K1"] == (0, 2) and got["C1"] == (1, 3) and got["P"] == (1, 4)


def test_a_rate_read_at_the_unit_itself_expects_one_report() -> None:
    rows = [DataValue("P", "HEALTH_LITERACY", "2025", 30.1)]
    got = counts(rows, indicator="HEALTH_LITERACY")
    assert got["P"] == (1, 1) and got["C1"] == (0, 1)


def test_completeness_per_period() -> None:
    rows = [*both("H1", period="2024"), *both("H2", period="2024"), *both("K2", period="2024"),
            *both("K3", period="2024"), *both("H1")]  # fmt: skip
    assert counts(rows, period="2024")["P"] == (4, 4)
    assert counts(rows, period="2025")["P"] == (1, 4)
