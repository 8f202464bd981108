"""A flexible load's accounts over a run of hours: energy, revenue, costs, profit, breakeven.

Every load model reduces to the same hourly lines (served MW, revenue, other costs), and this
module closes the books the same way for all of them, so miners and data centres compare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.errors import InputError, Problem

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True, eq=False)
class LoadEconomics:
    """One load's result. Money in PKR unless named `_usd`; energy at the load's meter.

    `breakeven_tariff_pkr_per_mwh` is the flat tariff at which `profit_pkr` would be zero for
    the same hours served (NaN when nothing was served). `hourly` has columns `served_mw`,
    `curtailed_mw`, `tariff_pkr_per_mwh`, `revenue_pkr`, `energy_cost_pkr`, `opex_pkr`,
    `capital_pkr` and, for a load that pays a levy, `levy_pkr`.
    `cash_breakeven_tariff_pkr_per_mwh` leaves the capital charge out: the tariff below which
    running pays once the machines are bought. Both breakevens and both profits are after
    the levy (what a miner hands to the Strategic Bitcoin Reserve).
    """

    name: str
    kind: str
    capacity_mw: float
    energy_mwh: float
    curtailed_mwh: float
    revenue_pkr: float
    revenue_usd: float
    energy_cost_pkr: float
    other_cost_pkr: float
    """Operating costs other than energy, plus the capital charge for the period."""
    capital_charge_pkr: float
    profit_pkr: float
    """Revenue less energy, other costs and the levy."""
    breakeven_tariff_pkr_per_mwh: float
    cash_breakeven_tariff_pkr_per_mwh: float
    hourly: pd.DataFrame
    btc_mined: float = 0.0
    export_revenue_usd: float = 0.0
    """Revenue earned abroad: all mining revenue, the exported share of compute."""
    capital_usd: float = 0.0
    """Capital spent (imported equipment, for the foreign-exchange account)."""
    hours_outside_envelope: int = 0
    uptime_achieved: float = 1.0
    meets_uptime: bool = True
    levy_pkr: float = 0.0
    """Handed to the state (the Strategic Bitcoin Reserve), valued when handed over."""
    levy_btc: float = 0.0

    @property
    def cash_profit_pkr(self) -> float:
        """Profit before the capital charge: what running earns once the machines are bought."""
        return self.profit_pkr + self.capital_charge_pkr


def as_hourly(value: float | pd.Series, index: pd.DatetimeIndex, name: str) -> pd.Series:
    """A constant or a series as a float series on `index`; a series must cover every hour."""
    if isinstance(value, pd.Series):
        series = value.reindex(index).astype(float)
        if series.isna().any():
            first = index[np.flatnonzero(series.isna().to_numpy())[0]]
            problem = Problem(name, None, None, "a value for every hour", f"none at {first}")
            raise InputError(problem)
        return series.rename(name)
    return pd.Series(float(value), index=index, name=name)


def checked_curtailment(curtailed_mw: pd.Series, capacity_mw: float, owner: str) -> pd.Series:
    """Curtailment as floats, refused (not clipped) when outside [0, capacity]."""
    values = curtailed_mw.astype(float)
    tolerance = 1e-6 * max(1.0, capacity_mw)
    bad = values.isna() | (values < -tolerance) | (values > capacity_mw + tolerance)
    if bad.any():
        where = values.index[np.flatnonzero(bad.to_numpy())[0]]
        raise InputError(
            Problem(
                owner,
                None,
                "curtailed_mw",
                f"MW in [0, {capacity_mw:g}] every hour",
                f"{values[where]!r} at {where}",
            )
        )
    return values.clip(0.0, capacity_mw)


def curtailment_from_share(share: pd.Series, capacity_mw: float) -> pd.Series:
    """Curtailed MW from a curtailed share of capacity (0 = fully served, 1 = off)."""
    return (share.astype(float) * capacity_mw).rename("curtailed_mw")


def capital_recovery_factor(rate: float, years: float) -> float:
    """Annual payment per unit of capital repaid over `years` at `rate`.

    >>> round(capital_recovery_factor(0.10, 10), 4)
    0.1627
    """
    if rate == 0:
        return 1.0 / years
    return rate / (1.0 - (1.0 + rate) ** -years)


def period_years(index: pd.DatetimeIndex) -> float:
    """Length of an hourly index in years of 8,760 h."""
    return len(index) / HOURS_PER_YEAR


def close_books(
    name: str,
    kind: str,
    capacity_mw: float,
    hourly: pd.DataFrame,
    usd_exchange_rate: float,
    **extra: float | int | bool,
) -> LoadEconomics:
    """Sum the hourly lines into a `LoadEconomics` (hourly steps: MW × 1 h = MWh)."""
    energy_mwh = float(hourly["served_mw"].sum())
    revenue = float(hourly["revenue_pkr"].sum())
    energy_cost = float(hourly["energy_cost_pkr"].sum())
    capital = float(hourly["capital_pkr"].sum())
    other = float(hourly["opex_pkr"].sum()) + capital
    levy = float(hourly["levy_pkr"].sum()) if "levy_pkr" in hourly else 0.0

    def breakeven(cost: float) -> float:
        return (revenue - cost - levy) / energy_mwh if energy_mwh > 0 else float("nan")

    return LoadEconomics(
        name=name,
        kind=kind,
        capacity_mw=capacity_mw,
        energy_mwh=energy_mwh,
        curtailed_mwh=float(hourly["curtailed_mw"].sum()),
        revenue_pkr=revenue,
        revenue_usd=revenue / usd_exchange_rate,
        energy_cost_pkr=energy_cost,
        other_cost_pkr=other,
        capital_charge_pkr=capital,
        profit_pkr=revenue - energy_cost - other - levy,
        levy_pkr=levy,
        breakeven_tariff_pkr_per_mwh=breakeven(other),
        cash_breakeven_tariff_pkr_per_mwh=breakeven(other - capital),
        hourly=hourly,
        **extra,  # type: ignore[arg-type]
    )
