"""Status and projection: a golden table computed by hand, then thresholds, directions and edge cases."""

from __future__ import annotations

import math

import pytest

from yigai.core.indicators.status import Goal, Thresholds, assess, growth, project_linear

# Golden table. Each row: observations, goal → expected status, R, projected value at the due year.
# Hand computation (CAGR_o = (latest/base)^(1/Δt) − 1, CAGR_r = (target/base)^(1/(due − base)) − 1,
# R = d·CAGR_o/|CAGR_r|; projection = least-squares line read at the due year):
#
# 1 beds/1000, 6.0 (2020) → 6.9 (2023), ≥ 7.5 by 2025, d = +1
#   CAGR_o = 1.15^(1/3) − 1 = e^(0.139762/3) − 1 = 0.047690; CAGR_r = 1.25^(1/5) − 1 = e^(0.223144/5) − 1 = 0.045640
#   R = 0.047690 / 0.045640 = 1.0449 ≥ 0.95 → on_track; line slope 0.3/yr → 6.9 + 2×0.3 = 7.5
# 2 same, latest 6.3: CAGR_o = 1.05^(1/3) − 1 = 0.016396; R = 0.016396 / 0.045640 = 0.3592 → limited_progress;
#   projection 6.3 + 2×0.1 = 6.5
# 3 in-county visit rate 82 (2020) → 85 (2023), ≥ 90 by 2025
#   CAGR_o = (85/82)^(1/3) − 1 = e^(0.035932/3) − 1 = 0.012049; CAGR_r = (90/82)^(1/5) − 1 = e^(0.093090/5) − 1 = 0.018792
#   R = 0.6412 → needs_acceleration; projection 85 + 2×1 = 87
# 4 stunting (lower is better) 6.0 (2020) → 6.5 (2022), < 5 by 2025, d = −1
#   CAGR_o = (6.5/6)^(1/2) − 1 = 0.040833; CAGR_r = (5/6)^(1/5) − 1 = e^(−0.182322/5) − 1 = −0.035807
#   R = −0.040833 / 0.035807 = −1.1404 → deterioration; projection 6.5 + 3×0.25 = 7.25
# 5 CVD mortality 250 (2021) → 236 (2023), ≤ 237 by 2027 → achieved (236 ≤ 237); projection 236 − 4×7 = 208
# 6 mortality 250 (2021) → 240 (2023), ≤ 237 by 2027, d = −1
#   CAGR_o = (240/250)^(1/2) − 1 = −0.020204; CAGR_r = (237/250)^(1/6) − 1 = e^(−0.053400/6) − 1 = −0.008861
#   R = 0.020204 / 0.008861 = 2.2802 → on_track; projection 240 − 4×5 = 220
# 7 three points 6.0 (2020), 6.6 (2021), 6.6 (2022), ≥ 7.5 by 2025: base/latest only for R
#   CAGR_o = 1.1^(1/2) − 1 = 0.048809; R = 0.048809 / 0.045640 = 1.0694 → on_track
#   least squares: x̄ = 2021, ȳ = 6.4, Sxy = (−1)(−0.4) + (1)(0.2) = 0.6, Sxx = 2, slope 0.3 → 6.4 + 4×0.3 = 7.6
# 8 increase_by 1 from a baseline: hospitals 1 (2021) → 1 (2023), target 1 + 1 = 2 by 2025
#   CAGR_o = 0, CAGR_r = 2^(1/4) − 1 = 0.189207; R = 0 → limited_progress; projection 1
# 9 range 90-95 %, 85 (2021) → 88 (2023) by 2025: below the range so target 90, d = +1
#   CAGR_o = (88/85)^(1/2) − 1 = 1.035294^0.5 − 1 = 0.017494; CAGR_r = (90/85)^(1/4) − 1 = e^(0.057158/4) − 1 = 0.014392
#   R = 0.017494 / 0.014392 = 1.2155 → on_track; projection 88 + 2×1.5 = 91
GOLDEN = [
    ([(2020, 6.0), (2023, 6.9)], Goal(">=", 7.5, 2025), "on_track", 1.0449, 7.5),
    ([(2020, 6.0), (2023, 6.3)], Goal(">=", 7.5, 2025), "limited_progress", 0.3592, 6.5),
    ([(2020, 82.0), (2023, 85.0)], Goal(">=", 90, 2025), "needs_acceleration", 0.6412, 87.0),
    ([(2020, 6.0), (2022, 6.5)], Goal("<", 5, 2025), "deterioration", -1.1404, 7.25),
    ([(2021, 250.0), (2023, 236.0)], Goal("<=", 237, 2027), "achieved", None, 208.0),
    ([(2021, 250.0), (2023, 240.0)], Goal("<=", 237, 2027), "on_track", 2.2802, 220.0),
    ([(2020, 6.0), (2021, 6.6), (2022, 6.6)], Goal(">=", 7.5, 2025), "on_track", 1.0694, 7.6),
    ([(2021, 1.0), (2023, 1.0)], Goal("increase_by", 1, 2025), "limited_progress", 0.0, 1.0),
    ([(2021, 85.0), (2023, 88.0)], Goal("range", 90, 2025, value_max=95), "on_track", 1.2155, 91.0),
]


@pytest.mark.parametrize(("observations", "goal", "status", "ratio", "projected"), GOLDEN)
def test_golden_table(
    observations: list[tuple[int, float]], goal: Goal, status: str, ratio: float | None, projected: float
) -> None:
    result = assess(observations, goal)
    assert result.status == status
    if ratio is None:
        assert result.ratio is None
    else:
        assert result.ratio == pytest.approx(ratio, abs=5e-4)
    assert result.projected_value == pytest.approx(projected)
    assert result.target_year == goal.year


def test_components_are_kept_for_the_audit_trail() -> None:
    a = assess([(2020, 6.0), (2023, 6.9)], Goal(">=", 7.5, 2025))
    assert (a.base_year, a.base_value, a.latest_year, a.latest_value, a.target_value) == (
        2020,
        6.0,
        2023,
        6.9,
        7.5,
    )
    assert a.observed_growth == pytest.approx(0.047690, abs=1e-6)
    assert a.required_growth == pytest.approx(0.045640, abs=1e-6)
    assert a.label == "进展顺利"


def test_thresholds_are_configurable() -> None:
    obs, goal = [(2020, 82.0), (2023, 85.0)], Goal(">=", 90, 2025)  # R = 0.6412
    assert assess(obs, goal, thresholds=Thresholds(needs_acceleration=0.7)).status == "limited_progress"
    assert assess(obs, goal, thresholds=Thresholds(on_track=0.6)).status == "on_track"
    assert Thresholds().status(0.95) == "on_track" and Thresholds().status(0.6) == "needs_acceleration"
    assert Thresholds().status(0.0) == "limited_progress" and Thresholds().status(-0.01) == "deterioration"


def test_recurring_yearly_increase_is_checked_year_by_year() -> None:
    # 家庭医生签约覆盖率 "每年提升1-3个百分点": 50 → 52 (+2, met) → 53.5 (+1.5, met); latest R = 1.5/1
    # target shown for 2025 = 50 + 4×1 = 54; least squares through the three points: slope 1.75,
    # ȳ = 51.8333 at x̄ = 2022 → 51.8333 + 3×1.75 = 57.0833
    goal = Goal("increase_by", 1, 2025, value_max=3, recurring="yearly")
    a = assess([(2021, 50.0), (2022, 52.0), (2023, 53.5)], goal)
    assert a.status == "on_track"
    assert [(c.year, c.change, c.met) for c in a.yearly] == [(2022, 2.0, True), (2023, 1.5, True)]
    assert a.ratio == pytest.approx(1.5)
    assert a.target_value == pytest.approx(54.0)
    assert a.projected_value == pytest.approx(57.0833, abs=1e-4)
    slow = assess([(2021, 50.0), (2022, 52.0), (2023, 52.5)], goal)  # +0.5 < 1: R = 0.5
    assert slow.status == "limited_progress"
    assert [c.met for c in slow.yearly] == [True, False]
    done = assess([(2023, 50.0), (2024, 51.0), (2025, 52.5)], goal)
    assert done.status == "achieved"
    falling = assess([(2022, 50.0), (2023, 49.0)], goal)
    assert falling.status == "deterioration"


def test_recurring_decrease_and_gaps_in_years() -> None:
    goal = Goal("decrease_by", 0.5, 2026, recurring="yearly")
    a = assess([(2021, 10.0), (2023, 9.0)], goal)  # two years, −1.0 against −0.5×2 required
    assert a.yearly[0].required == pytest.approx(-1.0)
    assert a.yearly[0].met and a.status == "on_track"


def test_no_data_cases() -> None:
    goal = Goal(">=", 7.5, 2025)
    assert assess([], goal).status == "no_data"
    assert assess([(2023, 7.0)], goal).status == "no_data"
    assert assess([(2021, 5.0), (2022, None), (2023, None)], goal).status == "no_data"
    assert assess([(2021, -1.0), (2023, 2.0)], goal).status == "no_data"
    assert assess([(2020, 1.0), (2023, 2.0)], Goal(">=", 5, 2020)).status == "no_data"
    with pytest.raises(ValueError, match="duplicate"):
        assess([(2021, 1.0), (2021, 2.0)], goal)


def test_baseline_year_and_zero_values() -> None:
    goal = Goal(">=", 8.0, 2025, baseline_year=2021)
    a = assess([(2019, 1.0), (2021, 6.0), (2023, 7.0)], goal)
    assert a.base_year == 2021
    z = assess([(2021, 0.0), (2023, 0.0)], Goal(">=", 5, 2025))  # zeros → 0.001: no growth, R = 0
    assert z.status == "limited_progress"
    assert growth(0.0, 0.0, 3) == 0.0


def test_equal_and_strict_comparators() -> None:
    assert assess([(2021, 0.0), (2023, 1.0)], Goal("=", 1, 2025)).status == "achieved"
    # falling towards 1: CAGR_o = (2/3)^(1/2) − 1 = −0.18350, CAGR_r = (1/3)^(1/4) − 1 = −0.24016, R = 0.7641
    towards = assess([(2021, 3.0), (2023, 2.0)], Goal("=", 1, 2025))
    assert towards.status == "needs_acceleration" and towards.ratio == pytest.approx(0.7641, abs=5e-4)
    assert assess([(2021, 5.0), (2023, 5.0)], Goal(">", 5, 2025)).status == "limited_progress"
    assert (
        assess([(2021, 5.0), (2023, 4.0)], Goal("=", 5, 2025)).status == "deterioration"
    )  # moved away from 5
    assert math.isinf(assess([(2021, 5.0), (2023, 4.0)], Goal("=", 5, 2025)).ratio or 0)


def test_relative_increase() -> None:
    a = assess([(2021, 200.0), (2023, 205.0)], Goal("increase_by", 10, 2025, relative=True))
    assert a.target_value == pytest.approx(220.0)


def test_projection_needs_two_years() -> None:
    assert project_linear([(2020, 1.0)], 2025) is None
    assert project_linear([(2020, 1.0), (2020, 2.0)], 2025) is None


def test_projection_respects_the_indicator_bounds() -> None:
    # a share that rose fast: the line reads 115.01% at the due year (the issue saw 119.59%), which a percentage cannot be
    points = [(2019, 70.0), (2020, 76.3), (2021, 83.0), (2022, 89.4), (2023, 95.6)]
    goal = Goal(comparator=">=", value=100, year=2026)
    assert project_linear(points, 2026) == pytest.approx(115.01, abs=0.01)
    assert assess(points, goal, bounds=(0.0, 100.0)).projected_value == 100.0
    falling = [(2019, 3.0), (2020, 2.1), (2021, 1.2)]  # a mortality rate cannot project below 0
    assert (
        assess(falling, Goal(comparator="<=", value=0.5, year=2025), bounds=(0.0, None)).projected_value
        == 0.0
    )
    open_ended = assess(points, goal)  # no bounds: the line as it is
    assert open_ended.projected_value == pytest.approx(115.01, abs=0.01)


def test_one_value_that_already_meets_a_level_target_is_achieved() -> None:
    # a plan issued in 2025 (baseline 2024) whose city already had 3.79 physicians per 1000 against
    # "≥ 3.2 by 2025" read 无数据 beside "最新值 3.79人 (2024)": a commission reads that as broken
    assert assess([(2024, 3.79)], Goal(">=", 3.2, 2025)).status == "achieved"
    assert assess([(2024, 26.0)], Goal("<=", 27.0, 2025)).status == "achieved"
    assert assess([(2024, 90.0)], Goal(">=", 90.0, 2025)).status == "achieved"
    # one value short of the target, or a change target (it needs a base), still cannot be assessed
    assert assess([(2024, 51.2)], Goal(">=", 75.0, 2025)).status == "no_data"
    assert assess([(2024, 34.2)], Goal("increase_by", 2.0, 2025)).status == "no_data"
