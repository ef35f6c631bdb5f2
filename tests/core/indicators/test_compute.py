"""Computation: ratio of sums up the tree, stock/flow roll-up in time, no data, and SQL == Python."""

from __future__ import annotations

import math
import random

import pytest

from yigai.core.indicators.catalogue import default_catalogue, load_catalogue_text
from yigai.core.indicators.compute import (
    ComputeError,
    DataValue,
    IndicatorValue,
    ancestors_map,
    compute,
    compute_sql,
)

CAT = default_catalogue()
# province P → cities C1, C2 → counties K1, K2 (in C1), K3 (in C2) → hospital H1 (in K1)
TREE: dict[str, str | None] = {
    "P": None,
    "C1": "P",
    "C2": "P",
    "K1": "C1",
    "K2": "C1",
    "K3": "C2",
    "H1": "K1",
}


def cell(rows: list[IndicatorValue], org: str, period: str = "2023") -> IndicatorValue:
    return next(r for r in rows if r.org_unit == org and r.period == period)


def test_ratio_of_sums_not_average_of_ratios() -> None:
    rows = [
        DataValue("K1", "BEDS", "2023", 60), DataValue("K1", "POP_RESIDENT", "2023", 10_000),
        DataValue("K2", "BEDS", "2023", 10), DataValue("K2", "POP_RESIDENT", "2023", 40_000),
    ]  # fmt: skip
    out = compute(CAT, rows, TREE, ["2023"], indicators=["BEDS_PER_1000"])
    assert cell(out, "K1").value == pytest.approx(6.0)
    assert cell(out, "K2").value == pytest.approx(0.25)
    # (60 + 10) / (10 000 + 40 000) × 1000 = 1.4; the average of ratios would be 3.125
    c1 = cell(out, "C1")
    assert (c1.numerator, c1.denominator, c1.value) == (70.0, 50_000.0, pytest.approx(1.4))
    assert cell(out, "P").value == pytest.approx(1.4)
    assert cell(out, "C2").value is None  # nothing reported under C2: no data, not zero


def test_facility_values_add_up_through_every_level() -> None:
    rows = [DataValue("H1", "BEDS", "2023", 500), DataValue("K1", "BEDS", "2023", 100),
            DataValue("K3", "BEDS", "2023", 50), DataValue("P", "POP_RESIDENT", "2023", 1_000_000)]  # fmt: skip
    out = compute(CAT, rows, TREE, ["2023"], indicators=["BEDS_PER_1000"])
    assert cell(out, "K1").numerator == 600.0
    assert cell(out, "C1").numerator == 600.0
    assert cell(out, "P").numerator == 650.0
    assert cell(out, "P").value == pytest.approx(0.65)
    assert cell(out, "K1").value is None  # population reported only for the province


def test_stock_takes_the_last_value_and_flow_the_sum() -> None:
    rows = [
        DataValue("K1", "BEDS", "202301", 100), DataValue("K1", "BEDS", "202302", 105), DataValue("K1", "BEDS", "202312", 120),
        DataValue("K1", "POP_RESIDENT", "2023", 100_000),
        DataValue("K1", "DISCHARGE_OPERATIONS", "202301", 10), DataValue("K1", "DISCHARGE_OPERATIONS", "202302", 20),
        DataValue("K1", "DISCHARGE_OPERATIONS", "202312", 30),
        DataValue("K1", "DISCHARGES", "2023Q1", 300), DataValue("K1", "DISCHARGES", "2023Q4", 100),
    ]  # fmt: skip
    out = compute(CAT, rows, TREE, ["2023", "2023Q1", "202302"], indicators=["BEDS_PER_1000", "NPA04_SURGERY_SHARE"],
                  org_units=["K1"])  # fmt: skip
    beds = {r.period: r.numerator for r in out if r.indicator == "BEDS_PER_1000"}
    assert beds == {"2023": 120.0, "2023Q1": 105.0, "202302": 105.0}  # stock: last month inside the period
    surgery = {r.period: (r.numerator, r.denominator) for r in out if r.indicator == "NPA04_SURGERY_SHARE"}
    assert surgery["2023"] == (60.0, 400.0)  # flows: 10+20+30 over 300+100
    assert surgery["2023Q1"] == (30.0, 300.0)
    assert surgery["202302"] == (20.0, None)  # a quarter figure cannot be split into months


def test_average_aggregation_and_coarsest_period_wins() -> None:
    rows = [
        DataValue("K1", "CVD_DEATHS", "2023", 100), DataValue("K1", "CVD_DEATHS", "202301", 7),  # annual wins
        DataValue("K1", "POP_MEAN", "2023Q1", 100_000), DataValue("K1", "POP_MEAN", "2023Q3", 110_000),
    ]  # fmt: skip
    out = compute(CAT, rows, TREE, ["2023"], indicators=["CVD_MORTALITY"], org_units=["K1"])
    assert (out[0].numerator, out[0].denominator) == (100.0, 105_000.0)
    assert out[0].value == pytest.approx(100 / 105_000 * 100_000)


def test_disaggregation_total_and_option() -> None:
    rows = [DataValue("K1", "HOSPITAL_BEDS", "2023", 80, "PUBLIC"), DataValue("K1", "HOSPITAL_BEDS", "2023", 20, "PRIVATE"),
            DataValue("K2", "HOSPITAL_BEDS", "2023", 50, "PUBLIC"), DataValue("C1", "POP_RESIDENT", "2023", 100_000)]  # fmt: skip
    out = compute(CAT, rows, TREE, ["2023"], indicators=["PUBLIC_HOSPITAL_BEDS_PER_1000"])
    assert cell(out, "C1").numerator == 130.0
    assert cell(out, "C1").value == pytest.approx(1.3)


def test_zero_denominator_and_missing_data_are_no_data() -> None:
    rows = [DataValue("K1", "BEDS", "2023", 10), DataValue("K1", "POP_RESIDENT", "2023", 0),
            DataValue("K2", "POP_RESIDENT", "2023", 1000)]  # fmt: skip
    out = compute(CAT, rows, TREE, ["2023"], indicators=["BEDS_PER_1000"])
    assert (cell(out, "K1").value, cell(out, "K1").denominator) == (None, 0.0)
    assert (cell(out, "K2").value, cell(out, "K2").numerator) == (None, None)
    assert cell(out, "C1").value == pytest.approx(10.0)  # 10 / 1000 × 1000 once the tree is summed


def test_values_that_cannot_be_added_stay_with_their_org_unit() -> None:
    rows = [
        DataValue("K1", "HEALTH_LITERACY", "2023", 30.5),
        DataValue("K2", "HEALTH_LITERACY", "2023", 20.0),
    ]
    out = compute(CAT, rows, TREE, ["2023"], indicators=["HEALTH_LITERACY"])
    assert cell(out, "K1").value == 30.5
    assert cell(out, "C1").value is None  # a survey rate is not summed: the city needs its own estimate


def test_indicator_references_use_the_same_org_unit_and_period() -> None:
    cat = load_catalogue_text("""
schema: yigai.indicators/1
data_elements:
  - {code: A, name: a, value_type: number, aggregation: sum}
  - {code: B, name: b, value_type: number, aggregation: sum}
indicators:
  - {code: SHARE, name: 占比, numerator: '#{A}', denominator: '#{B}', factor: 100, unit: '%', direction: higher}
  - {code: GAP, name: 差距, numerator: '100 - I{SHARE}', denominator: '1', unit: '%', direction: lower}
""")
    rows = [DataValue("K1", "A", "2023", 1), DataValue("K1", "B", "2023", 4), DataValue("K2", "A", "2023", 3),
            DataValue("K2", "B", "2023", 4)]  # fmt: skip
    out = compute(cat, rows, TREE, ["2023"], indicators=["GAP"])
    assert {r.indicator for r in out} == {"GAP"}
    assert cell(out, "K1").value == pytest.approx(75.0)
    assert cell(out, "C1").value == pytest.approx(50.0)  # 100 − (1+3)/(4+4)×100


def test_bad_input_is_refused() -> None:
    with pytest.raises(ComputeError, match="未知机构 'X9'"):
        compute(CAT, [DataValue("X9", "BEDS", "2023", 1)], TREE, ["2023"], indicators=["BEDS_PER_1000"])
    with pytest.raises(ComputeError, match="duplicate"):
        compute(CAT, [DataValue("K1", "BEDS", "2023", 1), DataValue("K1", "BEDS", "2023年", 2)], TREE, ["2023"],
                indicators=["BEDS_PER_1000"])  # fmt: skip
    with pytest.raises(ComputeError, match="loop"):
        ancestors_map({"A": "B", "B": "A"})
    with pytest.raises(ComputeError, match="not in the tree"):
        ancestors_map({"A": "Z"})
    with pytest.raises(KeyError, match="NOPE"):
        compute(CAT, [], TREE, ["2023"], indicators=["NOPE"])


# --- SQL and Python agree ------------------------------------------------------------------------


def synthetic_values(seed: int) -> list[DataValue]:
    """Every data element, for leaves and some inner units, mixed period types, gaps and zeros."""
    rng = random.Random(seed)
    out: list[DataValue] = []
    orgs = ["H1", "K1", "K2", "K3", "C2"]
    for code, element in sorted(CAT.data_elements.items()):
        options: list[str | None] = [o.code for o in element.options] or [None]
        for org in orgs:
            for option in options:
                if rng.random() < 0.15:
                    continue  # a gap
                for year in (2022, 2023):
                    style = rng.choice(["year", "quarters", "months"])
                    periods = {"year": [f"{year}"], "quarters": [f"{year}Q{q}" for q in range(1, 5) if rng.random() < 0.8],
                               "months": [f"{year}{m:02d}" for m in range(1, 13) if rng.random() < 0.7]}[style]  # fmt: skip
                    for p in periods:
                        value = 0.0 if rng.random() < 0.05 else round(rng.uniform(1, 1000), 2)
                        out.append(DataValue(org, code, p, value, option))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_and_python_give_identical_results(seed: int) -> None:
    duckdb = pytest.importorskip("duckdb")
    values = synthetic_values(seed)
    periods = ["2022", "2023", "2023Q2", "202311"]
    expected = compute(CAT, values, TREE, periods)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE data_values (org_unit VARCHAR, data_element VARCHAR, disaggregation VARCHAR, period VARCHAR, value DOUBLE)"
    )
    con.executemany("INSERT INTO data_values VALUES (?, ?, ?, ?, ?)",
                    [(v.org_unit, v.data_element, v.disaggregation, v.period, v.value) for v in values])  # fmt: skip
    con.execute("CREATE TABLE org_units (code VARCHAR, parent VARCHAR)")
    con.executemany("INSERT INTO org_units VALUES (?, ?)", list(TREE.items()))
    got = [IndicatorValue(*row) for row in con.execute(compute_sql(None, periods, catalogue=CAT)).fetchall()]
    assert len(got) == len(expected) == len(CAT.indicators) * len(TREE) * len(periods)
    assert (
        sum(r.value is not None for r in expected) > len(expected) // 3
    )  # the data really exercise the formulas
    assert sum(r.value is None for r in expected) > 0
    # completeness varies (gaps, inner units reporting) and both paths count it alike
    assert len({(r.reported, r.expected) for r in expected}) > 4
    for mine, theirs in zip(expected, got, strict=True):
        assert (mine.indicator, mine.org_unit, mine.period, mine.reported, mine.expected) == (
            theirs.indicator,
            theirs.org_unit,
            theirs.period,
            theirs.reported,
            theirs.expected,
        ), (mine, theirs)
        for a, b in (
            (mine.value, theirs.value),
            (mine.numerator, theirs.numerator),
            (mine.denominator, theirs.denominator),
        ):
            assert (a is None) == (b is None), (mine, theirs)
            if a is not None and b is not None:
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (mine, theirs)


def test_sql_rejects_unsafe_table_names() -> None:
    with pytest.raises(ValueError, match="plain SQL table name"):
        compute_sql(["BEDS_PER_1000"], ["2023"], catalogue=CAT, values_table="x; DROP TABLE y")
