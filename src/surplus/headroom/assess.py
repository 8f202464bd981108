"""Headroom of every column of a spare-capacity history at every budget."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from surplus.headroom.curtailment import curtailed_mw, curtailment_stats
from surplus.headroom.results import Headroom, HeadroomTable
from surplus.headroom.solve import check_budgets, solve_headroom_mw
from surplus.headroom.timeline import HeadroomError, check_hourly_index, hour_calendar

DEFAULT_BUDGETS = (0.0, 0.0025, 0.005, 0.01, 0.05)
"""Firm, then 0.25 %, 0.5 %, 1 % and 5 % of the new load's energy curtailed."""


def timezone_per_column(
    columns: Sequence[str], timezones: Mapping[str, str] | str, default: str = "UTC"
) -> list[str]:
    if isinstance(timezones, str):
        return [timezones] * len(columns)
    return [timezones.get(column, default) for column in columns]


def sorted_history(frame: pd.DataFrame) -> pd.DataFrame:
    """The history in time order with string column names, checked hourly and finite."""
    if frame.columns.has_duplicates:
        raise HeadroomError("region names must be unique")
    ordered = frame.sort_index()
    check_hourly_index(ordered.index)
    if ordered.empty:
        raise HeadroomError("the history has no hours")
    if not np.isfinite(ordered.to_numpy(dtype=float)).all():
        raise HeadroomError("every hour needs a finite value")
    return ordered


def assess_headroom(
    spare_mw: pd.DataFrame,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    timezones: Mapping[str, str] | str = "UTC",
    year_timezone: str | None = None,
) -> HeadroomTable:
    """Curtailment-enabled headroom of each column of `spare_mw` (hours × regions, MW).

    `timezones` gives each region's local zone (for months and hours of day); years are
    counted in `year_timezone`, by default the index's own zone. Rows may come in any order.
    """
    values = check_budgets(budgets)
    spare = sorted_history(spare_mw)
    regions = tuple(str(column) for column in spare.columns)
    zones = timezone_per_column(regions, timezones)
    calendar = hour_calendar(pd.DatetimeIndex(spare.index), zones, year_timezone)
    matrix = spare.to_numpy(dtype=float)
    headroom = solve_headroom_mw(matrix, calendar, values)
    items = []
    for i, budget in enumerate(values):
        stats = curtailment_stats(curtailed_mw(matrix, headroom[i]), headroom[i], calendar)
        for j, region in enumerate(regions):
            items.append(Headroom(region, budget, float(headroom[i, j]), stats[j]))
    items.sort(key=lambda item: (regions.index(item.region), values.index(item.budget)))
    return HeadroomTable(regions=regions, budgets=values, items=tuple(items))
