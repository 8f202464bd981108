"""The programme: which miner fleets and data centres sit where, and how they bid into the
dispatch under a given tariff.

A load on a flat or time-of-use tariff asks for power whenever running pays at that tariff
and is served whenever a plant can spare it, after every existing consumer. A load on the
dynamic tariff asks only up to the marginal cost at which its tariff would still pay. A data
centre enters the dispatch as two loads, its firm part and its flexible part (valued a little
lower, so it is shed first); curtailment of the firm part is an outage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from surplus.dispatch.flexible import FlexibleLoad, default_value_pkr_per_mwh
from surplus.economics.catalogue import PROGRAMME
from surplus.economics.reserve import ReservePolicy
from surplus.economics.tariffs import DynamicTariff, Tariff, price_pkr_per_mwh
from surplus.errors import InputError, Problem
from surplus.headroom.sites import NAMED_PLANTS
from surplus.loads.bitcoin import BitcoinScenario
from surplus.loads.catalogue import DATA_CENTRE
from surplus.loads.datacentre import DataCentre
from surplus.loads.miner import MinerFleet, cash_value_pkr_per_mwh, runs

PROGRAMME_PLANTS = NAMED_PLANTS
"""The three imported-coal plants named as the source of the first 2,000 MW [COINDESK];
declared once, in `surplus.headroom.sites`."""

FIRM, FLEX = ":firm", ":flex"


@dataclass(frozen=True)
class Site:
    plant: str
    zone: str
    miners: MinerFleet | None = None
    datacentre: DataCentre | None = None


@dataclass(frozen=True)
class Programme:
    sites: tuple[Site, ...]

    @property
    def fleets(self) -> tuple[tuple[MinerFleet, str], ...]:
        return tuple((s.miners, s.zone) for s in self.sites if s.miners is not None)

    @property
    def centres(self) -> tuple[tuple[DataCentre, str], ...]:
        return tuple((s.datacentre, s.zone) for s in self.sites if s.datacentre is not None)

    @property
    def grid_mw(self) -> float:
        return sum(f.grid_mw for f, _ in self.fleets) + sum(c.grid_mw for c, _ in self.centres)

    @property
    def hashrate_ehs(self) -> float:
        return sum(f.hashrate_phs for f, _ in self.fleets) / 1000.0


def default_programme(
    plants: pd.DataFrame,
    programme_mw: float = PROGRAMME.default("programme_mw"),
    miner_share: float = PROGRAMME.default("miner_share"),
    plant_names: Sequence[str] = PROGRAMME_PLANTS,
) -> Programme:
    """Split `programme_mw` equally over the named plants; at each, `miner_share` of it to a
    miner fleet (default ASIC mix) and the rest to a data centre (default PUE)."""
    PROGRAMME.check(
        "programme", SimpleNamespace(programme_mw=programme_mw, miner_share=miner_share)
    )
    missing = [p for p in plant_names if p not in plants.index]
    if missing:
        raise InputError(
            [
                Problem("plants", None, "plant", "the programme's plants in the dataset", p)
                for p in missing
            ]
        )
    per_site = programme_mw / len(plant_names)
    sites = []
    for plant in plant_names:
        miner_mw, dc_mw = per_site * miner_share, per_site * (1.0 - miner_share)
        fleet = MinerFleet(f"miners_{plant}", grid_mw=miner_mw) if miner_mw > 0 else None
        pue = DATA_CENTRE.default("pue")
        centre = DataCentre(f"dc_{plant}", it_mw=dc_mw / pue) if dc_mw > 0 else None
        sites.append(Site(plant, str(plants.loc[plant, "zone"]), fleet, centre))
    return Programme(tuple(sites))


@dataclass(frozen=True)
class BidValues:
    """Dispatch values: firm loads sit just under the dispatch's default (above every plant,
    far below the value of lost load); flexible loads halfway between it and the dearest plant."""

    firm_pkr_per_mwh: float
    flexible_pkr_per_mwh: float

    @classmethod
    def for_dataset(cls, max_plant_cost_pkr_per_mwh: float, voll_pkr_per_mwh: float) -> BidValues:
        firm = default_value_pkr_per_mwh(max_plant_cost_pkr_per_mwh, voll_pkr_per_mwh)
        return cls(firm, 0.5 * (firm + max_plant_cost_pkr_per_mwh))


def miner_cash_value_pkr_per_mwh(
    fleet: MinerFleet,
    hashprice_usd_per_phs_day: pd.Series,
    usd_exchange_rate: float,
    reserve: ReservePolicy | None = None,
) -> pd.Series:
    """What one MWh at the meter earns the fleet, less its running costs and what it hands
    to the reserve (its share of the coins mined, before the pool fee, and any levy); no
    capital. A fleet runs only where this covers its tariff (`surplus.loads.miner.runs`)."""
    levy = (reserve or ReservePolicy(0.0, 0.0)).levy
    value = cash_value_pkr_per_mwh(fleet, hashprice_usd_per_phs_day, usd_exchange_rate, levy)
    return pd.Series(value, index=hashprice_usd_per_phs_day.index)


def dispatch_loads(
    programme: Programme,
    tariff: Tariff,
    scenario: BitcoinScenario,
    usd_exchange_rate: float,
    bids: BidValues,
    reserve: ReservePolicy | None = None,
) -> list[FlexibleLoad]:
    """The flexible loads handed to the dispatch for one tariff; miners weigh what they hand
    to the `reserve` (none when left out)."""
    hashprice = scenario.hashprice_usd_per_phs_day(programme.hashrate_ehs)
    index = hashprice.index
    levy = (reserve or ReservePolicy(0.0, 0.0)).levy
    loads = []
    for fleet, zone in programme.fleets:
        value = miner_cash_value_pkr_per_mwh(fleet, hashprice, usd_exchange_rate, reserve)
        if isinstance(tariff, DynamicTariff):
            bid = tariff.highest_marginal_cost_pkr_per_mwh(float(value.mean()))
            willing = np.full(len(index), np.isfinite(bid))
            bid_value = min(bid, bids.flexible_pkr_per_mwh) if np.isfinite(bid) else 0.0
        else:
            # A flat or time-of-use price does not depend on the dispatch.
            price = price_pkr_per_mwh(tariff, pd.Series(0.0, index=index))
            willing = runs(fleet, hashprice, price, usd_exchange_rate, levy).to_numpy()
            bid_value = bids.flexible_pkr_per_mwh
        load = pd.Series(np.where(willing, fleet.grid_mw, 0.0), index=index)
        loads.append(FlexibleLoad(fleet.name, zone, load, max(bid_value, 0.0)))
    for centre, zone in programme.centres:
        firm_mw = centre.grid_mw - centre.flexible_mw
        loads.append(FlexibleLoad(centre.name + FIRM, zone, firm_mw, bids.firm_pkr_per_mwh))
        loads.append(
            FlexibleLoad(centre.name + FLEX, zone, centre.flexible_mw, bids.flexible_pkr_per_mwh)
        )
    return loads


def served_by_model(programme: Programme, flexible_served_mw: pd.DataFrame) -> pd.DataFrame:
    """Served MW per miner fleet and per data centre (its firm and flexible parts summed)."""
    columns = {fleet.name: flexible_served_mw[fleet.name] for fleet, _ in programme.fleets}
    for centre, _ in programme.centres:
        columns[centre.name] = (
            flexible_served_mw[centre.name + FIRM] + flexible_served_mw[centre.name + FLEX]
        )
    return pd.DataFrame(columns, index=flexible_served_mw.index).astype(float)


def zone_of(programme: Programme) -> dict[str, str]:
    zones = {fleet.name: zone for fleet, zone in programme.fleets}
    zones.update({centre.name: zone for centre, zone in programme.centres})
    return zones
