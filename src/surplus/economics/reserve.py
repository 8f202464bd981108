"""The Strategic Bitcoin Reserve: bitcoin handed to the state by the programme's miners.

Two levers: a share of every coin mined, or a levy per MWh paid in bitcoin at the hour's
price. A share yields the same coins at any price; a levy yields more coins when bitcoin is
cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from surplus.economics.catalogue import PROGRAMME
from surplus.loads.accounts import LoadEconomics, as_hourly, period_years
from surplus.loads.miner import Levy


@dataclass(frozen=True)
class ReservePolicy:
    share_of_mined: float = PROGRAMME.default("reserve_share")
    fee_usd_per_mwh: float = PROGRAMME.default("reserve_fee_usd_per_mwh")

    def __post_init__(self) -> None:
        PROGRAMME.check("reserve policy", _Named(self.share_of_mined, self.fee_usd_per_mwh))

    @property
    def levy(self) -> Levy:
        """The policy as the miners' cost: what each fleet hands over."""
        return Levy(self.share_of_mined, self.fee_usd_per_mwh)


@dataclass(frozen=True)
class _Named:
    reserve_share: float
    reserve_fee_usd_per_mwh: float


@dataclass(frozen=True)
class ReserveAccrual:
    btc_from_share: float
    btc_from_fee: float
    btc_per_year: float
    value_usd: float
    """Coins received, valued at the price of the hour they were received."""

    @property
    def btc(self) -> float:
        return self.btc_from_share + self.btc_from_fee


def miners_hourly(
    loads: Sequence[LoadEconomics], column: str, index: pd.DatetimeIndex
) -> pd.Series:
    """One hourly column (`btc_mined`, `served_mw`) summed over the miner fleets; zero
    every hour when there are none."""
    total = pd.Series(0.0, index=index, name=column)
    for load in loads:
        if load.kind == "miner":
            total = total + load.hourly[column].reindex(index).fillna(0.0)
    return total


def reserve_accrual(
    policy: ReservePolicy,
    mined_btc_per_hour: pd.Series,
    energy_mwh_per_hour: pd.Series,
    btc_price_usd: float | pd.Series,
) -> ReserveAccrual:
    """Coins the reserve receives over the hours of `mined_btc_per_hour` (hourly UTC index).

    >>> t = pd.date_range("2025-01-01", periods=8760, freq="h", tz="UTC")
    >>> mined, energy = pd.Series(2.0, t), pd.Series(100.0, t)
    >>> r = reserve_accrual(ReservePolicy(0.1, 10.0), mined, energy, 50_000)
    >>> round(r.btc_from_share), round(r.btc_from_fee, 1), round(r.btc_per_year)
    (1752, 175.2, 1927)
    """
    index = pd.DatetimeIndex(mined_btc_per_hour.index)
    price = as_hourly(btc_price_usd, index, "btc_price_usd")
    share = mined_btc_per_hour * policy.share_of_mined
    fee = energy_mwh_per_hour.reindex(index).fillna(0.0) * policy.fee_usd_per_mwh / price
    years = period_years(index)
    total = float(share.sum() + fee.sum())
    return ReserveAccrual(
        btc_from_share=float(share.sum()),
        btc_from_fee=float(fee.sum()),
        btc_per_year=total / years if years else float("nan"),
        value_usd=float(((share + fee) * price).sum()),
    )


def reserve_by_price(
    policy: ReservePolicy,
    mined_btc_per_hour: pd.Series,
    energy_mwh_per_hour: pd.Series,
    btc_prices_usd: list[float],
) -> pd.DataFrame:
    """BTC a year into the reserve at each constant price, for the same hours mined whatever
    the price. The programme's own table (`sweeps.price_sweep`) does not use this: there the
    hours mined at each price are the hours the miners would run at that price."""
    rows = []
    for price in btc_prices_usd:
        accrual = reserve_accrual(policy, mined_btc_per_hour, energy_mwh_per_hour, price)
        years = period_years(pd.DatetimeIndex(mined_btc_per_hour.index))
        rows.append(
            {
                "btc_price_usd": price,
                "btc_per_year": accrual.btc_per_year,
                "value_usd_per_year": accrual.value_usd / years if years else float("nan"),
            }
        )
    return pd.DataFrame(rows)
