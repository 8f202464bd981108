"""One tariff, assessed end to end: dispatch with and without the programme, each load's
accounts, the subsidy test (price and delta measures), the public finances, the reserve, and
who gains and who pays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from surplus.dispatch.flexible import FlexibleLoad
from surplus.economics.catalogue import PROGRAMME
from surplus.economics.programme import (
    BidValues,
    Programme,
    dispatch_loads,
    served_by_model,
    zone_of,
)
from surplus.economics.public_finance import (
    CapacityPayments,
    PublicFinance,
    fuel_fx_usd,
    public_finance,
    repatriated_profit_usd,
    system_cost_pkr,
)
from surplus.economics.reserve import (
    ReserveAccrual,
    ReservePolicy,
    miners_hourly,
    reserve_accrual,
)
from surplus.economics.subsidy import (
    ServingCost,
    SubsidyTest,
    delta_test_by_month,
    incremental_cost_per_mwh,
    subsidy_test,
)
from surplus.economics.tariffs import Tariff, price_pkr_per_mwh
from surplus.grid.model import Dataset
from surplus.loads.accounts import LoadEconomics
from surplus.loads.bitcoin import BitcoinScenario
from surplus.loads.datacentre import datacentre_economics
from surplus.loads.miner import miner_economics


class DispatchOutput(Protocol):
    """The parts of `surplus.dispatch.DispatchResult` this module reads."""

    @property
    def price_pkr_per_mwh(self) -> pd.DataFrame: ...
    @property
    def unserved_mw(self) -> pd.DataFrame: ...
    @property
    def generation_mw(self) -> pd.DataFrame: ...
    @property
    def flexible_served_mw(self) -> pd.DataFrame: ...


DispatchFn = Callable[[Dataset, Sequence[FlexibleLoad]], DispatchOutput]


@dataclass(frozen=True)
class Assumptions:
    serving: ServingCost = field(default_factory=ServingCost)
    capacity: CapacityPayments = field(default_factory=CapacityPayments)
    reserve: ReservePolicy = field(default_factory=ReservePolicy)
    operators_foreign_share: float = PROGRAMME.default("operators_foreign_share")
    """Share of operators' profit (after imported equipment) that leaves the country."""

    def __post_init__(self) -> None:
        PROGRAMME.check("assumptions", self)


@dataclass(frozen=True, eq=False)
class TariffOutcome:
    tariff: str
    loads: tuple[LoadEconomics, ...]
    subsidy_price: SubsidyTest
    subsidy_delta: SubsidyTest
    """Hour by hour on the delta measure: noisy where hydro moves between hours."""
    delta_by_month: pd.DataFrame
    """The delta measure month by month, where it is exact (see `delta_test_by_month`)."""
    finance: PublicFinance
    reserve: ReserveAccrual
    parties: pd.DataFrame
    hourly: pd.DataFrame
    """Per hour: energy-weighted `tariff_pkr_per_mwh` and `marginal_cost_pkr_per_mwh`
    (cost to serve at the meter), `served_mw`."""

    def profit_pkr(self, kind: str) -> float:
        return sum(load.profit_pkr for load in self.loads if load.kind == kind)


def generation_marginal_cost(
    price_pkr_per_mwh: pd.DataFrame, generation_mw: pd.DataFrame, plant_cost: pd.Series
) -> pd.DataFrame:
    """Zone prices capped at the dearest plant running that hour. When a flexible load is the
    marginal buyer its bid sets the price; the energy it takes still comes from a plant, so a
    price above every running plant's cost is not a generation cost."""
    cost = plant_cost.reindex(generation_mw.columns).fillna(0.0).to_numpy()
    running = generation_mw.to_numpy() > 1e-6
    dearest = np.where(running, cost, -np.inf).max(axis=1, initial=-np.inf)
    dearest = np.where(np.isfinite(dearest), dearest, 0.0)
    return price_pkr_per_mwh.clip(upper=pd.Series(dearest, index=price_pkr_per_mwh.index), axis=0)


def assess_tariff(
    dataset: Dataset,
    programme: Programme,
    tariff: Tariff,
    scenario: BitcoinScenario,
    base: DispatchOutput,
    dispatch: DispatchFn,
    assumptions: Assumptions | None = None,
) -> TariffOutcome:
    """Dispatch the programme's loads under `tariff` and settle every account."""
    assumptions = assumptions or Assumptions()
    rate = dataset.info.usd_exchange_rate
    plants = dataset.plants
    bids = BidValues.for_dataset(
        float(dataset.operating_plants["variable_cost_pkr_per_mwh"].max()),
        dataset.info.value_of_lost_load_per_mwh,
    )
    bidding = dispatch_loads(programme, tariff, scenario, rate, bids, assumptions.reserve)
    result = dispatch(dataset, bidding)
    served = served_by_model(programme, result.flexible_served_mw)
    zones = zone_of(programme)
    marginal = generation_marginal_cost(
        result.price_pkr_per_mwh, result.generation_mw, plants["variable_cost_pkr_per_mwh"]
    )
    mc = pd.DataFrame({name: marginal[zones[name]] for name in served.columns})
    tariffs = pd.DataFrame({name: price_pkr_per_mwh(tariff, mc[name]) for name in served.columns})
    loads = _load_accounts(programme, served, tariffs, scenario, rate, assumptions.reserve)
    delta = _delta_cost_pkr(dataset, result, base)
    serving = assumptions.serving
    finance = public_finance(
        served,
        tariffs,
        mc,
        serving,
        assumptions.capacity,
        delta_cost_pkr=float(delta.sum()),
        fx_earned_usd=sum(load.export_revenue_usd for load in loads),
        fx_fuel_usd=fuel_fx_usd(result.generation_mw - base.generation_mw, plants, rate),
        fx_capital_usd=sum(load.capital_usd for load in loads),
        fx_profits_usd=sum(
            repatriated_profit_usd(
                load.cash_profit_pkr / rate, load.capital_usd, assumptions.operators_foreign_share
            )
            for load in loads
        ),
    )
    reserve = _reserve(loads, scenario, assumptions.reserve)
    by_price = subsidy_test(served, tariffs, mc, serving)
    by_delta = subsidy_test(served, tariffs, incremental_cost_per_mwh(delta, served), serving)
    return TariffOutcome(
        tariff=tariff.name,
        loads=loads,
        subsidy_price=by_price,
        subsidy_delta=by_delta,
        delta_by_month=delta_test_by_month(served, tariffs, delta, serving, dataset.info.timezone),
        finance=finance,
        reserve=reserve,
        parties=gains_and_payments(loads, finance, by_price, reserve, rate),
        hourly=_hourly(served, tariffs, serving.cost_pkr_per_mwh(mc)),
    )


def _delta_cost_pkr(
    dataset: Dataset, with_loads: DispatchOutput, base: DispatchOutput
) -> pd.Series:
    """Hourly system cost with the programme minus without it."""
    voll = dataset.info.value_of_lost_load_per_mwh
    costs = dataset.plants["variable_cost_pkr_per_mwh"]
    after = system_cost_pkr(with_loads.generation_mw, costs, with_loads.unserved_mw, voll)
    return after - system_cost_pkr(base.generation_mw, costs, base.unserved_mw, voll)


def _load_accounts(
    programme: Programme,
    served: pd.DataFrame,
    tariffs: pd.DataFrame,
    scenario: BitcoinScenario,
    rate: float,
    reserve: ReservePolicy,
) -> tuple[LoadEconomics, ...]:
    """Each load's books; miners pay the reserve levy as a cost of running."""
    hashprice = scenario.hashprice_usd_per_phs_day(programme.hashrate_ehs)
    accounts = []
    for fleet, _ in programme.fleets:
        curtailed = (fleet.grid_mw - served[fleet.name]).clip(lower=0.0)
        accounts.append(
            miner_economics(
                fleet,
                curtailed,
                tariffs[fleet.name],
                hashprice,
                rate,
                scenario.btc_price_usd,
                reserve.levy,
            )
        )
    for centre, _ in programme.centres:
        curtailed = (centre.grid_mw - served[centre.name]).clip(lower=0.0)
        accounts.append(datacentre_economics(centre, curtailed, tariffs[centre.name], rate))
    return tuple(accounts)


def _reserve(
    loads: Sequence[LoadEconomics], scenario: BitcoinScenario, policy: ReservePolicy
) -> ReserveAccrual:
    mined = miners_hourly(loads, "btc_mined", scenario.index)
    energy = miners_hourly(loads, "served_mw", scenario.index)
    return reserve_accrual(policy, mined, energy, scenario.btc_price_usd)


def _hourly(served: pd.DataFrame, tariffs: pd.DataFrame, cost: pd.DataFrame) -> pd.DataFrame:
    total = served.sum(axis=1)
    weight = total.where(total > 1e-6)
    return pd.DataFrame(
        {
            "served_mw": total,
            "tariff_pkr_per_mwh": (tariffs * served).sum(axis=1) / weight,
            "cost_to_serve_pkr_per_mwh": (cost * served).sum(axis=1) / weight,
        }
    )


def gains_and_payments(
    loads: Sequence[LoadEconomics],
    finance: PublicFinance,
    test: SubsidyTest,
    reserve: ReserveAccrual,
    usd_exchange_rate: float,
) -> pd.DataFrame:
    """Who gains and who pays, PKR over the period. The CPPA's margin and other consumers'
    relief are the same rupees (the margin reaches consumers through lower capacity charges):
    read them as one transfer, not two. The operators' net is the sum of their profits (after
    the levy), and the reserve's gain is that levy."""
    reserve_pkr = reserve.value_usd * usd_exchange_rate
    bills = sum(load.energy_cost_pkr for load in loads)
    received = sum(load.revenue_pkr for load in loads)
    costs = sum(load.other_cost_pkr for load in loads)
    levies = sum(load.levy_pkr for load in loads)
    cost_to_serve = finance.revenue_pkr - finance.contribution_pkr
    relief = finance.capacity_relief_pkr_per_mwh_sold
    rows = [
        (
            "operators",
            received,
            bills + costs + levies,
            "sales of bitcoin and compute; pay energy bills, running and capital costs, and "
            "the reserve levy",
        ),
        (
            "government / CPPA",
            bills,
            cost_to_serve,
            f"tariff receipts less fuel and network cost; shortfall in failing hours "
            f"Rs {test.shortfall_pkr / 1e9:,.2f} bn",
        ),
        (
            "other consumers",
            max(finance.contribution_pkr, 0.0),
            max(-finance.contribution_pkr, 0.0),
            f"capacity charge {-relief / 1000:+.3f} Rs per kWh sold if the CPPA margin is "
            "passed on (same rupees as the CPPA row)",
        ),
        (
            "strategic bitcoin reserve",
            reserve_pkr,
            0.0,
            f"{reserve.btc:,.1f} BTC at the price when received",
        ),
    ]
    table = pd.DataFrame(rows, columns=["party", "gains_pkr", "pays_pkr", "note"])
    table.insert(3, "net_pkr", table["gains_pkr"] - table["pays_pkr"])
    return table
