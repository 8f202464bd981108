"""What the allocator needs to know about the grid, as one plain value built from a dispatch.

`GridCapacity` holds, per zone and hour, the physical spare MW a new flexible load could
take (each zone alone, everything else as dispatched), the zone's marginal cost, and the
spare *at a cost cap*: the MW servable from plants whose variable cost is within the cap
(`surplus.dispatch.SpareCapacity`); the zone catalogue (names, places) and the sites an
application may name (every zone, and every plant standing for its zone). It is built by
`grid_capacity` from the public `DispatchResult`; nothing here reaches into the dispatch or
headroom internals.

**At a cost cap.** A load on a fixed tariff may only draw while serving it costs no more
than its tariff covers (`surplus.allocation.rules`). The dispatch measures the spare at its
dataset's cost cap; `at_cost_spares` measures it at any other cap a tariff rule needs (one
more dispatch per cap). An hour is priced out for a rule where the spare at its cap is
empty. Only a grid built without a measurement for a cap (a hand-made one in a test) falls
back on the zone's marginal cost without the new loads: priced out where it exceeds the cap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surplus.headroom.solve import hour_weights
from surplus.headroom.timeline import HourCalendar, hour_calendar

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult, SpareCapacity
    from surplus.economics.subsidy import ServingCost
    from surplus.grid.model import Dataset

AT_COST_EMPTY_MW = 1e-6
"""An at-cost series with no more than this in an hour prices the hour out."""
CAP_TOLERANCE_PKR_PER_MWH = 1e-6
"""Two cost caps this close are the same cap (one is computed, the other read)."""


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

    def at_cost_mw(self, cost_cap_pkr_per_mwh: float) -> np.ndarray | None:
        """The measured spare at this cost cap, hours × zones (None where not measured)."""
        for cap, series in self.at_cost_spare_mw.items():
            if abs(cap - cost_cap_pkr_per_mwh) <= CAP_TOLERANCE_PKR_PER_MWH:
                return np.asarray(series)
        return None

    def priced_out(self, cost_cap_pkr_per_mwh: float | None) -> np.ndarray:
        """Hours × zones where a load with this cost cap may not draw (never for None): where
        the spare at that cap is empty, or, where it was not measured, where the zone's
        marginal cost without the new loads exceeds the cap."""
        if cost_cap_pkr_per_mwh is None:
            return np.zeros(self.spare_mw.shape, dtype=bool)
        measured = self.at_cost_mw(cost_cap_pkr_per_mwh)
        if measured is not None:
            return measured <= AT_COST_EMPTY_MW
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
    spares: Iterable[SpareCapacity] = (),
) -> GridCapacity:
    """The allocator's view of a dispatch of `dataset` without the new loads.

    The physical spare and the spare at the dispatch's own cost cap come from
    `result.spare()`; `spares` adds the spare at other caps (`at_cost_spares`), each an
    at-cost series keyed by its cap.
    """
    measured = result.spare()
    spare = measured.physical.sort_index()
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
    at_cost = {
        float(s.cost_cap_pkr_per_mwh): np.maximum(
            s.at_cost.sort_index().reindex(index=spare.index, columns=spare.columns).to_numpy(),
            0.0,
        )
        for s in (measured, *spares)
        if np.isfinite(s.cost_cap_pkr_per_mwh)
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
        at_cost_spare_mw=at_cost,
        dataset=dataset.info.name
        if str(dataset.info.year) in dataset.info.name
        else f"{dataset.info.name} {dataset.info.year}",
    )


def at_cost_spares(
    dataset: Dataset,
    result: DispatchResult,
    caps: Iterable[float | None],
    run: Callable[..., DispatchResult] | None = None,
) -> tuple[SpareCapacity, ...]:
    """The spare at each cost cap in `caps` that `result` was not measured at: a dispatch of
    the same dataset with that cap (the dispatch is the same; only the spare measured
    differs). None and infinite caps need nothing. `run` is the dispatch function."""
    from surplus.dispatch import dispatch

    run = run or dispatch
    done = [result.cost_cap_pkr_per_mwh]
    out = []
    for cap in sorted({float(c) for c in caps if c is not None and np.isfinite(c)}):
        if any(abs(cap - d) <= CAP_TOLERANCE_PKR_PER_MWH for d in done):
            continue
        out.append(run(dataset, cost_cap_pkr_per_mwh=cap).spare())
        done.append(cap)
    return tuple(out)


def caps_of(
    rule_names: Iterable[str], serving: ServingCost | None = None
) -> tuple[float | None, ...]:
    """The cost caps the named tariff rules require (None for a rule without one)."""
    from surplus.allocation.rules import tariff_rules

    rules = tariff_rules(serving)
    return tuple(rules[name].cost_cap_pkr_per_mwh for name in rule_names)
