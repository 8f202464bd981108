"""New flexible loads: demand that is served only when the grid can spare the energy."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class FlexibleLoad:
    """A new load that the dispatch may curtail, hour by hour, at `value_pkr_per_mwh`.

    `load_mw` is the most it would take: one figure for every hour, or a Series on the
    dataset's hours. `value_pkr_per_mwh` is what serving a MWh is worth; `None` picks a value
    just above the dearest plant's variable cost and well below the value of lost load, so
    the load takes any energy a plant can make but is curtailed before an existing consumer
    is shed or the reserve is touched. A value at or above the value of lost load is refused.

    >>> FlexibleLoad("miners", "north", 100.0).value_pkr_per_mwh is None
    True
    """

    name: str
    zone: str
    load_mw: float | pd.Series
    value_pkr_per_mwh: float | None = None


DEFAULT_VALUE_SHARE = 0.01
"""Where the default value sits between the dearest plant's cost (0) and the value of lost
load (1): close to the plants, so a zone's price reads as an energy price when a flexible
load is at the margin."""


def default_value_pkr_per_mwh(max_plant_cost_pkr_per_mwh: float, voll_pkr_per_mwh: float) -> float:
    """The value given to a flexible load that names none.

    >>> default_value_pkr_per_mwh(40_000.0, 240_000.0)
    42000.0
    """
    gap = voll_pkr_per_mwh - max_plant_cost_pkr_per_mwh
    return max_plant_cost_pkr_per_mwh + DEFAULT_VALUE_SHARE * gap
