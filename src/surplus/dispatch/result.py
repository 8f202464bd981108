"""What a dispatch run hands forward: hourly tables on the dataset's UTC hours, and summaries."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DispatchSummary:
    """Year totals. Energy in MWh, money in the dataset currency."""

    objective_pkr: float
    generation_cost_pkr: float
    unserved_energy_mwh: float
    unserved_energy_mwh_by_zone: pd.Series
    flexible_served_mwh: pd.Series
    spare_energy_mwh_by_zone_month: pd.DataFrame
    """Local calendar month × zone: the sum of each hour's spare MW (hours are one hour)."""


@dataclass(frozen=True)
class SpareCapacity:
    """Spare capacity per zone-hour (hours × zones, MW), in two kinds: `physical`, what the
    plants and corridors could add; `at_cost`, the part of it made by plants whose variable
    cost is at or below `cost_cap_pkr_per_mwh` (inf: no cap, so the two are equal)."""

    physical: pd.DataFrame
    at_cost: pd.DataFrame
    cost_cap_pkr_per_mwh: float


@dataclass(frozen=True)
class DispatchResult:
    """Hourly economic dispatch of a dataset.

    Frames are hours (UTC `timestamp` index) × names. Signs: generation, demand, unserved,
    spilled and spare are positive MW; a corridor's flow is positive from `from_zone` to
    `to_zone`. `price_pkr_per_mwh` is the cost of serving one more MWh in that zone and hour
    (the dual of the zone's balance), so it can reach the value of lost load when load is
    shed, or fall below zero where must-run output is spilled. `spare_mw` is how much more
    load that zone alone could take that hour, everything else as dispatched, and
    `spare_at_cost_mw` the part of it made at a marginal cost within the cost cap (see
    docs/dispatch.md). `reserve_mw` is the requirement; `reserve_held_mw` what was held.

    Spare capacity is measured by `measure_spare`, at most once: a dispatch without flexible
    loads measures it while the solver works, one with them only when it is first read (most
    callers of such a dispatch want what the loads were served, not what is left after them).
    """

    price_pkr_per_mwh: pd.DataFrame
    unserved_mw: pd.DataFrame
    generation_mw: pd.DataFrame
    flow_mw: pd.DataFrame
    congested: pd.DataFrame
    reserve_mw: pd.Series
    flexible_served_mw: pd.DataFrame
    objective_pkr: float
    reserve_held_mw: pd.Series
    """Reserve held by the plants, all regions together (before any is carried)."""
    reserve_shortfall_mw: pd.Series
    capacity_mw: pd.Series
    """Capacity of each dispatched (operating) plant."""
    variable_cost_pkr_per_mwh: pd.Series
    timezone: str
    cost_cap_pkr_per_mwh: float
    spill_mw: pd.DataFrame
    """Must-run output spilled, hours × zones."""
    region_reserve_mw: pd.DataFrame
    """Requirement, hours × reserve regions (`Dataset.reserve_regions`)."""
    region_reserve_shortfall_mw: pd.DataFrame
    reserve_transfer_mw: pd.DataFrame
    """Reserve counted across each corridor between two regions, hours × those corridors,
    positive from `from_zone`: room the corridor keeps free to deliver it."""
    events: pd.DataFrame
    """Penalised zone- and region-hours with their cause (`surplus.dispatch.diagnosis`)."""
    measure_spare: Callable[[], tuple[pd.DataFrame, pd.DataFrame]] = field(
        repr=False, compare=False
    )
    """Physical and at-cost spare MW, hours × zones."""

    @functools.cached_property
    def _spare_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.measure_spare()

    @property
    def spare_mw(self) -> pd.DataFrame:
        return self._spare_frames[0]

    @property
    def spare_at_cost_mw(self) -> pd.DataFrame:
        return self._spare_frames[1]

    def spare(self) -> SpareCapacity:
        """Spare capacity in its two kinds, for the headroom and allocation stages."""
        return SpareCapacity(self.spare_mw, self.spare_at_cost_mw, self.cost_cap_pkr_per_mwh)

    @property
    def generation_cost_pkr(self) -> float:
        """Variable cost of all generation over the hours, without unserved energy."""
        energy = self.generation_mw.sum(axis=0)
        return float((energy * self.variable_cost_pkr_per_mwh).sum())

    def utilisation(self) -> pd.Series:
        """Generation ÷ (capacity × hours) per plant over the whole run; NaN at zero capacity."""
        possible = self.capacity_mw * len(self.generation_mw)
        return (self.generation_mw.sum(axis=0) / possible.replace(0.0, np.nan)).rename(
            "utilisation"
        )

    def utilisation_by_month(self) -> pd.DataFrame:
        """Local calendar month × plant, as `utilisation` but per month."""
        months = self.generation_mw.index.tz_convert(self.timezone).month
        grouped = self.generation_mw.groupby(months)
        possible = grouped.size().to_numpy()[:, None] * self.capacity_mw.to_numpy()[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            values = grouped.sum().to_numpy() / np.where(possible > 0, possible, np.nan)
        frame = pd.DataFrame(values, index=grouped.size().index, columns=self.generation_mw.columns)
        frame.index.name = "month"
        return frame

    def summary(self) -> DispatchSummary:
        months = self.spare_mw.index.tz_convert(self.timezone).month
        spare = self.spare_mw.groupby(months).sum()
        spare.index.name = "month"
        unserved = self.unserved_mw.sum(axis=0).rename("unserved_energy_mwh")
        return DispatchSummary(
            objective_pkr=self.objective_pkr,
            generation_cost_pkr=self.generation_cost_pkr,
            unserved_energy_mwh=float(unserved.sum()),
            unserved_energy_mwh_by_zone=unserved,
            flexible_served_mwh=self.flexible_served_mw.sum(axis=0).rename("served_mwh"),
            spare_energy_mwh_by_zone_month=spare,
        )
