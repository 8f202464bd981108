"""The Strategic Bitcoin Reserve's coins."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.economics.reserve import ReservePolicy, reserve_accrual, reserve_by_price
from surplus.errors import InputError

YEAR = pd.date_range("2026-01-01", periods=8760, freq="h", tz="UTC")


def test_share_of_a_years_mining() -> None:
    # 49 BTC a day (the reference's 2,000 MW estimate) for a year, 10 % to the reserve.
    mined = pd.Series(49.0 / 24, YEAR)
    accrual = reserve_accrual(ReservePolicy(0.1, 0.0), mined, pd.Series(2_000.0, YEAR), 90_000)
    assert accrual.btc_per_year == pytest.approx(0.1 * 49 * 365)
    assert accrual.value_usd == pytest.approx(0.1 * 49 * 365 * 90_000)


@given(low=st.floats(10_000, 100_000), factor=st.floats(1.01, 5.0), fee=st.floats(0.1, 20.0))
def test_a_levy_buys_more_coins_when_bitcoin_is_cheap(
    low: float, factor: float, fee: float
) -> None:
    mined = pd.Series(1.0, YEAR[:48])
    energy = pd.Series(100.0, YEAR[:48])
    table = reserve_by_price(ReservePolicy(0.05, fee), mined, energy, [low, low * factor])
    assert table["btc_per_year"].iloc[0] > table["btc_per_year"].iloc[1]


def test_a_share_gives_the_same_coins_at_any_price() -> None:
    table = reserve_by_price(
        ReservePolicy(0.2, 0.0),
        pd.Series(1.0, YEAR[:24]),
        pd.Series(1.0, YEAR[:24]),
        [30_000, 150_000],
    )
    assert table["btc_per_year"].nunique() == 1


def test_bad_policy_is_refused() -> None:
    with pytest.raises(InputError, match="reserve_share"):
        ReservePolicy(1.5, 0.0)


def test_miners_hourly_sums_only_the_miner_fleets() -> None:
    from surplus.economics.reserve import miners_hourly
    from surplus.loads import DataCentre, MinerFleet, datacentre_economics, miner_economics

    hours = YEAR[:3]
    none = pd.Series(0.0, hours)
    loads = [
        miner_economics(MinerFleet("a", grid_mw=10.0), none, 0.0, 40.0, 280.0, 50_000.0),
        miner_economics(MinerFleet("b", grid_mw=30.0), none, 0.0, 40.0, 280.0, 50_000.0),
        datacentre_economics(DataCentre("dc", it_mw=100.0), none, 0.0, 280.0),
    ]
    assert miners_hourly(loads, "served_mw", hours).tolist() == [40.0, 40.0, 40.0]
    mined = loads[0].hourly["btc_mined"] + loads[1].hourly["btc_mined"]
    assert miners_hourly(loads, "btc_mined", hours).tolist() == pytest.approx(mined.tolist())
    assert miners_hourly(loads[2:], "served_mw", hours).tolist() == [0.0, 0.0, 0.0]
