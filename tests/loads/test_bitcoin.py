"""Hashprice, subsidy and scenario paths, worked by hand and against the reference's dated
observations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from surplus.errors import InputError
from surplus.loads import (
    block_subsidy_btc,
    constant_scenario,
    hashprice_usd_per_phs_day,
    hashrate_from_difficulty_ehs,
    revenue_usd_per_mwh,
    scenario_from_csv,
    stochastic_scenario,
)

HOURS = pd.date_range("2026-01-01", periods=72, freq="h", tz="UTC")


def test_hashprice_by_hand() -> None:
    # 144 blocks × (3.125 + 0.125) BTC = 468 BTC a day, × 100,000 USD = 46.8 M USD,
    # shared over 1,000 EH/s = 1,000,000 PH/s → 46.8 USD per PH/s per day.
    assert hashprice_usd_per_phs_day(100_000, 3.125, 0.125, 1000.0) == pytest.approx(46.8)


def test_hashprice_matches_the_reported_index_on_12_jan_2026() -> None:
    # Difficulty 148.26 T, BTC 91,132 USD, fees ~0.017 BTC/block; Hashrate Index said 39.53.
    network = hashrate_from_difficulty_ehs(148.26e12)
    assert network == pytest.approx(1061, abs=1)
    value = hashprice_usd_per_phs_day(91_132, 3.125, 0.017, network)
    assert value == pytest.approx(39.53, rel=0.03)


def test_revenue_per_mwh_matches_the_reported_tier() -> None:
    # Hashrate Index: 97 USD/MWh for fleets under 19 J/TH at 39.53 USD/PH/day (≈17 J/TH).
    assert revenue_usd_per_mwh(39.53, 17.0) == pytest.approx(97, abs=0.5)
    assert revenue_usd_per_mwh(40.0, 15.0, 1.05) == pytest.approx(106, abs=0.5)


def test_subsidy_halves_at_each_halving() -> None:
    index = pd.DatetimeIndex(
        ["2024-04-19 23:00", "2024-04-20 01:00", "2028-04-14 23:00", "2028-04-15 01:00"],
        tz="UTC",
    )
    assert block_subsidy_btc(index).tolist() == [6.25, 3.125, 3.125, 1.5625]


@given(st.floats(0.0, 2000.0))
def test_added_hashrate_dilutes_hashprice_in_proportion(added_ehs: float) -> None:
    scenario = constant_scenario(HOURS, 80_000, 0.03, 1000.0)
    alone = scenario.hashprice_usd_per_phs_day()
    diluted = scenario.hashprice_usd_per_phs_day(added_ehs)
    np.testing.assert_allclose(diluted * (1000.0 + added_ehs), alone * 1000.0)


def test_stochastic_path_is_seeded_daily_and_positive() -> None:
    one = stochastic_scenario(HOURS, seed=3)
    again = stochastic_scenario(HOURS, seed=3)
    other = stochastic_scenario(HOURS, seed=4)
    pd.testing.assert_series_equal(one.btc_price_usd, again.btc_price_usd)
    assert not one.btc_price_usd.equals(other.btc_price_usd)
    assert (one.btc_price_usd > 0).all()
    days = one.btc_price_usd.groupby(HOURS.floor("D")).nunique()
    assert (days == 1).all() and one.btc_price_usd.iloc[0] == pytest.approx(91_132)
    # Hashrate grows by the stated yearly rate: +30 %/yr over 71 h.
    growth = one.network_hashrate_ehs.iloc[-1] / one.network_hashrate_ehs.iloc[0]
    assert growth == pytest.approx(1.3 ** (71 / 8760))


def test_stochastic_price_has_the_stated_volatility() -> None:
    index = pd.date_range("2026-01-01", periods=24 * 365 * 4, freq="h", tz="UTC")
    daily = stochastic_scenario(index, seed=11, price_volatility=0.6).btc_price_usd.iloc[::24]
    annualised = float(np.log(daily).diff().std() * np.sqrt(365))
    assert annualised == pytest.approx(0.6, rel=0.05)


def test_csv_scenario_holds_values_forward(tmp_path: Path) -> None:
    path = tmp_path / "btc.csv"
    path.write_text(
        "timestamp,btc_price_usd,fees_btc_per_block,network_hashrate_ehs\n"
        "2026-01-01T00:00Z,90000,0.02,1000\n"
        "2026-01-02T00:00Z,95000,0.03,1010\n"
    )
    scenario = scenario_from_csv(path, HOURS)
    assert scenario.btc_price_usd.iloc[23] == 90_000
    assert scenario.btc_price_usd.iloc[24] == 95_000
    assert scenario.network_hashrate_ehs.iloc[-1] == 1010


def test_csv_scenario_names_every_bad_cell(tmp_path: Path) -> None:
    path = tmp_path / "btc.csv"
    path.write_text(
        "timestamp,btc_price_usd,fees_btc_per_block,network_hashrate_ehs\n"
        "2026-01-01T00:00Z,ninety,0.02,1000\n"
        "not a date,95000,-1,0\n"
    )
    with pytest.raises(InputError) as error:
        scenario_from_csv(path, HOURS)
    found = {(p.row, p.column) for p in error.value.problems}
    assert found == {
        (2, "btc_price_usd"),
        (3, "timestamp"),
        (3, "fees_btc_per_block"),
        (3, "network_hashrate_ehs"),
    }
    assert str(path) in str(error.value)


def test_csv_scenario_must_cover_the_first_hour(tmp_path: Path) -> None:
    path = tmp_path / "btc.csv"
    path.write_text(
        "timestamp,btc_price_usd,fees_btc_per_block,network_hashrate_ehs\n"
        "2026-01-02T00:00Z,90000,0.02,1000\n"
    )
    with pytest.raises(InputError, match="first timestamp"):
        scenario_from_csv(path, HOURS)


def test_csv_scenario_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "btc.csv"
    path.write_text("timestamp,btc_price_usd\n2026-01-01T00:00Z,1\n")
    with pytest.raises(InputError, match="fees_btc_per_block"):
        scenario_from_csv(path, HOURS)
