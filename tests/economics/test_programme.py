"""The programme's layout and how its loads bid into the dispatch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surplus.economics.programme import (
    BidValues,
    default_programme,
    dispatch_loads,
    miner_cash_value_pkr_per_mwh,
)
from surplus.economics.tariffs import DynamicTariff, FixedTariff, price_pkr_per_mwh
from surplus.errors import InputError
from surplus.loads import constant_scenario

PLANTS = pd.DataFrame(
    {"zone": ["mepco", "south_coast", "south_coast"]},
    index=["sahiwal", "port_qasim", "china_power_hub"],
)
HOURS = pd.date_range("2026-01-01", periods=3, freq="h", tz="UTC")
BIDS = BidValues.for_dataset(40_000.0, 250_000.0)


def test_default_split() -> None:
    programme = default_programme(PLANTS)
    assert programme.grid_mw == pytest.approx(2_000.0)
    assert sum(f.grid_mw for f, _ in programme.fleets) == pytest.approx(1_500.0)
    assert [zone for _, zone in programme.fleets] == ["mepco", "south_coast", "south_coast"]
    # 1,500 MW at 13.5 J/TH behind 5 % cooling: 1,500 / 1.05 / 13.5 EH/s.
    assert programme.hashrate_ehs == pytest.approx(1_500 / 1.05 / 13.5)


def test_missing_plants_are_named() -> None:
    with pytest.raises(InputError, match="sahiwal"):
        default_programme(PLANTS.drop(index="sahiwal"))


def test_bid_values_sit_between_plants_and_lost_load() -> None:
    assert 40_000 < BIDS.flexible_pkr_per_mwh < BIDS.firm_pkr_per_mwh < 250_000


def test_flat_tariff_miners_ask_only_when_running_pays() -> None:
    programme = default_programme(PLANTS)
    rich = constant_scenario(HOURS, 150_000.0)
    poor = constant_scenario(HOURS, 30_000.0)
    tariff = FixedTariff("flat", 23_000.0)
    for scenario, on in ((rich, True), (poor, False)):
        loads = dispatch_loads(programme, tariff, scenario, 280.0, BIDS)
        miners = [load for load in loads if load.name.startswith("miners_")]
        assert all(
            np.all((load.load_mw > 0) == on)  # type: ignore[operator]
            for load in miners
        )
    # A data centre is two loads whose sizes add up to its grid draw.
    names = [load.name for load in dispatch_loads(programme, tariff, rich, 280.0, BIDS)]
    assert "dc_sahiwal:firm" in names and "dc_sahiwal:flex" in names


def test_dynamic_bid_is_the_cost_at_which_the_tariff_meets_the_miners_value() -> None:
    programme = default_programme(PLANTS)
    scenario = constant_scenario(HOURS, 90_000.0)
    tariff = DynamicTariff("dyn")
    fleet, _ = programme.fleets[0]
    load = dispatch_loads(programme, tariff, scenario, 280.0, BIDS)[0]
    value = miner_cash_value_pkr_per_mwh(
        fleet, scenario.hashprice_usd_per_phs_day(programme.hashrate_ehs), 280.0
    )
    bid = float(load.value_pkr_per_mwh or 0.0)
    price_at_bid = price_pkr_per_mwh(tariff, pd.Series(bid, HOURS[:1])).iloc[0]
    assert price_at_bid == pytest.approx(float(value.mean()))


def test_bad_programme_figures_are_refused() -> None:
    with pytest.raises(InputError) as error:
        default_programme(PLANTS, programme_mw=-1.0, miner_share=1.5)
    assert {p.column for p in error.value.problems} == {"programme_mw", "miner_share"}


def test_the_reserve_share_comes_off_the_miners_value() -> None:
    # 100 USD/MWh mined, 2 % pool fee, 5 USD/MWh opex: 93 USD kept without a reserve; a
    # 10 % share of coins mined and a 2 USD/MWh levy leave 100 × 0.88 − 5 − 2 = 81 USD.
    from surplus.economics.reserve import ReservePolicy
    from surplus.loads import MinerFleet

    fleet = MinerFleet("m", grid_mw=10.0, pool_fee_share=0.02, opex_usd_per_mwh=5.0)
    hashprice = pd.Series(100.0 * 24 * fleet.grid_mw / fleet.hashrate_phs, HOURS)
    alone = miner_cash_value_pkr_per_mwh(fleet, hashprice, 1.0)
    taxed = miner_cash_value_pkr_per_mwh(fleet, hashprice, 1.0, ReservePolicy(0.1, 2.0))
    assert alone.tolist() == pytest.approx([93.0] * 3)
    assert taxed.tolist() == pytest.approx([81.0] * 3)


def test_a_miner_that_pays_only_without_the_reserve_stays_off() -> None:
    from surplus.economics.reserve import ReservePolicy

    programme = default_programme(PLANTS)
    fleet, _ = programme.fleets[0]
    scenario = constant_scenario(HOURS, 90_000.0)
    hashprice = scenario.hashprice_usd_per_phs_day(programme.hashrate_ehs)
    value = float(miner_cash_value_pkr_per_mwh(fleet, hashprice, 280.0).iloc[0])
    reserve = ReservePolicy(0.1, 0.0)
    taxed = float(miner_cash_value_pkr_per_mwh(fleet, hashprice, 280.0, reserve).iloc[0])
    tariff = FixedTariff("between", (value + taxed) / 2)
    free = dispatch_loads(programme, tariff, scenario, 280.0, BIDS)[0]
    bound = dispatch_loads(programme, tariff, scenario, 280.0, BIDS, reserve)[0]
    assert np.all(free.load_mw == fleet.grid_mw)  # type: ignore[operator]
    assert np.all(bound.load_mw == 0.0)  # type: ignore[operator]
