"""Plain tables of an assessment: surplus by zone and season, thresholds, named plants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surplus.grid.model import Dataset
from surplus.headroom.sites import NAMED_PLANTS, SEASONS

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult

SEASON_OF_MONTH = {month: label.split()[0] for label, months in SEASONS for month in months}
"""Meteorological seasons of the northern hemisphere, by local month."""
SEASON_ORDER = [label.split()[0] for label, _ in SEASONS]
SPARE_THRESHOLDS_MW = (500, 1000, 2000)
EVENTS_LISTED = 500
"""summary.json lists at most this many penalised zone-hours (the first ones); the counts
cover them all."""


@dataclass(frozen=True)
class Assessment:
    """What `surplus assess` reports, as tables with units in their names."""

    dataset: Dataset
    result: DispatchResult
    totals: pd.Series
    spare_by_zone_season_gwh: pd.DataFrame
    spare_by_zone_month_gwh: pd.DataFrame
    hours_above_threshold: pd.DataFrame
    utilisation_by_plant: pd.DataFrame
    utilisation_by_fuel: pd.DataFrame
    named_plants: pd.DataFrame
    corridor_congestion: pd.DataFrame
    spare_at_cost_by_zone_season_gwh: pd.DataFrame | None = None
    """As `spare_by_zone_season_gwh`, counting only energy within the cost cap."""

    def to_json(self) -> dict[str, object]:
        """The summary as plain JSON values (used for summary.json)."""
        info = self.dataset.info
        return {
            "dataset": {
                "name": info.name,
                "year": info.year,
                "timezone": info.timezone,
                "currency": info.currency,
                "path": info.path,
            },
            "totals": {k: _plain(v) for k, v in self.totals.items()},
            "spare_energy_gwh_by_zone_and_season": _nested(self.spare_by_zone_season_gwh),
            "spare_energy_gwh_by_zone_and_month": _nested(self.spare_by_zone_month_gwh),
            "hours_per_year_with_spare_at_least_mw": _nested(self.hours_above_threshold),
            "utilisation_by_fuel": _nested(self.utilisation_by_fuel),
            "named_plants": _nested(self.named_plants),
            "corridor_congestion": _nested(self.corridor_congestion),
            "spare_energy_at_cost_gwh_by_zone_and_season": _nested(
                self.spare_at_cost_by_zone_season_gwh
                if self.spare_at_cost_by_zone_season_gwh is not None
                else pd.DataFrame()
            ),
            "cost_cap_pkr_per_mwh": self.result.cost_cap_pkr_per_mwh,
            "penalised_hours": _records(penalised_summary(self.result).reset_index()),
            "penalised_zone_hours": {
                "count": len(self.result.events),
                "listed": _records(self.result.events.head(EVENTS_LISTED)),
            },
        }


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _nested(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
    return {
        str(row): {str(col): _plain(v) for col, v in values.items()}
        for row, values in frame.to_dict(orient="index").items()
    }


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {
            str(k): v.isoformat() if isinstance(v, pd.Timestamp) else _plain(v)
            for k, v in row.items()
        }
        for row in frame.to_dict(orient="records")
    ]


def penalised_summary(result: DispatchResult) -> pd.DataFrame:
    """Penalised hours by kind (`unserved`, `spill`, `reserve_shortfall`, the index) and
    place (`where`): how many hours, how much energy, the first hour and the most frequent
    cause."""
    events = result.events
    columns = ["where", "hours", "mwh", "first_hour_utc", "cause"]
    if events.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="kind"))
    grouped = events.groupby(["kind", "where"], sort=True)
    table = pd.DataFrame(
        {
            "hours": grouped.size(),
            "mwh": grouped["mw"].sum(),
            "first_hour_utc": grouped["timestamp"].min().map(lambda t: f"{t:%Y-%m-%d %H:%M}"),
            "cause": grouped["cause"].agg(lambda causes: causes.mode().iloc[0]),
        }
    )
    return table.reset_index(level="where")[columns]


def _local_month(dataset: Dataset) -> np.ndarray:
    return np.asarray(dataset.local_snapshots.month)


def utilisation(dataset: Dataset, result: DispatchResult) -> pd.DataFrame:
    """Each operating plant's capacity factor over the year and by local month (`m01`…)."""
    plants = dataset.operating_plants
    by_month = result.utilisation_by_month()[plants.index].T
    by_month.columns = [f"m{m:02d}" for m in by_month.columns]
    table = pd.DataFrame(
        {
            "name": plants["name"],
            "zone": plants["zone"],
            "fuel": plants["fuel"],
            "capacity_mw": plants["capacity_mw"],
            "energy_gwh": result.generation_mw[plants.index].sum() / 1000.0,
            "utilisation": result.utilisation()[plants.index],
        }
    )
    return table.join(by_month)


def summarise(dataset: Dataset, result: DispatchResult) -> Assessment:
    """Every table of the assessment from one dispatch."""
    spare = result.spare_mw
    month = _local_month(dataset)
    season = np.array([SEASON_OF_MONTH[m] for m in month])
    by_season = (spare.groupby(season).sum() / 1000.0).T.reindex(columns=SEASON_ORDER)
    by_season["year"] = by_season.sum(axis=1)
    by_month = (spare.groupby(month).sum() / 1000.0).T
    by_month.columns = [f"m{m:02d}" for m in by_month.columns]
    thresholds = pd.DataFrame(
        {f">={mw}": (spare >= mw).sum() for mw in SPARE_THRESHOLDS_MW}
    ).astype(int)
    plants = utilisation(dataset, result)
    fuel = plants.groupby("fuel")[["capacity_mw", "energy_gwh"]].sum()
    fuel["utilisation"] = fuel["energy_gwh"] * 1000.0 / (fuel["capacity_mw"] * len(spare))
    named = plants.loc[[p for p in NAMED_PLANTS if p in plants.index]]
    congestion = pd.DataFrame(
        {
            "hours_congested": result.congested.sum().astype(int),
            "share_congested": result.congested.mean(),
            "mean_abs_flow_mw": result.flow_mw.abs().mean(),
            "capacity_mw": dataset.corridors["capacity_mw"],
        }
    )
    hours = len(spare)
    at_cost = (result.spare_at_cost_mw.groupby(season).sum() / 1000.0).T
    at_cost = at_cost.reindex(columns=SEASON_ORDER)
    at_cost["year"] = at_cost.sum(axis=1)
    totals = pd.Series(
        {
            "hours": hours,
            "demand_gwh": float(dataset.demand_mw.to_numpy().sum()) / 1000.0,
            "generation_gwh": float(result.generation_mw.to_numpy().sum()) / 1000.0,
            "unserved_gwh": float(result.unserved_mw.to_numpy().sum()) / 1000.0,
            "hours_with_unserved": int((result.unserved_mw.sum(axis=1) > 1e-6).sum()),
            "spilled_gwh": float(result.spill_mw.to_numpy().sum()) / 1000.0,
            "hours_with_spill": int((result.spill_mw.sum(axis=1) > 1e-6).sum()),
            "hours_with_reserve_shortfall": int((result.reserve_shortfall_mw > 1e-6).sum()),
            "total_cost_pkr": float(result.objective_pkr),
            "largest_zone_spare_energy_gwh": float(by_season["year"].max()),
        }
    )
    return Assessment(
        dataset,
        result,
        totals,
        by_season,
        by_month,
        thresholds,
        plants,
        fuel,
        named,
        congestion,
        at_cost,
    )
