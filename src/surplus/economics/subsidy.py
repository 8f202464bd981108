"""The subsidy test: hour by hour, does the tariff cover what it costs to serve the load?

The cost to serve one more MWh at a load's meter is the marginal generation cost at its zone,
grossed up for the losses on the way, plus the network cost:
`cost = marginal_cost / (1 − loss_share) + network_cost`. A load-hour fails when it was served
and its tariff was below that cost; the shortfall is what someone else paid for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.economics.catalogue import TARIFFS
from surplus.errors import InputError, Problem

_TOLERANCE_PKR_PER_MWH = 1e-6
_SERVED_MW = 1e-6


@dataclass(frozen=True)
class ServingCost:
    """What delivering energy to the loads costs on top of generation."""

    network_cost_pkr_per_mwh: float = TARIFFS.default("network_cost_pkr_per_mwh")
    loss_share: float = TARIFFS.default("loss_share")

    def __post_init__(self) -> None:
        TARIFFS.check("serving cost", self)

    def cost_pkr_per_mwh(self, marginal_cost_pkr_per_mwh: pd.DataFrame) -> pd.DataFrame:
        """Cost to serve at the meter: marginal generation cost grossed up for losses, plus
        the network cost."""
        return marginal_cost_pkr_per_mwh / (1.0 - self.loss_share) + self.network_cost_pkr_per_mwh


@dataclass(frozen=True, eq=False)
class SubsidyTest:
    """Result of the test over hours × loads.

    `by_load` has, per load: `energy_mwh`, `failing_hours`, `failing_mwh`, `shortfall_pkr`,
    `min_flat_tariff_pkr_per_mwh` (the dearest hour it was served) and
    `average_cost_pkr_per_mwh`. `hourly` has, per hour: `served_mw`, `failing_mw`,
    `shortfall_pkr`, `max_cost_pkr_per_mwh` (over loads served that hour).
    """

    passes: bool
    failing_hours: int
    failing_mwh: float
    shortfall_pkr: float
    min_flat_tariff_pkr_per_mwh: float
    """Lowest flat tariff that passes every hour: the highest cost to serve in a served hour.
    A handful of dear hours can set it; read it beside `flat_tariff_p99_pkr_per_mwh`."""
    flat_tariff_p99_pkr_per_mwh: float
    """Lowest flat tariff that passes at least 99 % of served hours (the dearest 1 % left
    out): how far the minimum flat tariff rests on a few hours."""
    average_cost_pkr_per_mwh: float
    """Energy-weighted cost to serve: the flat tariff that breaks even over the period."""
    by_load: pd.DataFrame
    hourly: pd.DataFrame


def subsidy_test(
    served_mw: pd.DataFrame,
    tariff_pkr_per_mwh: pd.DataFrame,
    marginal_cost_pkr_per_mwh: pd.DataFrame,
    serving: ServingCost,
) -> SubsidyTest:
    """Test each load-hour (frames: hourly UTC index × loads, same labels in all three).

    >>> t = pd.date_range("2025-01-01", periods=2, freq="h", tz="UTC")
    >>> f = lambda a: pd.DataFrame({"m": a}, index=t)
    >>> r = subsidy_test(f([10.0, 10.0]), f([20.0, 20.0]), f([15.0, 25.0]), ServingCost(0, 0))
    >>> r.failing_hours, r.failing_mwh, r.shortfall_pkr, r.min_flat_tariff_pkr_per_mwh
    (1, 10.0, 50.0, 25.0)
    """
    _check_aligned(served_mw, tariff_pkr_per_mwh, marginal_cost_pkr_per_mwh)
    cost = serving.cost_pkr_per_mwh(marginal_cost_pkr_per_mwh)
    served = served_mw.clip(lower=0.0)
    is_served = served > _SERVED_MW
    fails = is_served & (tariff_pkr_per_mwh < cost - _TOLERANCE_PKR_PER_MWH)
    shortfall = ((cost - tariff_pkr_per_mwh).clip(lower=0.0) * served).where(fails, 0.0)
    served_cost = cost.where(is_served)
    # Unserved hours carry no cost: the delta measure's cost is NaN there, and NaN × 0 is NaN.
    cost_pkr = (cost * served).where(is_served, 0.0)
    energy = served.sum()
    by_load = pd.DataFrame(
        {
            "energy_mwh": energy,
            "failing_hours": fails.sum().astype(int),
            "failing_mwh": served.where(fails, 0.0).sum(),
            "shortfall_pkr": shortfall.sum(),
            "min_flat_tariff_pkr_per_mwh": served_cost.max(),
            "average_cost_pkr_per_mwh": cost_pkr.sum() / energy.where(energy > 0),
        }
    )
    hourly = pd.DataFrame(
        {
            "served_mw": served.sum(axis=1),
            "failing_mw": served.where(fails, 0.0).sum(axis=1),
            "shortfall_pkr": shortfall.sum(axis=1),
            "max_cost_pkr_per_mwh": served_cost.max(axis=1),
        }
    )
    total_energy = float(energy.sum())
    return SubsidyTest(
        passes=not bool(fails.to_numpy().any()),
        failing_hours=int(fails.any(axis=1).sum()),
        failing_mwh=float(by_load["failing_mwh"].sum()),
        shortfall_pkr=float(by_load["shortfall_pkr"].sum()),
        min_flat_tariff_pkr_per_mwh=_nanmax(served_cost.to_numpy()),
        flat_tariff_p99_pkr_per_mwh=_nanquantile(hourly["max_cost_pkr_per_mwh"].to_numpy(), 0.99),
        average_cost_pkr_per_mwh=(
            float(cost_pkr.to_numpy().sum()) / total_energy if total_energy > 0 else np.nan
        ),
        by_load=by_load,
        hourly=hourly,
    )


def incremental_cost_per_mwh(delta_cost_pkr: pd.Series, served_mw: pd.DataFrame) -> pd.DataFrame:
    """Spread each hour's change in system cost (run with the loads minus run without) over
    the MWh the loads took that hour, as a per-MWh cost for every load (NaN where none was
    served). Hydro budgets move water between hours, so single hours can be noisy."""
    total = served_mw.clip(lower=0.0).sum(axis=1)
    per_mwh = delta_cost_pkr.reindex(served_mw.index) / total.where(total > _SERVED_MW)
    return pd.DataFrame({load: per_mwh for load in served_mw.columns}, index=served_mw.index)


def _nanmax(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.max()) if finite.size else float("nan")


def _nanquantile(values: np.ndarray, q: float) -> float:
    """The smallest value at or below which at least `q` of the finite values lie."""
    finite = values[~np.isnan(values)]
    return float(np.quantile(finite, q, method="inverted_cdf")) if finite.size else float("nan")


def _check_aligned(*frames: pd.DataFrame) -> None:
    first = frames[0]
    for frame in frames[1:]:
        if not frame.index.equals(first.index) or list(frame.columns) != list(first.columns):
            raise InputError(
                Problem(
                    "subsidy test",
                    None,
                    None,
                    "frames with the same hours and loads",
                    f"{list(frame.columns)} over {len(frame)} h vs "
                    f"{list(first.columns)} over {len(first)} h",
                )
            )


def delta_test_by_month(
    served_mw: pd.DataFrame,
    tariff_pkr_per_mwh: pd.DataFrame,
    delta_cost_pkr: pd.Series,
    serving: ServingCost,
    timezone: str,
) -> pd.DataFrame:
    """The subsidy test on the delta measure, month by month (local calendar months).

    The dispatch couples hours only within a month (reservoir budgets), so a month's change
    in system cost is exact where a single hour's is not. Columns: `energy_mwh`,
    `revenue_pkr`, `cost_pkr` (change in system cost grossed up for losses, plus network),
    `shortfall_pkr`, `fails`.
    """
    served = served_mw.clip(lower=0.0)
    months = pd.DatetimeIndex(served.index).tz_convert(timezone).strftime("%Y-%m")
    energy = served.sum(axis=1)
    frame = pd.DataFrame(
        {
            "energy_mwh": energy,
            "revenue_pkr": (served * tariff_pkr_per_mwh).sum(axis=1),
            "cost_pkr": delta_cost_pkr.reindex(served.index).fillna(0.0)
            / (1.0 - serving.loss_share)
            + energy * serving.network_cost_pkr_per_mwh,
        }
    )
    table = frame.groupby(months).sum()
    table.index.name = "month"
    table["shortfall_pkr"] = (table["cost_pkr"] - table["revenue_pkr"]).clip(lower=0.0)
    table["fails"] = table["shortfall_pkr"] > _TOLERANCE_PKR_PER_MWH * table["energy_mwh"].clip(
        lower=1.0
    )
    return table
