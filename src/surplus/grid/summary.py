"""Readable summaries of a dataset: capacity by fuel and zone, demand by month."""

from __future__ import annotations

import pandas as pd

from surplus.grid.model import Dataset


def capacity_by_fuel_and_zone(dataset: Dataset) -> pd.DataFrame:
    """Operating capacity, MW: zones × fuels, with totals."""
    plants = dataset.operating_plants
    table = plants.pivot_table(
        index="zone", columns="fuel", values="capacity_mw", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(dataset.zones.index, fill_value=0.0)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    return table.rename_axis(index="zone", columns=None)


def capacity_by_status(dataset: Dataset) -> pd.DataFrame:
    """Installed MW and plant count by status, so planned and retired plants stay visible."""
    grouped = dataset.plants.groupby("status")["capacity_mw"]
    return pd.DataFrame({"plants": grouped.size(), "capacity_mw": grouped.sum()})


def demand_by_month(dataset: Dataset) -> pd.DataFrame:
    """System demand per local month: energy, mean, peak and minimum."""
    total = dataset.demand_mw.sum(axis=1)
    local = total.tz_convert(dataset.info.timezone)
    grouped = local.groupby(local.index.month)
    table = pd.DataFrame(
        {
            "energy_gwh": grouped.sum() / 1000.0,
            "mean_mw": grouped.mean(),
            "peak_mw": grouped.max(),
            "min_mw": grouped.min(),
        }
    )
    table.index.name = "month"
    table.loc["year"] = [total.sum() / 1000.0, total.mean(), total.max(), total.min()]
    return table
