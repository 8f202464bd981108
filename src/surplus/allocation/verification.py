"""Verification: dispatch the year again with every granted load and measure each one's
curtailment, so no promise rests on the allocator's approximations alone.

Granted loads enter the dispatch as curtailable demand (`surplus.dispatch.FlexibleLoad`),
pooled per zone and class: firm loads, valued just under the dispatch's default so they are
served before any flexible one, and flexible loads per cost cap, valued lower (a load with a
cost cap at its cap, so it is served only with energy made within it) and asking nothing in
the hours their tariff prices them out. Within a zone and hour, the MW served
to flexible loads is shared pro rata to what each asked; identical loads are therefore
treated identically. An application passes when its yearly curtailment for lack of capacity
plus its price curtailment is within the share it offered, its longest capacity event within
the hours it offered, and, if firm, it is never cut for lack of capacity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surplus.allocation.applications import Application
from surplus.allocation.grid import GridCapacity
from surplus.allocation.rules import tariff_rules
from surplus.dispatch.flexible import FlexibleLoad
from surplus.economics.programme import BidValues
from surplus.headroom.curtailment import TOLERANCE_MW, curtailment_stats
from surplus.headroom.results import CurtailmentStats
from surplus.headroom.timeline import hour_calendar

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset

DispatchFn = Callable[..., "DispatchResult"]
RATE_TOLERANCE = 1e-6
"""Curtailment shares may exceed the offer by this much (solver tolerance)."""


@dataclass(frozen=True)
class Grant:
    """One granted load, as the verification dispatch sees it."""

    application: Application
    site: str
    zone: str
    allocated_mw: float


@dataclass(frozen=True)
class Verified:
    """What the verification dispatch found for one grant."""

    grant: Grant
    capacity: CurtailmentStats
    """Curtailment for lack of capacity only."""
    total_share: float
    """Capacity plus price curtailment, as a share of the year's energy at the granted MW."""
    price_hours_per_year: float
    energy_mwh_per_year: float
    passes: bool
    why: str
    """'' when it passes; else what was exceeded."""


@dataclass(frozen=True, eq=False)
class Verification:
    grants: tuple[Verified, ...]
    served_mw: pd.DataFrame
    """Hours × zones: MW served to all granted loads together (for learning)."""
    asked_mw: pd.DataFrame
    """Hours × zones: MW the granted loads asked for."""

    @property
    def passes(self) -> bool:
        return all(v.passes for v in self.grants)

    def failing(self) -> tuple[Verified, ...]:
        return tuple(v for v in self.grants if not v.passes)


def _class_of(application: Application) -> tuple[str, float | None]:
    rule = tariff_rules()[application.tariff_rule]
    if application.firm:
        return "firm", None
    return "flex", rule.cost_cap_pkr_per_mwh


def _value(kind: str, cap: float | None, bids: BidValues) -> float:
    """What the dispatch values a pool at: firm above flexible; a flexible load with a cost
    cap at no more than its cap, so the dispatch serves it only with energy made within the
    cap (the spare at a cost), and finds any hour the cap only partly covers."""
    if kind == "firm":
        return bids.firm_pkr_per_mwh
    if cap is None:
        return bids.flexible_pkr_per_mwh
    return min(cap, bids.flexible_pkr_per_mwh)


def verify(
    dataset: Dataset,
    grid: GridCapacity,
    grants: Sequence[Grant],
    run: DispatchFn,
) -> Verification:
    """Dispatch with every grant and check each against what its applicant offered."""
    hours = grid.hours
    bids = BidValues.for_dataset(
        float(dataset.operating_plants["variable_cost_pkr_per_mwh"].max()),
        dataset.info.value_of_lost_load_per_mwh,
    )
    asks = np.zeros((len(hours), len(grants)))
    pools: dict[tuple[str, str, float | None], list[int]] = {}
    for j, grant in enumerate(grants):
        kind, cap = _class_of(grant.application)
        z = grid.zone_index(grant.zone)
        asks[:, j] = grant.allocated_mw * ~grid.priced_out(cap)[:, z]
        pools.setdefault((grant.zone, kind, cap), []).append(j)
    loads = []
    names = {}
    for (zone, kind, cap), members in sorted(pools.items(), key=lambda kv: str(kv[0])):
        name = f"{zone}:{kind}:{'none' if cap is None else f'{cap:.0f}'}"
        names[(zone, kind, cap)] = name
        asked = pd.Series(asks[:, members].sum(axis=1), index=hours)
        loads.append(FlexibleLoad(name, zone, asked, _value(kind, cap, bids)))
    served_pools = (
        run(dataset, flexible_loads=loads).flexible_served_mw.sort_index().reindex(hours)
        if loads
        else pd.DataFrame(index=hours)
    )
    served = np.zeros_like(asks)
    zones_served = pd.DataFrame(0.0, index=hours, columns=list(grid.zones))
    zones_asked = pd.DataFrame(0.0, index=hours, columns=list(grid.zones))
    for zone in grid.zones:
        keys = [k for k in pools if k[0] == zone]
        for kind in ("firm", "flex"):
            members = [j for k in keys if k[1] == kind for j in pools[k]]
            if not members:
                continue
            got = sum(served_pools[names[k]].to_numpy(dtype=float) for k in keys if k[1] == kind)
            asked = asks[:, members].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(asked > 0, np.clip(got / asked, 0.0, 1.0), 1.0)
            served[:, members] = asks[:, members] * ratio[:, None]
            zones_served[zone] += np.minimum(got, asked)
            zones_asked[zone] += asked
    results = _judge(grid, grants, asks, served)
    return Verification(results, zones_served, zones_asked)


def _judge(
    grid: GridCapacity, grants: Sequence[Grant], asks: np.ndarray, served: np.ndarray
) -> tuple[Verified, ...]:
    if not grants:
        return ()
    loads = np.array([g.allocated_mw for g in grants])
    capacity_cut = np.clip(asks - served, 0.0, None)
    capacity_cut[capacity_cut < TOLERANCE_MW] = 0.0
    calendar = hour_calendar(grid.hours, [grid.timezone] * len(grants), grid.timezone)
    stats = curtailment_stats(capacity_cut, loads, calendar)
    weights = grid.weights
    out = []
    for j, grant in enumerate(grants):
        app = grant.application
        price_share = float(weights @ (asks[:, j] == 0)) if loads[j] > 0 else 0.0
        total = stats[j].rate + price_share
        problems = []
        if app.firm and stats[j].curtailed_hours_per_year > 0:
            problems.append(
                f"a firm load was cut in {stats[j].curtailed_hours_per_year:,.0f} hours a year"
            )
        if total > app.max_curtailment_share + RATE_TOLERANCE:
            problems.append(
                f"curtailed {total:.4%} of its energy, above the {app.max_curtailment_share:.4%} "
                "offered"
            )
        if stats[j].longest_event_hours > app.longest_event_hours:
            problems.append(
                f"a curtailment event of {stats[j].longest_event_hours} h, longer than the "
                f"{app.longest_event_hours} h offered"
            )
        energy = 8760.0 * float(weights @ served[:, j])
        out.append(
            Verified(
                grant=grant,
                capacity=stats[j],
                total_share=total,
                price_hours_per_year=price_share * 8760.0,
                energy_mwh_per_year=energy,
                passes=not problems,
                why="; ".join(problems),
            )
        )
    return tuple(out)
