"""The in-memory grid dataset: plain frames with the catalogue's columns, and its metadata."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from surplus.errors import SurplusError


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str = ""
    note: str = ""


DEFAULT_RESPONSE_MINUTES = 15.0
"""How fast reserve must be delivered when a dataset does not say."""


@dataclass(frozen=True)
class ReserveRegion:
    """A group of zones that must hold its own reserve: unused capacity of plants inside it,
    or of plants outside it that the corridors' unused capacity can bring in."""

    name: str
    zones: tuple[str, ...]
    largest_unit: bool = False
    share_of_demand: float = 0.0
    min_mw: float = 0.0

    def requirement_mw(self, demand_mw: np.ndarray, largest_unit_mw: float) -> np.ndarray:
        """Reserve per hour, MW: the largest of the region's three floors.

        >>> region = ReserveRegion("r", ("a",), True, 0.05)
        >>> region.requirement_mw(np.array([0.0, 30_000.0]), 1_100.0)
        array([1100., 1500.])
        """
        floor_mw = max(self.min_mw, largest_unit_mw if self.largest_unit else 0.0)
        return np.maximum(floor_mw, self.share_of_demand * np.asarray(demand_mw, float))


@dataclass(frozen=True)
class ReserveRule:
    """Reserve held back every hour. Without `regions`, one requirement for the whole system,
    the largest of three floors; with them, each region's own floors, and zones outside
    every region have none (their plants may still hold reserve for a region).

    Only plants that can respond within `response_minutes` hold reserve: quick-start plants
    with all their unused capacity, slower ones with the headroom of their running output.
    """

    largest_unit: bool = True
    share_of_demand: float = 0.0
    min_mw: float = 0.0
    response_minutes: float = DEFAULT_RESPONSE_MINUTES
    regions: tuple[ReserveRegion, ...] = ()

    def requirement_mw(self, total_demand_mw: np.ndarray, largest_unit_mw: float) -> np.ndarray:
        """System reserve per hour, MW, when no regions are declared.

        >>> ReserveRule(True, 0.05).requirement_mw(np.array([10_000.0, 30_000.0]), 1_100.0)
        array([1100., 1500.])
        """
        system = ReserveRegion("system", (), self.largest_unit, self.share_of_demand, self.min_mw)
        return system.requirement_mw(total_demand_mw, largest_unit_mw)


@dataclass(frozen=True)
class CostCap:
    """What energy may cost at most to count as surplus "at a cost": the tariff a new load
    pays, net of the network charge and of the losses on the way to it.

    >>> CostCap(23_000.0, 1_000.0, 0.03).ceiling_per_mwh
    21340.0
    """

    tariff_per_mwh: float
    network_charge_per_mwh: float = 0.0
    loss_share: float = 0.0

    @property
    def ceiling_per_mwh(self) -> float:
        """Highest marginal generation cost, per MWh at the plant, that the tariff covers."""
        return (self.tariff_per_mwh - self.network_charge_per_mwh) * (1.0 - self.loss_share)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    year: int
    timezone: str
    currency: str
    usd_exchange_rate: float
    """Units of `currency` per US dollar."""
    value_of_lost_load_per_mwh: float
    reserve: ReserveRule
    spill_penalty_per_mwh: float | None = None
    """Cost of spilling a MWh of must-run output; None: a tenth of the value of lost load."""
    cost_cap: CostCap | None = None
    """The ceiling for surplus at a cost; None: none declared (at cost = physical)."""
    licence: str = ""
    description: str = ""
    sources: tuple[Source, ...] = ()
    path: str = ""
    """Where the dataset was read from; `embedded:pakistan` for the default."""


@dataclass(frozen=True)
class Dataset:
    """A validated grid dataset.

    Frames are indexed by their key. Hourly frames share one UTC `DatetimeIndex` named
    `timestamp`; `demand_mw` has one column per zone (zero for zones with no demand column).
    `plants` keeps every plant; `operating_plants` is what the dispatch sees.
    """

    info: DatasetInfo
    zones: pd.DataFrame
    plants: pd.DataFrame
    corridors: pd.DataFrame
    demand_mw: pd.DataFrame
    availability: pd.DataFrame
    hydro_budgets: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["plant", "month", "energy_mwh"])
    )
    fuel_limits: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["fuel", "month", "energy_mwh"])
    )

    @property
    def spill_penalty_per_mwh(self) -> float:
        """What spilling a MWh of must-run output costs in the dispatch."""
        stated = self.info.spill_penalty_per_mwh
        return float(stated) if stated is not None else self.info.value_of_lost_load_per_mwh / 10

    @property
    def cost_ceiling_per_mwh(self) -> float:
        """The cost cap's ceiling; inf when the dataset declares none."""
        cap = self.info.cost_cap
        return cap.ceiling_per_mwh if cap is not None else float("inf")

    @property
    def snapshots(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.demand_mw.index)

    @property
    def local_snapshots(self) -> pd.DatetimeIndex:
        return self.snapshots.tz_convert(self.info.timezone)

    @property
    def operating_plants(self) -> pd.DataFrame:
        return self.plants[self.plants["status"] == "operating"]

    def plant_availability(self) -> pd.DataFrame:
        """Available share of capacity, hours × operating plants (1.0 where no profile)."""
        plants = self.operating_plants
        columns = {}
        ones = np.ones(len(self.snapshots))
        for plant, profile in plants["availability"].items():
            columns[plant] = self.availability[profile].to_numpy() if profile else ones
        return pd.DataFrame(columns, index=self.snapshots, columns=plants.index)

    def available_mw(self) -> pd.DataFrame:
        """Available capacity, hours × operating plants, MW."""
        return self.plant_availability() * self.operating_plants["capacity_mw"]

    def largest_unit_mw(self, zones: Sequence[str] | None = None) -> float:
        """The largest operating unit, of the whole system or of some zones (0 when none)."""
        plants = self.operating_plants
        if zones is not None:
            plants = plants[plants["zone"].isin(list(zones))]
        if plants.empty:
            return 0.0
        units = plants["unit_mw"].fillna(plants["capacity_mw"])
        return float(units.max())

    def plant_reserve(self) -> pd.DataFrame:
        """How each operating plant holds reserve: `kind` is `none`, `quick` (starts within
        the response time: all unused capacity counts) or `slow` (only spinning headroom,
        at most output × `spin_ratio`, with `spin_ratio` = (1 − m) / m for its minimum
        stable share m). A slow plant that states no stable share holds none."""
        plants = self.operating_plants
        provides = plants["provides_reserve"].astype(bool).to_numpy()
        start = _optional(plants, "start_minutes").fillna(0.0).to_numpy(float)
        stable = _optional(plants, "min_stable_share").fillna(0.0).to_numpy(float)
        slow = start > self.info.reserve.response_minutes
        kind = np.where(~provides, "none", np.where(slow, "slow", "quick"))
        kind[provides & slow & ~(stable > 0)] = "none"
        ratio = np.zeros(len(plants))
        spinning = kind == "slow"
        ratio[spinning] = (1.0 - stable[spinning]) / stable[spinning]
        return pd.DataFrame({"kind": kind, "spin_ratio": ratio}, index=plants.index)

    def reserve_regions(self) -> tuple[ReserveRegion, ...]:
        """Every reserve region with its own floors: the declared regions, then each zone in
        no region alone with no requirement; without declared regions, one `system` region
        of every zone under the top-level rule."""
        rule = self.info.reserve
        zones = [str(zone) for zone in self.zones.index]
        if not rule.regions:
            return (
                ReserveRegion(
                    "system", tuple(zones), rule.largest_unit, rule.share_of_demand, rule.min_mw
                ),
            )
        listed = {zone for region in rule.regions for zone in region.zones}
        alone = tuple(ReserveRegion(zone, (zone,)) for zone in zones if zone not in listed)
        return rule.regions + alone

    def reserve_requirement_mw(self) -> pd.DataFrame:
        """Reserve each region must hold, hours × regions (`reserve_regions`), MW."""
        columns = {}
        for region in self.reserve_regions():
            demand = self.demand_mw.reindex(columns=list(region.zones), fill_value=0.0)
            columns[region.name] = region.requirement_mw(
                demand.sum(axis=1).to_numpy(), self.largest_unit_mw(region.zones)
            )
        return pd.DataFrame(columns, index=self.snapshots)

    def reserve_mw(self) -> pd.Series:
        """Reserve requirement per hour, all regions together, MW."""
        total = self.reserve_requirement_mw().sum(axis=1)
        return pd.Series(total.to_numpy(float), index=self.snapshots, name="reserve_mw")

    def subset(self, start: str | pd.Timestamp, end: str | pd.Timestamp) -> Dataset:
        """The same system over the hours in [start, end), for checks on a short window."""
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        if first.tzinfo is None or last.tzinfo is None:
            raise SurplusError(f"a window needs time-zone-aware stamps, got {start} to {end}")
        index = self.snapshots
        mask = (index >= first) & (index < last)
        return replace(self, demand_mw=self.demand_mw[mask], availability=self.availability[mask])


def _optional(plants: pd.DataFrame, name: str) -> pd.Series:
    """An optional plant column, empty (NaN) where the frame lacks it."""
    if name in plants.columns:
        return plants[name].astype(float)
    return pd.Series(np.nan, index=plants.index)
