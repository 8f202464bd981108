"""The subsidy test on systems small enough to answer by eye, and its properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from surplus.economics.subsidy import ServingCost, incremental_cost_per_mwh, subsidy_test
from surplus.errors import InputError

HOURS = pd.date_range("2026-01-01", periods=6, freq="h", tz="UTC")


def frame(values: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame(values, index=HOURS[: len(next(iter(values.values())))])


def test_one_dear_hour_fails() -> None:
    # Marginal cost 10, 10, 30 (Rs k/MWh); network 1 and 0 % losses; tariff 23.
    served = frame({"m": [100.0, 100.0, 100.0]})
    cost = frame({"m": [10_000.0, 10_000.0, 30_000.0]})
    result = subsidy_test(served, frame({"m": [23_000.0] * 3}), cost, ServingCost(1_000, 0))
    assert not result.passes
    assert result.failing_hours == 1
    assert result.failing_mwh == 100.0
    assert result.shortfall_pkr == pytest.approx(100 * (31_000 - 23_000))
    assert result.min_flat_tariff_pkr_per_mwh == 31_000
    assert result.average_cost_pkr_per_mwh == pytest.approx((11_000 * 2 + 31_000) / 3)


def test_unserved_hours_cannot_fail() -> None:
    served = frame({"m": [0.0, 50.0]})
    cost = frame({"m": [90_000.0, 5_000.0]})
    result = subsidy_test(served, frame({"m": [10_000.0, 10_000.0]}), cost, ServingCost(0, 0.1))
    assert result.passes
    assert result.min_flat_tariff_pkr_per_mwh == pytest.approx(5_000 / 0.9)


def test_losses_gross_up_the_cost() -> None:
    # 9,600 at the plant is 9,600 / 0.95 ≈ 10,105 at the meter: above a 10,000 tariff.
    served, tariff, cost = frame({"m": [10.0]}), frame({"m": [10_000.0]}), frame({"m": [9_600.0]})
    assert subsidy_test(served, tariff, cost, ServingCost(0, 0.0)).passes
    lossy = subsidy_test(served, tariff, cost, ServingCost(0, 0.05))
    assert not lossy.passes
    assert lossy.shortfall_pkr == pytest.approx(10 * (9_600 / 0.95 - 10_000))


def test_frames_must_align() -> None:
    with pytest.raises(InputError, match="same hours"):
        subsidy_test(frame({"m": [1.0]}), frame({"x": [1.0]}), frame({"m": [1.0]}), ServingCost())


def test_incremental_cost_shares_the_hour_over_the_loads() -> None:
    served = frame({"a": [100.0, 0.0], "b": [300.0, 0.0]})
    delta = pd.Series([8_000_000.0, 0.0], HOURS[:2])
    per_mwh = incremental_cost_per_mwh(delta, served)
    assert per_mwh.iloc[0].tolist() == [20_000.0, 20_000.0]
    assert per_mwh.iloc[1].isna().all()


matrices = arrays(np.float64, (6, 3), elements=st.floats(0.0, 80_000.0))
served_matrices = arrays(np.float64, (6, 3), elements=st.floats(0.0, 500.0))


@settings(max_examples=80, deadline=None)
@given(
    cost=matrices,
    served=served_matrices,
    above=st.floats(0.0, 10_000.0),
    network=st.floats(0.0, 3_000.0),
    loss=st.floats(0.0, 0.2),
)
def test_any_tariff_above_the_highest_cost_passes(
    cost: np.ndarray, served: np.ndarray, above: float, network: float, loss: float
) -> None:
    serving = ServingCost(network, loss)
    columns = ["a", "b", "c"]
    mc = pd.DataFrame(cost, HOURS, columns)
    flat = float(cost.max()) / (1 - loss) + network + above
    tariff = pd.DataFrame(flat, HOURS, columns)
    result = subsidy_test(pd.DataFrame(served, HOURS, columns), tariff, mc, serving)
    assert result.passes and result.failing_hours == 0 and result.shortfall_pkr == 0


@settings(max_examples=80, deadline=None)
@given(cost=matrices, served=served_matrices)
def test_min_flat_tariff_is_the_threshold(cost: np.ndarray, served: np.ndarray) -> None:
    columns = ["a", "b", "c"]
    serving = ServingCost(500.0, 0.03)
    args = (pd.DataFrame(cost, HOURS, columns), serving)
    served_frame = pd.DataFrame(served, HOURS, columns)
    probe = subsidy_test(served_frame, pd.DataFrame(0.0, HOURS, columns), *args)
    threshold = probe.min_flat_tariff_pkr_per_mwh
    if np.isnan(threshold):
        assert probe.passes
        return
    at = subsidy_test(served_frame, pd.DataFrame(threshold, HOURS, columns), *args)
    below = subsidy_test(served_frame, pd.DataFrame(threshold - 1.0, HOURS, columns), *args)
    assert at.passes and not below.passes
    # The shortfall falls as the flat tariff rises.
    assert probe.shortfall_pkr >= below.shortfall_pkr >= at.shortfall_pkr == 0


def test_p99_flat_tariff_leaves_out_the_dearest_hour_of_a_hundred() -> None:
    # 99 hours cost 10,000 to serve and one hour 50,000: passing every hour takes 50,000,
    # passing 99 of 100 takes 10,000. Hours with nothing served do not count.
    hours = pd.date_range("2026-01-01", periods=102, freq="h", tz="UTC")
    cost = pd.DataFrame({"m": [10_000.0] * 99 + [50_000.0, 90_000.0, 90_000.0]}, hours)
    served = pd.DataFrame({"m": [5.0] * 100 + [0.0, 0.0]}, hours)
    result = subsidy_test(served, pd.DataFrame({"m": 0.0}, hours), cost, ServingCost(0, 0))
    assert result.min_flat_tariff_pkr_per_mwh == 50_000
    assert result.flat_tariff_p99_pkr_per_mwh == 10_000
    two_dear = cost.copy()
    two_dear.iloc[98, 0] = 40_000.0
    result = subsidy_test(served, pd.DataFrame({"m": 0.0}, hours), two_dear, ServingCost(0, 0))
    assert result.flat_tariff_p99_pkr_per_mwh == 40_000


def test_average_cost_ignores_hours_nothing_was_served() -> None:
    # The delta measure has no cost in an hour with nothing served (NaN): 10 MWh served at a
    # change in system cost of 100,000 PKR is 10,000 PKR/MWh, overall and for the load.
    served = frame({"m": [10.0, 0.0]})
    cost = incremental_cost_per_mwh(pd.Series([100_000.0, 0.0], HOURS[:2]), served)
    result = subsidy_test(served, frame({"m": [20_000.0, 20_000.0]}), cost, ServingCost(0, 0))
    assert result.average_cost_pkr_per_mwh == 10_000.0
    assert result.by_load.loc["m", "average_cost_pkr_per_mwh"] == 10_000.0
    assert result.passes
