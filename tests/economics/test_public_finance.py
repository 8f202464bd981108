"""Public accounts worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from surplus.economics.public_finance import (
    CapacityPayments,
    fuel_fx_usd,
    public_finance,
    system_cost_pkr,
)
from surplus.economics.subsidy import ServingCost
from surplus.errors import InputError

HOURS = pd.date_range("2026-01-01", periods=2, freq="h", tz="UTC")


def frame(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"m": values}, HOURS)


def test_contribution_by_both_measures() -> None:
    # 100 MWh each hour at Rs 23/kWh; marginal cost 10 then 30 Rs/kWh; 10 % losses;
    # network Rs 1/kWh; the change in system cost was 3.2 M PKR before losses.
    result = public_finance(
        frame([100.0, 100.0]),
        frame([23_000.0, 23_000.0]),
        frame([10_000.0, 30_000.0]),
        ServingCost(1_000.0, 0.1),
        CapacityPayments(1e9, 1e6, 0.5e6),
        delta_cost_pkr=3.2e6,
    )
    assert result.revenue_pkr == pytest.approx(4.6e6)
    assert result.generation_cost_price_pkr == pytest.approx(4e6 / 0.9)
    assert result.generation_cost_delta_pkr == pytest.approx(3.2e6 / 0.9)
    assert result.network_cost_pkr == pytest.approx(0.2e6)
    assert result.contribution_price_pkr == pytest.approx(4.6e6 - 4e6 / 0.9 - 0.2e6)
    assert result.contribution_pkr == result.contribution_delta_pkr
    yearly = result.contribution_delta_pkr * 8760 / 2
    assert result.capacity_pkr_per_mwh_generated_after == pytest.approx((1e9 - yearly) / 1e6)
    # Per MWh sold: the same rupees over half the energy, so twice the change.
    assert result.capacity_pkr_per_mwh_sold_before == pytest.approx(2_000.0)
    assert result.capacity_relief_pkr_per_mwh_sold == pytest.approx(yearly / 0.5e6)


def test_without_a_base_run_the_price_measure_is_used() -> None:
    result = public_finance(
        frame([1.0, 1.0]),
        frame([5.0, 5.0]),
        frame([1.0, 1.0]),
        ServingCost(0, 0),
        CapacityPayments(),
    )
    assert pd.isna(result.generation_cost_delta_pkr)
    assert result.contribution_pkr == result.contribution_price_pkr == pytest.approx(8.0)


def test_system_cost_and_fuel_fx() -> None:
    generation = pd.DataFrame({"coal": [100.0, 200.0], "hydro": [50.0, 50.0]}, HOURS)
    costs = pd.Series({"coal": 16_000.0, "hydro": 100.0})
    unserved = pd.DataFrame({"z": [0.0, 2.0]}, HOURS)
    cost = system_cost_pkr(generation, costs, unserved, 250_000.0)
    assert cost.tolist() == [1_605_000.0, 3_205_000.0 + 500_000.0]
    plants = pd.DataFrame(
        {"fuel": ["coal_imported", "hydro"], "variable_cost_pkr_per_mwh": [16_000.0, 100.0]},
        index=["coal", "hydro"],
    )
    assert fuel_fx_usd(generation, plants, 280.0) == pytest.approx(300 * 16_000 / 280)


def test_bad_capacity_figures_are_refused() -> None:
    with pytest.raises(InputError, match="generation_mwh"):
        CapacityPayments(1e9, 0.0)
    with pytest.raises(InputError, match="sold_mwh"):
        CapacityPayments(1e9, 1e6, 0.0)
