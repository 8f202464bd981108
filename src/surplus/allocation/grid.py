"""What the allocator needs to know about the grid, as one plain value built from a dispatch.

`GridCapacity` holds, per zone and hour, the physical spare MW a new flexible load could
take (each zone alone, everything else as dispatched) and the zone's marginal cost; the
zone catalogue (names, places) and the sites an application may name (every zone, and every
plant standing for its zone). It is built by `grid_capacity` from today's public
`DispatchResult`; nothing here reaches into the dispatch or headroom internals.

**At a cost cap.** A load on a fixed tariff may only draw while serving it costs no more
than its tariff covers (`surplus.allocation.rules`). Until the dispatch publishes "surplus at
a cost" (the MW servable at marginal cost ≤ a cap), the adapter derives it here from the
zone's marginal cost *without* the new loads: in an hour whose price exceeds the cap the
at-cost availability is 0 (the load is curtailed on price), otherwise it is the physical
spare. A published series plugs in through `at_cost_spare_mw` (cap → hours × zones MW):
an hour is then priced out where that series has no MW left within the cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surplus.headroom.solve import hour_weights
from surplus.headroom.timeline import HourCalendar, hour_calendar

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset

AT_COST_EMPTY_MW = 1e-6
"""A plugged at-cost series with no more than this in an hour prices the hour out."""


@dataclass(frozen=True, eq=False)
class GridCapacity:
    """Spare capacity and marginal cost per zone and hour, and where loads may connect.

    Arrays are hours × zones in the order of `zones`, hours sorted (UTC). `spare_mw` is
    clipped at zero. `sites` maps every site an application may name to its zone.
    """

    hours: pd.DatetimeIndex
    timezone: str
    zones: tuple[str, ...]
    spare_mw: np.ndarray
    price_pkr_per_mwh: np.ndarray
    sites: Mapping[str, str]
    zone_labels: Mapping[str, str] = field(default_factory=dict)
    zone_lat_lon: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    at_cost_spare_mw: Mapping[float, np.ndarray] = field(default_factory=dict)
    dataset: str = ""

    def __post_init__(self) -> None:
        shape = (len(self.hours), len(self.zones))
        for name in ("spare_mw", "price_pkr_per_mwh"):
            if np.shape(getattr(self, name)) != shape:
                raise ValueError(f"{name} must be hours × zones {shape}")
        for cap, series in self.at_cost_spare_mw.items():
            if np.shape(series) != shape:
                raise ValueError(f"at-cost spare for cap {cap} must be hours × zones {shape}")

    @cached_property
    def calendar(self) -> HourCalendar:
        """Local months and hours of day, local years (one column per zone)."""
        return hour_calendar(self.hours, [self.timezone] * len(self.zones), self.timezone)

    @cached_property
    def weights(self) -> np.ndarray:
        """Each hour's weight in a yearly rate: 1 / (hours in its year × years)."""
        return hour_weights(hour_calendar(self.hours, [self.timezone], self.timezone))

    def zone_index(self, zone: str) -> int:
        return self.zones.index(zone)

    def firm_headroom_mw(self) -> np.ndarray:
        """Per zone: the smallest spare over the hours (a load never curtailed)."""
        return np.maximum(self.spare_mw.min(axis=0), 0.0)

    def priced_out(self, cost_cap_pkr_per_mwh: float | None) -> np.ndarray:
        """Hours × zones where a load with this cost cap may not draw (never for None)."""
        if cost_cap_pkr_per_mwh is None:
            return np.zeros(self.spare_mw.shape, dtype=bool)
        plugged = self.at_cost_spare_mw.get(cost_cap_pkr_per_mwh)
        if plugged is not None:
            return np.asarray(plugged) <= AT_COST_EMPTY_MW
        return self.price_pkr_per_mwh > cost_cap_pkr_per_mwh + 1e-9

    def priced_out_share(self, cost_cap_pkr_per_mwh: float | None) -> np.ndarray:
        """Per zone: the share of a year's energy lost to price curtailment (a rate)."""
        cache = self.__dict__.setdefault("_priced_out_share", {})
        if cost_cap_pkr_per_mwh not in cache:
            cache[cost_cap_pkr_per_mwh] = self.weights @ self.priced_out(
                cost_cap_pkr_per_mwh
            ).astype(float)
        return np.asarray(cache[cost_cap_pkr_per_mwh])

    def with_spare(self, spare_mw: np.ndarray) -> GridCapacity:
        """The same grid with other spare capacity (cached figures are not carried over)."""
        return replace(self, spare_mw=np.maximum(np.asarray(spare_mw, dtype=float), 0.0))


def known_sites(dataset: Dataset) -> dict[str, str]:
    """Every site an application may name: each zone, and each operating plant (its zone)."""
    sites = {str(zone): str(zone) for zone in dataset.zones.index}
    for plant, zone in dataset.operating_plants["zone"].items():
        if str(zone) in sites:
            sites.setdefault(str(plant), str(zone))
    return sites


def grid_capacity(
    dataset: Dataset,
    result: DispatchResult,
    at_cost_spare_mw: Mapping[float, pd.DataFrame] | None = None,
) -> GridCapacity:
    """The allocator's view of a dispatch of `dataset` without the new loads.

    `at_cost_spare_mw` (cost cap in PKR/MWh → hours × zones frame) plugs in the dispatch's
    "surplus at a cost" where it exists; left out, the adapter derives price curtailment
    from `result.price_pkr_per_mwh` (see the module's docstring).
    """
    spare = result.spare_mw.sort_index()
    zones = tuple(str(z) for z in spare.columns)
    price = result.price_pkr_per_mwh.sort_index().reindex(index=spare.index, columns=spare.columns)
    sites = {site: zone for site, zone in known_sites(dataset).items() if zone in zones}
    table = dataset.zones
    labels = {z: str(table.loc[z, "name"]) for z in zones if "name" in table and z in table.index}
    places = {
        z: (float(table.loc[z, "lat"]), float(table.loc[z, "lon"]))
        for z in zones
        if {"lat", "lon"} <= set(table.columns) and z in table.index
    }
    plugged = {
        float(cap): frame.sort_index().reindex(index=spare.index, columns=spare.columns).to_numpy()
        for cap, frame in (at_cost_spare_mw or {}).items()
    }
    return GridCapacity(
        hours=pd.DatetimeIndex(spare.index),
        timezone=result.timezone,
        zones=zones,
        spare_mw=np.maximum(spare.to_numpy(dtype=float), 0.0),
        price_pkr_per_mwh=price.to_numpy(dtype=float),
        sites=sites,
        zone_labels=labels,
        zone_lat_lon=places,
        at_cost_spare_mw=plugged,
        dataset=dataset.info.name
        if str(dataset.info.year) in dataset.info.name
        else f"{dataset.info.name} {dataset.info.year}",
    )
