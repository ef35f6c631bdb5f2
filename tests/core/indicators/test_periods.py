"""Periods: the input forms people write, canonical output, roll-up, containment, ordering, errors."""

from __future__ import annotations

import pytest

from yigai.core.indicators.periods import Period, PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2023", "2023"), ("2023年", "2023"), ("2023年度", "2023"), (2023, "2023"),
        ("2023Q1", "2023Q1"), ("2023q4", "2023Q4"), ("2023年第一季度", "2023Q1"), ("2023年第4季度", "2023Q4"),
        ("2023年三季度", "2023Q3"),
        ("202301", "202301"), ("2023-01", "202301"), ("2023-1", "202301"), ("2023/12", "202312"),
        ("2023年3月", "202303"), ("2023年11月份", "202311"), (" 2023Q2 ", "2023Q2"),
    ],
)  # fmt: skip
def test_accepted_forms_print_canonically(text: str | int, canonical: str) -> None:
    assert str(Period.parse(text)) == canonical


@pytest.mark.parametrize(
    "text",
    ["", "23", "2023Q0", "2023Q5", "202313", "202300", "2023-13", "2023年第五季度", "FY2023", "2023H1"],
)
def test_malformed_input_is_refused_with_the_input_named(text: str) -> None:
    with pytest.raises(PeriodError) as exc:
        Period.parse(text)
    assert repr(text) in str(exc.value)


def test_rollup_month_to_quarter_to_year() -> None:
    month = Period.parse("202311")
    assert month.parent() == Period("quarter", 2023, 4)
    assert month.rollup("year") == Period("year", 2023)
    assert Period.parse("2023Q2").rollup("quarter") == Period.parse("2023Q2")
    with pytest.raises(PeriodError):
        Period.parse("2023").rollup("month")


def test_contains() -> None:
    year, q1, march, april = (Period.parse(p) for p in ("2023", "2023Q1", "202303", "202304"))
    assert year.contains(q1) and year.contains(march) and q1.contains(march)
    assert not q1.contains(april) and not q1.contains(year) and not Period.parse("2024").contains(march)
    assert year.contains(year)


def test_ordering_is_by_start_then_longer_first() -> None:
    periods = [parse_period(p) for p in ["202302", "2024", "2023Q1", "2023", "202301", "2022Q4"]]
    assert [str(p) for p in sorted(periods)] == ["2022Q4", "2023", "2023Q1", "202301", "202302", "2024"]


def test_shift_crosses_years() -> None:
    assert str(Period.parse("2023Q1").shift(-1)) == "2022Q4"
    assert str(Period.parse("202301").shift(-13)) == "202112"
    assert str(Period.parse("2023").shift(2)) == "2025"


def test_bad_index_in_constructor() -> None:
    with pytest.raises(PeriodError):
        Period("month", 2023, 13)
