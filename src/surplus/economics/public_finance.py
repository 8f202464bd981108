"""The public purse's view of a set of flexible loads: what they pay, what serving them costs,
what is left towards capacity payments, and the foreign exchange they earn and spend.

Two measures of the generation cost of the loads' energy:

- **price**: each hour's marginal cost at the load's zone (from the dispatch with the loads)
  times the energy taken. Exact for a small load; for 2,000 MW it prices every MWh at the
  last, dearest plant that had to start, so it overstates the cost when the loads move the
  margin (an upper bound on a rising merit order).
- **delta**: the change in total system cost (fuel plus any unserved energy at the value of
  lost load) between the dispatch with the loads and without. It is what the system really
  spends, and it sees effects the price misses (congestion, hydro moved between hours).

Both are grossed up for transmission losses, which the dispatch does not model.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surplus.economics.catalogue import IMPORTED_FUELS, PUBLIC
from surplus.economics.subsidy import ServingCost
from surplus.loads.accounts import period_years


@dataclass(frozen=True)
class CapacityPayments:
    """Capacity payments and the energy they are spread over (FY25 by default): per MWh
    *generated* (how NEPRA's Rs 14.3/kWh is quoted) and per MWh *sold* (what a consumer's
    bill carries; fewer MWh, because of network losses, so more rupees each)."""

    capacity_payments_pkr: float = PUBLIC.default("capacity_payments_pkr")
    generation_mwh: float = PUBLIC.default("generation_mwh")
    sold_mwh: float = PUBLIC.default("sold_mwh")

    def __post_init__(self) -> None:
        PUBLIC.check("capacity payments", self)

    @property
    def pkr_per_mwh_generated(self) -> float:
        return self.capacity_payments_pkr / self.generation_mwh

    @property
    def pkr_per_mwh_sold(self) -> float:
        return self.capacity_payments_pkr / self.sold_mwh


@dataclass(frozen=True)
class PublicFinance:
    """Money in PKR for the period studied; capacity figures scaled to a year."""

    energy_sold_mwh: float
    revenue_pkr: float
    generation_cost_price_pkr: float
    generation_cost_delta_pkr: float
    """NaN when no run without the loads was given."""
    network_cost_pkr: float
    contribution_price_pkr: float
    contribution_delta_pkr: float
    capacity_pkr_per_mwh_generated_before: float
    capacity_pkr_per_mwh_generated_after: float
    """Capacity payments per MWh generated if the yearly contribution (delta measure, or
    price where no delta) went to them."""
    capacity_pkr_per_mwh_sold_before: float
    capacity_pkr_per_mwh_sold_after: float
    """The same per MWh sold to consumers: what their bills would carry."""
    fx_earned_usd: float
    fx_fuel_usd: float
    fx_capital_usd: float
    fx_profits_usd: float = 0.0
    """Operators' profit that leaves the country (after the imported equipment, which is
    `fx_capital_usd`)."""

    @property
    def contribution_pkr(self) -> float:
        """The delta measure where available, else the price measure."""
        if pd.isna(self.generation_cost_delta_pkr):
            return self.contribution_price_pkr
        return self.contribution_delta_pkr

    @property
    def fx_net_usd(self) -> float:
        """Earned abroad less imported fuel, imported equipment and profits sent home."""
        return self.fx_earned_usd - self.fx_fuel_usd - self.fx_capital_usd - self.fx_profits_usd

    @property
    def capacity_relief_pkr_per_mwh_sold(self) -> float:
        """How much the capacity charge on other consumers' bills falls (negative: rises)."""
        return self.capacity_pkr_per_mwh_sold_before - self.capacity_pkr_per_mwh_sold_after


def public_finance(
    served_mw: pd.DataFrame,
    tariff_pkr_per_mwh: pd.DataFrame,
    marginal_cost_pkr_per_mwh: pd.DataFrame,
    serving: ServingCost,
    capacity: CapacityPayments,
    *,
    delta_cost_pkr: float | None = None,
    fx_earned_usd: float = 0.0,
    fx_fuel_usd: float = 0.0,
    fx_capital_usd: float = 0.0,
    fx_profits_usd: float = 0.0,
) -> PublicFinance:
    """Accounts over hours × loads frames. `delta_cost_pkr` is system cost with the loads
    minus without (before losses); the FX figures come from the load and dispatch results
    (`repatriated_profit_usd` for the profits)."""
    served = served_mw.clip(lower=0.0)
    energy = float(served.to_numpy().sum())
    revenue = float((served * tariff_pkr_per_mwh).to_numpy().sum())
    gross_up = 1.0 / (1.0 - serving.loss_share)
    by_price = float((served * marginal_cost_pkr_per_mwh).to_numpy().sum()) * gross_up
    by_delta = float("nan") if delta_cost_pkr is None else delta_cost_pkr * gross_up
    network = energy * serving.network_cost_pkr_per_mwh
    contribution_price = revenue - by_price - network
    contribution_delta = revenue - by_delta - network
    contribution = contribution_price if delta_cost_pkr is None else contribution_delta
    years = period_years(pd.DatetimeIndex(served.index))
    yearly = contribution / years if years else 0.0
    return PublicFinance(
        energy_sold_mwh=energy,
        revenue_pkr=revenue,
        generation_cost_price_pkr=by_price,
        generation_cost_delta_pkr=by_delta,
        network_cost_pkr=network,
        contribution_price_pkr=contribution_price,
        contribution_delta_pkr=contribution_delta,
        capacity_pkr_per_mwh_generated_before=capacity.pkr_per_mwh_generated,
        capacity_pkr_per_mwh_generated_after=(capacity.capacity_payments_pkr - yearly)
        / capacity.generation_mwh,
        capacity_pkr_per_mwh_sold_before=capacity.pkr_per_mwh_sold,
        capacity_pkr_per_mwh_sold_after=(capacity.capacity_payments_pkr - yearly)
        / capacity.sold_mwh,
        fx_earned_usd=fx_earned_usd,
        fx_fuel_usd=fx_fuel_usd,
        fx_capital_usd=fx_capital_usd,
        fx_profits_usd=fx_profits_usd,
    )


def repatriated_profit_usd(
    cash_profit_usd: float, imported_equipment_usd: float, foreign_share: float
) -> float:
    """Profit one operator sends abroad: the foreign-owned share of what its cash profit
    leaves after paying for the imported equipment (itself already an outflow); nothing when
    it leaves nothing. Each operator is its own company, so losses do not offset.

    >>> repatriated_profit_usd(10e6, 4e6, 0.5), repatriated_profit_usd(3e6, 4e6, 1.0)
    (3000000.0, 0.0)
    """
    return foreign_share * max(cash_profit_usd - imported_equipment_usd, 0.0)


def system_cost_pkr(
    generation_mw: pd.DataFrame,
    variable_cost_pkr_per_mwh: pd.Series,
    unserved_mw: pd.DataFrame | None = None,
    value_of_lost_load_pkr_per_mwh: float = 0.0,
) -> pd.Series:
    """Hourly cost of running the system: fuel and variable O&M of every plant, plus unserved
    energy at the value of lost load. Computed from the dispatch's quantities, so it does not
    depend on how the dispatch writes its objective."""
    cost = generation_mw.mul(variable_cost_pkr_per_mwh.reindex(generation_mw.columns).fillna(0.0))
    total = cost.sum(axis=1)
    if unserved_mw is not None:
        total = total + unserved_mw.sum(axis=1) * value_of_lost_load_pkr_per_mwh
    return total.rename("system_cost_pkr")


def fuel_fx_usd(
    delta_generation_mw: pd.DataFrame,
    plants: pd.DataFrame,
    usd_exchange_rate: float,
    import_share_by_fuel: dict[str, float] | None = None,
) -> float:
    """Foreign exchange spent on the extra fuel burnt for the loads: each plant's change in
    output × its variable cost × the imported share of its fuel."""
    shares = IMPORTED_FUELS if import_share_by_fuel is None else import_share_by_fuel
    columns = delta_generation_mw.columns
    fuel_share = plants["fuel"].reindex(columns).map(lambda f: shares.get(str(f), 0.0))
    cost = plants["variable_cost_pkr_per_mwh"].reindex(columns).fillna(0.0)
    energy = delta_generation_mw.sum()
    return float((energy * cost * fuel_share.fillna(0.0)).sum()) / usd_exchange_rate
