"""Headroom on a grid dataset: spare capacity per zone and hour comes from the dispatch, in
either of its two kinds: `physical` (what plants and corridors could add) or `at_cost` (the
part made at a marginal cost within the dataset's cost cap)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from surplus.headroom.assess import DEFAULT_BUDGETS, assess_headroom
from surplus.headroom.results import HeadroomTable
from surplus.headroom.solve import rate_curve
from surplus.headroom.timeline import HourCalendar, hour_calendar

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult

SpareKind = Literal["physical", "at_cost"]
KINDS: tuple[SpareKind, ...] = ("physical", "at_cost")


def spare_of(result: DispatchResult, kind: SpareKind = "physical") -> pd.DataFrame:
    """The dispatch's spare MW of one kind, hours × zones."""
    spare = result.spare()
    if kind == "physical":
        return spare.physical
    if kind == "at_cost":
        return spare.at_cost
    raise ValueError(f"spare capacity is 'physical' or 'at_cost', not {kind!r}")


def zone_headroom(
    result: DispatchResult,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    kind: SpareKind = "physical",
) -> HeadroomTable:
    """Headroom of every zone, from the dispatch's spare MW of `kind`; years and clocks are
    local."""
    return assess_headroom(spare_of(result, kind), budgets, result.timezone, result.timezone)


def grid_calendar(index: pd.Index, timezone: str, columns: int) -> HourCalendar:
    """Calendar of a dispatch run: one local clock for every column, local years."""
    return hour_calendar(pd.DatetimeIndex(index), [timezone] * columns, timezone)


def zone_rate_curves(
    result: DispatchResult, max_load_mw: float, points: int = 81, kind: SpareKind = "physical"
) -> pd.DataFrame:
    """Curtailment rate of a constant load in each zone, loads (MW) × zones."""
    spare = spare_of(result, kind).sort_index()
    calendar = grid_calendar(spare.index, result.timezone, spare.shape[1])
    loads = np.linspace(0.0, max_load_mw, points)
    rates = rate_curve(spare.to_numpy(dtype=float), calendar, loads)
    frame = pd.DataFrame(rates, index=pd.Index(loads, name="load_mw"), columns=spare.columns)
    return frame
