"""The exact headroom solver: cases worked by hand, a cross-check against direct
evaluation, and properties over random histories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surplus.headroom.assess import assess_headroom
from surplus.headroom.curtailment import curtailment_rate
from surplus.headroom.solve import rate_curve, solve_headroom_mw
from surplus.headroom.timeline import HeadroomError
from tests.headroom.helpers import calendar_of, hourly, spare_matrix


def solve(frame: pd.DataFrame, budgets: list[float]) -> np.ndarray:
    return solve_headroom_mw(spare_matrix(frame), calendar_of(frame), budgets)[:, 0]


def test_four_hours_by_hand() -> None:
    # rate(L) = (1/4) Σ max(0, 1 − s/L); at L = 20 only the 10 MW hour bites: (1 − 1/2)/4.
    frame = hourly("2025-03-01", [10.0, 20.0, 30.0, 40.0])
    firm, eighth = solve(frame, [0.0, 0.125])
    assert firm == pytest.approx(10.0)
    assert eighth == pytest.approx(20.0)


def test_hour_already_short_costs_its_whole_share() -> None:
    # One hour of four has no spare: the rate starts at 0.25 however small the load.
    frame = hourly("2025-03-01", [-5.0, 10.0, 10.0, 10.0])
    low, quarter, half = solve(frame, [0.1, 0.25, 0.5])
    assert low == 0.0
    assert quarter == pytest.approx(10.0)
    # 0.25 + 0.75 (1 − 10/L) = 0.5  →  L = 15
    assert half == pytest.approx(15.0)


def test_years_are_averaged_not_pooled() -> None:
    # 2 hours in 2024 (spare 10 and 100), 4 hours in 2025 (spare 100).
    # For 10 < L ≤ 100: rate = mean((1 − 10/L)/2, 0) = (1 − 10/L)/4 = 0.1 → L = 10/0.6.
    frame = hourly("2024-12-31 22:00", [10.0, 100.0, 100.0, 100.0, 100.0, 100.0])
    (value,) = solve(frame, [0.1])
    assert value == pytest.approx(10 / 0.6)


def test_budget_beyond_every_breakpoint() -> None:
    # For L ≥ 20: rate = 1 − (10 + 20)/(2L) = 0.9 → L = 150.
    (value,) = solve(hourly("2025-03-01", [10.0, 20.0]), [0.9])
    assert value == pytest.approx(150.0)


def test_no_spare_anywhere_gives_zero() -> None:
    assert solve(hourly("2025-03-01", [0.0, -3.0, 0.0]), [0.0, 0.5]).tolist() == [0.0, 0.0]


def test_budget_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(HeadroomError, match="fraction"):
        solve(hourly("2025-03-01", [1.0]), [1.0])


# Spare to the kW, as a grid reports it: sub-watt values only probe floating-point cancellation.
spares = st.lists(
    st.floats(-50, 500, allow_nan=False).map(lambda x: round(x, 3)), min_size=2, max_size=80
)
budget_values = st.floats(0.0, 0.6)


def frame_of(values: list[float], start_hour: int) -> pd.DataFrame:
    # Start a few hours before a new year so most examples span two years.
    return hourly(pd.Timestamp("2023-12-31 00:00") + pd.Timedelta(hours=start_hour), values)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(spares, st.integers(0, 23), budget_values)
def test_solution_meets_the_budget_and_is_the_largest(
    values: list[float], start: int, budget: float
) -> None:
    frame = frame_of(values, start)
    calendar = calendar_of(frame)
    (load,) = solve(frame, [budget])
    spare = spare_matrix(frame)
    if load > 0:
        assert curtailment_rate(spare, load, calendar)[0] <= budget + 1e-9
    bigger = load * (1 + 1e-6) + 1e-6
    assert curtailment_rate(spare, bigger, calendar)[0] > budget - 1e-9


@settings(max_examples=60, deadline=None, derandomize=True)
@given(spares, st.integers(0, 23), st.floats(0.01, 1000), st.floats(0.01, 1000))
def test_rate_never_falls_as_the_load_grows(
    values: list[float], start: int, first: float, second: float
) -> None:
    frame = frame_of(values, start)
    small, large = sorted((first, second))
    rates = curtailment_rate(spare_matrix(frame), np.array([small]), calendar_of(frame))
    larger = curtailment_rate(spare_matrix(frame), np.array([large]), calendar_of(frame))
    assert rates[0] <= larger[0] + 1e-12


@settings(max_examples=60, deadline=None, derandomize=True)
@given(spares, st.integers(0, 23), st.lists(budget_values, min_size=2, max_size=5))
def test_smaller_budget_never_gives_more(
    values: list[float], start: int, budgets: list[float]
) -> None:
    ordered = sorted(budgets)
    result = solve(frame_of(values, start), ordered)
    assert np.all(np.diff(result) >= -1e-9 * np.maximum(1.0, result[1:]))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(spares, st.integers(0, 23))
def test_firm_is_the_smallest_spare_when_positive(values: list[float], start: int) -> None:
    (firm,) = solve(frame_of(values, start), [0.0])
    expected = max(min(values), 0.0)
    assert firm == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.floats(-20, 300), st.floats(-20, 300), st.floats(0, 300)),
        min_size=3,
        max_size=60,
    ),
    st.randoms(use_true_random=False),
)
def test_independent_of_column_and_row_order(rows: list[tuple[float, float, float]], rng) -> None:
    frame = hourly(
        "2023-12-31 12:00",
        {"x": [r[0] for r in rows], "y": [r[1] for r in rows], "z": [r[2] for r in rows]},
    )
    budgets = [0.0, 0.01, 0.2]
    base = assess_headroom(frame, budgets).to_frame().set_index(["region", "budget"])
    positions = list(range(len(frame)))
    rng.shuffle(positions)
    shuffled = frame.iloc[positions][["z", "x", "y"]]
    other = assess_headroom(shuffled, budgets).to_frame().set_index(["region", "budget"])
    pd.testing.assert_frame_equal(base.sort_index(), other.sort_index(), rtol=1e-9)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(spares, st.integers(0, 23), st.lists(st.floats(0, 600), min_size=1, max_size=6))
def test_rate_curve_agrees_with_direct_evaluation(
    values: list[float], start: int, loads: list[float]
) -> None:
    frame = frame_of(values, start)
    calendar = calendar_of(frame)
    curve = rate_curve(spare_matrix(frame), calendar, np.array(loads))[:, 0]
    direct = [
        curtailment_rate(spare_matrix(frame), load, calendar)[0] if load > 0 else 0.0
        for load in loads
    ]
    np.testing.assert_allclose(curve, direct, atol=1e-9)
