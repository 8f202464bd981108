"""Bitcoin price sweeps for an assessed tariff: miners' profit and the reserve's coins at each
price, from one set of books per price.

At each price the fleets run only in the hours they would choose to at that price (their
cash value per MWh, after the pool fee, the reserve levy and running costs, covers the
hour's tariff: `surplus.loads.miner.runs`, the rule the dispatch's bids follow) and that the
assessed run served them; the profit and the reserve's coins come from the same accounts,
so no bitcoin accrues at a price at which the miners would have switched off. Hours a fleet
did not ask for in the assessed run (a price too low there) are not added at a higher price:
the grid was not dispatched for them. On the dynamic tariff the hourly tariff is held as
assessed, so read its sweep as indicative.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from surplus.economics.assess import TariffOutcome
from surplus.economics.programme import Programme
from surplus.economics.reserve import ReservePolicy
from surplus.loads.accounts import period_years
from surplus.loads.bitcoin import BitcoinScenario
from surplus.loads.miner import miner_economics, runs

DEFAULT_PRICES_USD: tuple[float, ...] = (40_000, 60_000, 80_000, 100_000, 126_000, 150_000)
"""From well under the Feb 2026 lows (~60–70k) to above the Oct 2025 high (~126k)."""

SWEEP_COLUMNS = (
    "tariff", "btc_price_usd", "hashprice_usd_per_phs_day", "fleet_hours_run", "energy_gwh",
    "miners_profit_pkr", "miners_cash_profit_pkr", "levy_pkr", "btc_per_year",
    "value_usd_per_year",
)  # fmt: skip


def price_sweep(
    outcome: TariffOutcome,
    programme: Programme,
    scenario: BitcoinScenario,
    usd_exchange_rate: float,
    policy: ReservePolicy,
    prices_usd: Sequence[float] = DEFAULT_PRICES_USD,
) -> pd.DataFrame:
    """One row per constant BTC price: hours the fleets run, their energy, profit and cash
    profit (after the levy, PKR over the period), the levy, and the reserve's BTC and USD a
    year. Empty when the programme has no miners."""
    accounts = {load.name: load for load in outcome.loads}
    rows = []
    for price in prices_usd if programme.fleets else ():
        fixed = scenario.with_price(price)
        hashprice = fixed.hashprice_usd_per_phs_day(programme.hashrate_ehs)
        years = period_years(hashprice.index)
        totals = dict.fromkeys(("hours", "energy", "profit", "cash", "levy", "btc"), 0.0)
        for fleet, _ in programme.fleets:
            hourly = accounts[fleet.name].hourly
            tariff = hourly["tariff_pkr_per_mwh"]
            on = runs(fleet, hashprice, tariff, usd_exchange_rate, policy.levy)
            curtailed = hourly["curtailed_mw"].where(on, fleet.grid_mw)
            books = miner_economics(
                fleet, curtailed, tariff, hashprice, usd_exchange_rate, price, policy.levy
            )
            totals["hours"] += float((books.hourly["served_mw"] > 0).sum())
            totals["energy"] += books.energy_mwh
            totals["profit"] += books.profit_pkr
            totals["cash"] += books.cash_profit_pkr
            totals["levy"] += books.levy_pkr
            totals["btc"] += books.levy_btc
        rows.append(
            {
                "tariff": outcome.tariff,
                "btc_price_usd": price,
                "hashprice_usd_per_phs_day": float(hashprice.mean()),
                "fleet_hours_run": totals["hours"],
                "energy_gwh": totals["energy"] / 1e3,
                "miners_profit_pkr": totals["profit"],
                "miners_cash_profit_pkr": totals["cash"],
                "levy_pkr": totals["levy"],
                "btc_per_year": totals["btc"] / years if years else float("nan"),
                "value_usd_per_year": totals["btc"] * price / years if years else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))


def miner_profit_by_price(sweep: pd.DataFrame) -> pd.DataFrame:
    """The profit columns of a sweep (for the figure and `miner_profit_by_btc_price.csv`)."""
    return sweep[["tariff", "btc_price_usd", "hashprice_usd_per_phs_day", "fleet_hours_run",
                  "miners_profit_pkr", "miners_cash_profit_pkr"]].copy()  # fmt: skip


def reserve_table(sweep: pd.DataFrame) -> pd.DataFrame:
    """The reserve columns of the same sweep (`reserve_by_btc_price.csv`)."""
    return sweep[["tariff", "btc_price_usd", "fleet_hours_run", "btc_per_year",
                  "value_usd_per_year"]].copy()  # fmt: skip
