"""The BTC price sweep: miners' run/stop decision, their profit and the reserve's coins from
one set of books, worked by hand on the two-hour system of `test_assess`."""

from __future__ import annotations

import pytest

from surplus.economics.sweeps import price_sweep, reserve_table
from surplus.loads import constant_scenario
from surplus.loads.bitcoin import block_subsidy_btc
from surplus.loads.catalogue import BITCOIN
from tests.economics.test_assess import ASSUME, flat_outcome, miners_only, system

PRICES = (40_000.0, 70_000.0, 90_000.0, 150_000.0)


def breakeven_btc_price_usd() -> float:
    """The BTC price at which the fleet's cash value per MWh equals Rs 23/kWh.

    Per MWh the fleet mines `PH/s per MW × hashprice / 24` USD; hashprice is
    `(subsidy + fees) × 144 × price / network PH/s`, the network including the fleet. It
    keeps 88 % (2 % pool fee, 10 % to the reserve) and spends 5 USD on running costs, so it
    runs when 0.88 × mined − 5 ≥ 23,000 / 280.
    """
    fleet = miners_only().fleets[0][0]
    hours = system().snapshots
    subsidy = float(block_subsidy_btc(hours).iloc[0])
    network_phs = (BITCOIN.default("network_hashrate_ehs") + fleet.hashrate_phs / 1000) * 1000
    coins_per_day = (subsidy + BITCOIN.default("fees_btc_per_block")) * 144
    usd_per_mwh_per_usd_price = (
        fleet.hashrate_phs / fleet.grid_mw * coins_per_day / network_phs / 24
    )
    return (23_000 / 280 + 5.0) / 0.88 / usd_per_mwh_per_usd_price


def test_no_bitcoin_accrues_at_prices_where_the_miners_switch_off() -> None:
    price_star = breakeven_btc_price_usd()
    assert 70_000 < price_star < 90_000  # about 79,800 USD
    result = flat_outcome(200_000.0)
    scenario = constant_scenario(system().snapshots, 200_000.0)
    sweep = price_sweep(result, miners_only(), scenario, 280.0, ASSUME.reserve, PRICES)
    rows = sweep.set_index("btc_price_usd")
    fleet_account = result.loads[0]
    # Below the breakeven the fleet stays off: no energy, no coins, no levy; the capital
    # charge is the whole loss.
    for price in (40_000.0, 70_000.0):
        assert rows.loc[price, "fleet_hours_run"] == 0
        assert rows.loc[price, "btc_per_year"] == 0.0
        assert rows.loc[price, "levy_pkr"] == 0.0
        assert rows.loc[price, "miners_cash_profit_pkr"] == 0.0
        assert rows.loc[price, "miners_profit_pkr"] == pytest.approx(
            -fleet_account.capital_charge_pkr
        )
    # Above it the fleet runs both hours it was served: coins mined do not depend on the
    # price, so the reserve gets 10 % of the same coins a year (2 h scaled to 8,760 h).
    for price in (90_000.0, 150_000.0):
        assert rows.loc[price, "fleet_hours_run"] == 2
        assert rows.loc[price, "btc_per_year"] == pytest.approx(
            0.1 * fleet_account.btc_mined * 8760 / 2
        )
        assert rows.loc[price, "value_usd_per_year"] == pytest.approx(
            rows.loc[price, "btc_per_year"] * price
        )
    # The levy in rupees is the reserve's coins at the price.
    row = rows.loc[150_000.0]
    assert row["levy_pkr"] == pytest.approx(row["btc_per_year"] * 2 / 8760 * 150_000 * 280)
    assert list(reserve_table(sweep)["btc_per_year"]) == list(sweep["btc_per_year"])


def test_the_sweep_at_the_assessed_price_reproduces_the_assessed_books() -> None:
    result = flat_outcome(200_000.0)
    scenario = constant_scenario(system().snapshots, 200_000.0)
    sweep = price_sweep(result, miners_only(), scenario, 280.0, ASSUME.reserve, (200_000.0,))
    books = result.loads[0]
    assert sweep["miners_profit_pkr"].iloc[0] == pytest.approx(books.profit_pkr)
    assert sweep["miners_cash_profit_pkr"].iloc[0] == pytest.approx(books.cash_profit_pkr)
    assert sweep["levy_pkr"].iloc[0] == pytest.approx(books.levy_pkr)
    assert sweep["btc_per_year"].iloc[0] == pytest.approx(result.reserve.btc_per_year)
