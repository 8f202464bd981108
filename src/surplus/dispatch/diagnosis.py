"""Penalised hours in plain words: where and when load was shed, must-run output spilled or
reserve fell short, and why.

Every limit of the programme has a priced slack, so no dataset makes it infeasible; what
would have been an infeasible hour shows up here instead, with its zone (or reserve
region), its hour and its cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surplus.dispatch.solve import Solution
from surplus.dispatch.system import QUICK, System

EVENT_TOLERANCE_MW = 1e-6
"""Slack below this is solver noise, not an event."""
LIMIT_TOLERANCE_MW = 1e-3
"""A corridor or energy limit within this of its value counts as reached."""

COLUMNS = ["timestamp", "kind", "where", "mw", "cause"]


def spill_by_zone_mw(system: System, solution: Solution) -> np.ndarray:
    """Must-run output not produced (spilled), hours × zones."""
    floor = system.unit_min_mw[solution.hours]
    spilled = np.maximum(floor - solution.unit_mw, 0.0)
    by_zone = np.zeros((len(system.unit_cost), len(system.zones)))
    by_zone[np.arange(len(system.unit_cost)), system.unit_zone] = 1.0
    return spilled @ by_zone


def diagnose(system: System, solution: Solution) -> pd.DataFrame:
    """One row per penalised zone-hour or region-hour: `kind` is `unserved`, `spill` or
    `reserve_shortfall`; `where` the zone or region; `mw` the slack; `cause` a sentence."""
    rows: list[tuple[pd.Timestamp, str, str, float, str]] = []
    at_max, at_min = _corridors_at_limits(system, solution)
    stamps = system.snapshots[solution.hours]
    unserved = solution.unserved_mw
    for t, z in zip(*np.nonzero(unserved > EVENT_TOLERANCE_MW), strict=True):
        cause = _unserved_cause(system, unserved[t], at_max[t], at_min[t], int(z))
        rows.append((stamps[t], "unserved", str(system.zones[z]), float(unserved[t, z]), cause))
    spill = spill_by_zone_mw(system, solution)
    limits = _energy_limits_reached(system, solution)
    for t, z in zip(*np.nonzero(spill > EVENT_TOLERANCE_MW), strict=True):
        cause = _spill_cause(system, solution, t, int(z), at_max[t], at_min[t], limits)
        rows.append((stamps[t], "spill", str(system.zones[z]), float(spill[t, z]), cause))
    short = solution.shortfall_mw
    for t, k in zip(*np.nonzero(short > EVENT_TOLERANCE_MW), strict=True):
        cause = _shortfall_cause(system, solution, t, int(k), at_max[t], at_min[t])
        rows.append(
            (stamps[t], "reserve_shortfall", str(system.regions[k]), float(short[t, k]), cause)
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["timestamp", "kind", "where"], kind="stable").reset_index(drop=True)


def _corridors_at_limits(system: System, solution: Solution) -> tuple[np.ndarray, np.ndarray]:
    """Hours × corridors: at the forward limit, at the backward limit, counting the room a
    corridor between regions keeps free to deliver reserve."""
    flow = solution.flow_mw.copy()
    reach_max, reach_min = flow.copy(), flow.copy()
    transfer = system.transfer_corridors
    reach_max[:, transfer] += np.maximum(solution.transfer_mw, 0.0)
    reach_min[:, transfer] += np.minimum(solution.transfer_mw, 0.0)
    return (
        reach_max >= system.corridor_max_mw - LIMIT_TOLERANCE_MW,
        reach_min <= system.corridor_min_mw + LIMIT_TOLERANCE_MW,
    )


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _into(system: System, zone: int, at_max: np.ndarray, at_min: np.ndarray) -> tuple[list, list]:
    """Corridors touching `zone`, and those full in the direction into it."""
    touching, full = [], []
    for c in range(len(system.corridors)):
        if system.corridor_to[c] == zone:
            touching.append(c)
            if at_max[c]:
                full.append(c)
        elif system.corridor_from[c] == zone:
            touching.append(c)
            if at_min[c]:
                full.append(c)
    return touching, full


def _out_of(system: System, zone: int, at_max: np.ndarray, at_min: np.ndarray) -> tuple[list, list]:
    """Corridors touching `zone`, and those full in the direction away from it."""
    touching, full = [], []
    for c in range(len(system.corridors)):
        if system.corridor_from[c] == zone:
            touching.append(c)
            if at_max[c]:
                full.append(c)
        elif system.corridor_to[c] == zone:
            touching.append(c)
            if at_min[c]:
                full.append(c)
    return touching, full


def _names(system: System, corridors: list) -> str:
    return _listed([str(system.corridors[c]) for c in corridors])


def _unserved_cause(
    system: System, unserved: np.ndarray, at_max: np.ndarray, at_min: np.ndarray, zone: int
) -> str:
    name = str(system.zones[zone])
    touching, full = _into(system, zone, at_max, at_min)
    own = f"demand in {name} exceeds what its own plants can make beyond the reserve they hold"
    if not touching:
        return own
    if len(full) == len(touching):
        return (
            f"{own}, plus what {_names(system, full)} can bring in at the limit (less any "
            "room kept free to deliver reserve)"
        )
    shedding = [str(system.zones[z]) for z in np.flatnonzero(unserved > EVENT_TOLERANCE_MW)]
    return (
        f"supply is short across {_listed(shedding)}: every plant that can reach {name} is at "
        "its limit or holding the reserve"
    )


def _energy_limits_reached(system: System, solution: Solution) -> dict[str, np.ndarray]:
    """Per unit, local months (1..12) in which its water budget or fuel limit is used up."""
    months = system.hour_month[solution.hours]
    reached: dict[str, np.ndarray] = {
        "budget": np.zeros((13, len(system.unit_cost)), dtype=bool),
        "fuel": np.zeros((13, len(system.unit_cost)), dtype=bool),
    }
    for month in np.unique(months):
        hours = months == month
        used = solution.unit_mw[hours].sum(axis=0)
        for u in np.flatnonzero(system.unit_budget >= 0):
            limit = system.budget_mwh[system.unit_budget[u], month - 1]
            reached["budget"][month, u] = used[u] >= limit - LIMIT_TOLERANCE_MW
        for f in range(len(system.fuel_names)):
            units = system.unit_fuel_limit == f
            limit = system.fuel_limit_mwh[f, month - 1]
            reached["fuel"][month, units] = used[units].sum() >= limit - LIMIT_TOLERANCE_MW
    return reached


def _spill_cause(
    system: System,
    solution: Solution,
    t: int,
    zone: int,
    at_max: np.ndarray,
    at_min: np.ndarray,
    limits: dict[str, np.ndarray],
) -> str:
    name = str(system.zones[zone])
    hour = solution.hours[t]
    floor = system.unit_min_mw[hour]
    spilled = np.flatnonzero(
        (system.unit_zone == zone) & (floor - solution.unit_mw[t] > EVENT_TOLERANCE_MW)
    )
    month = system.hour_month[hour]
    fuels = sorted(
        {
            str(system.fuel_names[system.unit_fuel_limit[u]])
            for u in spilled
            if limits["fuel"][month, u]
        }
    )
    if fuels:
        return f"must-run output in {name} exceeds the month's {_listed(fuels)} fuel limit"
    if any(limits["budget"][month, u] for u in spilled):
        return f"must-run output of reservoir hydro in {name} exceeds its monthly water budget"
    must = float(floor[system.unit_zone == zone].sum())
    demand = float(system.demand_mw[hour, zone])
    head = f"must-run output in {name} ({must:,.0f} MW) exceeds its demand ({demand:,.0f} MW)"
    touching, full = _out_of(system, zone, at_max, at_min)
    if not touching:
        return f"{head}, and no corridor leaves it"
    if len(full) == len(touching):
        return f"{head} plus what {_names(system, full)} can carry away at the limit"
    open_ = [c for c in touching if c not in full]
    text = f"{head} plus what {_names(system, touching)} carry away"
    if full:
        text += f" ({_names(system, full)} at the limit)"
    return (
        f"{text}: the zones beyond {_names(system, open_)} take no more, their demand being "
        "met by it and by plants that must run or are kept running to hold reserve"
    )


def _shortfall_cause(
    system: System, solution: Solution, t: int, region: int, at_max: np.ndarray, at_min: np.ndarray
) -> str:
    name = str(system.regions[region])
    hour = solution.hours[t]
    required = float(system.reserve_mw[hour, region])
    held = required - float(solution.shortfall_mw[t, region])
    zones = np.flatnonzero(system.zone_region == region)
    full = sorted(
        {
            c
            for z in zones
            for c in _into(system, int(z), at_max, at_min)[1]
            if system.zone_region[system.corridor_from[c]] != region
            or system.zone_region[system.corridor_to[c]] != region
        }
    )
    quick = (system.unit_reserve_class == QUICK) & np.isin(system.unit_zone, zones)
    text = (
        f"region {name} can count on {held:,.0f} MW of reserve that responds in time against "
        f"{required:,.0f} MW required ({int(quick.sum())} quick-start units inside it)"
    )
    if full:
        text += f"; {_names(system, list(full))} into it are full"
    return text
