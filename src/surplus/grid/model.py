"""The in-memory grid dataset: plain frames with the catalogue's columns, and its metadata."""

from __future__ import annotations

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


@dataclass(frozen=True)
class ReserveRule:
    """System reserve held back every hour: the largest of three floors."""

    largest_unit: bool = True
    share_of_demand: float = 0.0
    min_mw: float = 0.0

    def requirement_mw(self, total_demand_mw: np.ndarray, largest_unit_mw: float) -> np.ndarray:
        """Reserve per hour, MW.

        >>> ReserveRule(True, 0.05).requirement_mw(np.array([10_000.0, 30_000.0]), 1_100.0)
        array([1100., 1500.])
        """
        floor_mw = max(self.min_mw, largest_unit_mw if self.largest_unit else 0.0)
        return np.maximum(floor_mw, self.share_of_demand * np.asarray(total_demand_mw, float))


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

    def largest_unit_mw(self) -> float:
        plants = self.operating_plants
        if plants.empty:
            return 0.0
        units = plants["unit_mw"].fillna(plants["capacity_mw"])
        return float(units.max())

    def reserve_mw(self) -> pd.Series:
        """System reserve requirement per hour, MW."""
        total = self.demand_mw.sum(axis=1).to_numpy()
        values = self.info.reserve.requirement_mw(total, self.largest_unit_mw())
        return pd.Series(values, index=self.snapshots, name="reserve_mw")

    def subset(self, start: str | pd.Timestamp, end: str | pd.Timestamp) -> Dataset:
        """The same system over the hours in [start, end), for checks on a short window."""
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        if first.tzinfo is None or last.tzinfo is None:
            raise SurplusError(f"a window needs time-zone-aware stamps, got {start} to {end}")
        index = self.snapshots
        mask = (index >= first) & (index < last)
        return replace(self, demand_mw=self.demand_mw[mask], availability=self.availability[mask])
