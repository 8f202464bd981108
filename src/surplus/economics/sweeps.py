"""Bitcoin price sweeps for an assessed tariff: miners' profit and the reserve's coins at each
price, holding the hours each fleet was served (the grid's curtailment does not depend on the
BTC price on a flat tariff; on the dynamic one it would, so read its sweep as indicative)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from surplus.economics.assess import TariffOutcome
from surplus.economics.programme import Programme
from surplus.economics.reserve import ReservePolicy, miners_hourly, reserve_by_price
from surplus.loads.bitcoin import BitcoinScenario
from surplus.loads.miner import miner_economics

DEFAULT_PRICES_USD: tuple[float, ...] = (40_000, 60_000, 80_000, 100_000, 126_000, 150_000)
"""From well under the Feb 2026 lows (~60–70k) to above the Oct 2025 high (~126k)."""


def miner_profit_by_price(
    outcome: TariffOutcome,
    programme: Programme,
    scenario: BitcoinScenario,
    usd_exchange_rate: float,
    prices_usd: Sequence[float] = DEFAULT_PRICES_USD,
) -> pd.DataFrame:
    """All fleets' profit (PKR) at each constant BTC price, same curtailment and tariff."""
    accounts = {load.name: load for load in outcome.loads}
    rows = []
    for price in prices_usd:
        fixed = scenario.with_price(price)
        hashprice = fixed.hashprice_usd_per_phs_day(programme.hashrate_ehs)
        profit = cash = 0.0
        for fleet, _ in programme.fleets:
            hourly = accounts[fleet.name].hourly
            result = miner_economics(
                fleet,
                hourly["curtailed_mw"],
                hourly["tariff_pkr_per_mwh"],
                hashprice,
                usd_exchange_rate,
            )
            profit += result.profit_pkr
            cash += result.cash_profit_pkr
        rows.append(
            {
                "tariff": outcome.tariff,
                "btc_price_usd": price,
                "hashprice_usd_per_phs_day": float(hashprice.mean()),
                "miners_profit_pkr": profit,
                "miners_cash_profit_pkr": cash,
            }
        )
    return pd.DataFrame(rows)


def reserve_table(
    outcome: TariffOutcome,
    policy: ReservePolicy,
    prices_usd: Sequence[float] = DEFAULT_PRICES_USD,
) -> pd.DataFrame:
    if not any(load.kind == "miner" for load in outcome.loads):
        return pd.DataFrame(columns=["tariff", "btc_price_usd", "btc_per_year"])
    index = pd.DatetimeIndex(outcome.hourly.index)
    mined = miners_hourly(outcome.loads, "btc_mined", index)
    energy = miners_hourly(outcome.loads, "served_mw", index)
    table = reserve_by_price(policy, mined, energy, list(prices_usd))
    table.insert(0, "tariff", outcome.tariff)
    return table
