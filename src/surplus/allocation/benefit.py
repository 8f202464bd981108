"""Public net benefit of one MW allocated to an application at a zone, PKR a year.

Two parts, both from `surplus.economics`:

- **the tariff's margin over the cost to serve**: each hour the load may draw, the tariff at
  its meter (`economics.tariffs.price_pkr_per_mwh`) less the cost to serve it
  (`economics.subsidy.ServingCost`: the zone's marginal cost grossed up for losses, plus the
  network cost). This is what the load adds to the public purse (CPPA), which lowers the
  capacity charge every other consumer carries. Hours priced out by the tariff's cost cap
  earn nothing and cost nothing.
- **the Strategic Bitcoin Reserve** (miners only): the reserve's share of the coins one MW of
  the default fleet mines in those hours, at the default bitcoin price and network.

Marginal costs are those of the dispatch *without* the new loads, so the figure is a
per-MW rate for ranking applications, not the programme's total (which `surplus economics`
computes with the loads in the dispatch). Physical curtailment (at most what the applicant
offered, a fraction of a percent) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surplus.allocation.applications import Application
from surplus.allocation.grid import GridCapacity
from surplus.allocation.rules import TariffRule, tariff_rules
from surplus.economics.reserve import ReservePolicy
from surplus.economics.subsidy import ServingCost
from surplus.economics.tariffs import price_pkr_per_mwh
from surplus.loads.bitcoin import constant_scenario
from surplus.loads.miner import MinerFleet

HOURS_PER_YEAR = 8760.0


@dataclass(frozen=True)
class BenefitAssumptions:
    """What the net benefit counts; defaults are the economics catalogue's."""

    serving: ServingCost = field(default_factory=ServingCost)
    reserve: ReservePolicy = field(default_factory=ReservePolicy)
    usd_exchange_rate: float = 280.0


def reserve_value_pkr_per_mwh(
    index: pd.DatetimeIndex, assumptions: BenefitAssumptions
) -> np.ndarray:
    """Value handed to the reserve per MWh a default miner fleet draws, each hour (PKR)."""
    fleet = MinerFleet("allocation", grid_mw=1.0)
    hashprice = constant_scenario(index).hashprice_usd_per_phs_day().to_numpy()
    mined_usd_per_mwh = fleet.hashrate_phs * hashprice / 24.0
    policy = assumptions.reserve
    usd = mined_usd_per_mwh * policy.share_of_mined + policy.fee_usd_per_mwh
    return np.asarray(usd * assumptions.usd_exchange_rate, dtype=float)


def margin_pkr_per_mwh(rule: TariffRule, grid: GridCapacity, serving: ServingCost) -> np.ndarray:
    """Tariff less cost to serve, hours × zones, 0 where the rule's cap prices the hour out."""
    price = pd.DataFrame(grid.price_pkr_per_mwh, index=grid.hours, columns=list(grid.zones))
    tariff = np.column_stack(
        [price_pkr_per_mwh(rule.tariff, price[z]).to_numpy() for z in grid.zones]
    )
    cost = serving.cost_pkr_per_mwh(price).to_numpy()
    margin = tariff - cost
    return np.where(grid.priced_out(rule.cost_cap_pkr_per_mwh), 0.0, margin)


def net_benefit_table(
    grid: GridCapacity, assumptions: BenefitAssumptions | None = None
) -> dict[tuple[str, str], np.ndarray]:
    """(tariff rule, kind) → PKR a year per MW, per zone."""
    assumptions = assumptions or BenefitAssumptions()
    weights = grid.weights
    reserve = reserve_value_pkr_per_mwh(grid.hours, assumptions)
    table = {}
    for name, rule in tariff_rules(assumptions.serving).items():
        margin = margin_pkr_per_mwh(rule, grid, assumptions.serving)
        drawing = ~grid.priced_out(rule.cost_cap_pkr_per_mwh)
        public = HOURS_PER_YEAR * (weights @ margin)
        sbr = HOURS_PER_YEAR * (weights @ (reserve[:, None] * drawing))
        table[(name, "ai_data_centre")] = public
        table[(name, "miner")] = public + sbr
    return table


def net_benefit_pkr_per_mw_year(
    application: Application,
    zone: str,
    grid: GridCapacity,
    table: dict[tuple[str, str], np.ndarray],
) -> float:
    return float(table[(application.tariff_rule, application.kind)][grid.zone_index(zone)])
