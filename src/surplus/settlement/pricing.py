"""Hourly prices of a term sheet's tariff rule, on the economics module's tariffs.

The price at the meter has two parts, as in `surplus.economics.tariffs`: energy grossed
up for losses, `energy / (1 − loss_share)`, and the network charge. Energy follows the
sheet's basis: `fixed` a flat rate, `time_of_use` a peak and an off-peak rate by local
hour, `dynamic` the zone's marginal cost plus an adder, never below a floor. Under a
curtail-on-price clause (`curtailment.on_price` with a cost cap), the hours when the
zone's marginal cost was above the cap are priced out: energy drawn in them above the
contract's floor owes the difference between the cost of serving it and the tariff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.contracts import TariffTerms, TermSheet
from surplus.economics.tariffs import DynamicTariff, FixedTariff, Tariff, TimeOfUseTariff
from surplus.errors import SurplusError


def tariff_of(terms: TariffTerms) -> Tariff:
    """The economics module's tariff for a term sheet's tariff clause."""
    common = {
        "network_charge_pkr_per_mwh": terms.network_charge_pkr_per_mwh,
        "loss_share": terms.loss_share,
    }
    if terms.basis == "fixed":
        return FixedTariff(terms.rule, terms.rate_pkr_per_mwh or 0.0, **common)
    if terms.basis == "time_of_use":
        return TimeOfUseTariff(
            terms.rule,
            peak_pkr_per_mwh=terms.peak_pkr_per_mwh or 0.0,
            off_peak_pkr_per_mwh=terms.off_peak_pkr_per_mwh or 0.0,
            peak_start_hour=terms.peak_start_hour,
            peak_hours=terms.peak_hours,
            timezone=terms.timezone,
            **common,
        )
    return DynamicTariff(
        terms.rule,
        adder_pkr_per_mwh=terms.adder_pkr_per_mwh or 0.0,
        floor_pkr_per_mwh=terms.floor_pkr_per_mwh or 0.0,
        **common,
    )


def needs_marginal_cost(sheet: TermSheet) -> bool:
    return sheet.tariff.basis == "dynamic" or sheet.curtail_above_price_pkr_per_mwh is not None


@dataclass(frozen=True)
class HourlyPrices:
    """Per hour of the month (UTC index): PKR/MWh at the meter."""

    energy_pkr_per_mwh: pd.Series
    """Energy grossed up for losses."""
    network_pkr_per_mwh: float
    recovery_pkr_per_mwh: pd.Series
    """Cost of serving above the tariff in priced-out hours (0 elsewhere)."""
    priced_out: pd.Series
    """True in hours the curtail-on-price clause applied."""


def hourly_prices(
    sheet: TermSheet, hours: pd.DatetimeIndex, marginal_cost_pkr_per_mwh: pd.Series | None
) -> HourlyPrices:
    """Prices for `hours`; `marginal_cost_pkr_per_mwh` is the zone's (hourly UTC index),
    needed for dynamic tariffs and curtail-on-price clauses.

    >>> from surplus.simulation.scenario import SIMULATED_TARIFF
    >>> h = pd.date_range("2026-01-01", periods=2, freq="h", tz="UTC")
    >>> terms = SIMULATED_TARIFF.model_copy(update={"basis": "fixed", "rate_pkr_per_mwh": 9700.0})
    >>> tariff_of(terms).energy_pkr_per_mwh(pd.Series(0.0, h)).tolist()
    [9700.0, 9700.0]
    """
    terms = sheet.tariff
    cost = None
    if needs_marginal_cost(sheet):
        if marginal_cost_pkr_per_mwh is None:
            raise SurplusError(
                f"term sheet {sheet.term_sheet_id}: its tariff needs the zone's marginal cost "
                f"(zone {sheet.zone}); give prices"
            )
        cost = marginal_cost_pkr_per_mwh.reindex(hours)
        missing = hours[cost.isna().to_numpy()]
        if len(missing):
            raise SurplusError(
                f"no marginal cost for zone {sheet.zone} at {len(missing)} hours, from "
                f"{missing[0].isoformat()}"
            )
    base = cost if cost is not None else pd.Series(0.0, index=hours)
    energy = tariff_of(terms).energy_pkr_per_mwh(base) / (1.0 - terms.loss_share)
    cap = sheet.curtail_above_price_pkr_per_mwh
    if cap is not None and cost is not None:
        priced_out = cost > cap
        serving = cost / (1.0 - terms.loss_share)
        recovery = (serving - energy).clip(lower=0.0).where(priced_out, 0.0)
    else:
        priced_out = pd.Series(False, index=hours)
        recovery = pd.Series(0.0, index=hours)
    return HourlyPrices(
        energy.astype(float),
        terms.network_charge_pkr_per_mwh,
        recovery.astype(float),
        priced_out.astype(bool),
    )


def is_peak(terms: TariffTerms, hours: pd.DatetimeIndex) -> np.ndarray:
    """Whether each hour is in a time-of-use tariff's peak (local time)."""
    tariff = tariff_of(terms)
    if isinstance(tariff, TimeOfUseTariff):
        return tariff.is_peak(hours)
    return np.zeros(len(hours), dtype=bool)
