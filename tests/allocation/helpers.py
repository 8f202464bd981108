"""Small grids for allocation tests, and an independent re-dispatch for them.

`zone_dispatch` is a dispatch for a grid whose zones are copper plates with a fixed spare
each hour, optionally behind one system-wide limit: firm loads are served first (all
zones), then flexible loads, zone by zone in name order, each within its zone's spare and
what is left of the system limit. It is written here, independently of the allocator, so
the allocator's verification is checked against a second implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd

from surplus.allocation.grid import GridCapacity
from surplus.dispatch import FlexibleLoad


def tiny_grid(
    spare_mw: np.ndarray,
    zones: Sequence[str],
    price_pkr_per_mwh: np.ndarray | None = None,
    plants: dict[str, str] | None = None,
) -> GridCapacity:
    spare = np.asarray(spare_mw, dtype=float).reshape(-1, len(zones))
    hours = pd.date_range("2025-01-01", periods=spare.shape[0], freq="h", tz="UTC")
    price = (
        np.full(spare.shape, 10_000.0)
        if price_pkr_per_mwh is None
        else np.asarray(price_pkr_per_mwh, dtype=float).reshape(spare.shape)
    )
    sites = {z: z for z in zones} | (plants or {})
    return GridCapacity(
        hours=hours,
        timezone="UTC",
        zones=tuple(zones),
        spare_mw=np.maximum(spare, 0.0),
        price_pkr_per_mwh=price,
        sites=sites,
        zone_labels={z: z.upper() for z in zones},
        zone_lat_lon={z: (30.0 + i, 70.0 + i) for i, z in enumerate(zones)},
        dataset="tiny",
    )


def tiny_dataset() -> SimpleNamespace:
    """What verification reads from a dataset: plant costs and the value of lost load."""
    plants = pd.DataFrame({"variable_cost_pkr_per_mwh": [20_000.0]})
    info = SimpleNamespace(value_of_lost_load_per_mwh=240_000.0, name="tiny", year=2025)
    return SimpleNamespace(operating_plants=plants, info=info)


def zone_dispatch(grid: GridCapacity, system_mw: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    """A dispatch function (dataset, flexible_loads) → object with flexible_served_mw."""

    def run(_dataset: object, flexible_loads: Sequence[FlexibleLoad] = ()) -> SimpleNamespace:
        hours = grid.hours
        left_zone = grid.spare_mw.copy()
        left_system = (
            np.full(len(hours), np.inf)
            if system_mw is None
            else np.asarray(system_mw, float).copy()
        )
        served = {}
        firm_first = sorted(
            flexible_loads,
            key=lambda load: (-(load.value_pkr_per_mwh or 0.0), load.zone, load.name),
        )
        for load in firm_first:
            z = grid.zones.index(load.zone)
            asked = np.asarray(
                load.load_mw.to_numpy()
                if isinstance(load.load_mw, pd.Series)
                else np.full(len(hours), load.load_mw),
                dtype=float,
            )
            got = np.minimum(asked, np.minimum(left_zone[:, z], left_system))
            got = np.maximum(got, 0.0)
            left_zone[:, z] -= got
            left_system -= got
            served[load.name] = got
        return SimpleNamespace(flexible_served_mw=pd.DataFrame(served, index=hours))

    return run
