"""Several new loads at once: re-run the dispatch with them as curtailable demand.

Headroom per zone treats each zone alone, everything else as dispatched. Loads in several
zones compete for the same plants and corridors, so the joint answer can be worse than the
independent ones; a shared corridor can also make it better for one site and worse for
another. Both are computed with the same statistics so they can be read side by side.

At a cost (`kind="at_cost"`) the loads are worth exactly the dataset's cost cap, so the
dispatch serves them only in hours when the energy's marginal cost is within it, and the
independent answer uses the spare capacity at a cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from surplus.headroom.curtailment import curtailed_mw, curtailment_stats
from surplus.headroom.grid import SpareKind, grid_calendar, spare_of
from surplus.headroom.results import CurtailmentStats
from surplus.headroom.sites import Site, busiest_season, served_weighted_price
from surplus.headroom.timeline import HeadroomError

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset


@dataclass(frozen=True)
class SiteCurtailment:
    site: Site
    independent: CurtailmentStats
    """The site alone, against its zone's spare capacity in the base dispatch."""
    joint: CurtailmentStats
    """The site with all the others, from the dispatch that serves them together."""
    joint_price_pkr_per_mwh: float
    """Zone price in the joint dispatch, weighted by the MW served to this site."""


@dataclass(frozen=True)
class JointAnswer:
    sites: tuple[SiteCurtailment, ...]
    total_load_mw: float
    combined: CurtailmentStats
    """All sites as one load: their summed curtailment against their summed load."""
    season: str
    """Season with most hours in which any site is curtailed; '' when none is."""
    kind: SpareKind = "physical"
    cost_cap_pkr_per_mwh: float = float("inf")
    """For `at_cost`: the cap the loads were valued at."""


def joint_curtailment(
    dataset: Dataset,
    base: DispatchResult,
    sites: Sequence[Site],
    value_pkr_per_mwh: float | None = None,
    run: Callable[..., DispatchResult] | None = None,
    kind: SpareKind = "physical",
) -> JointAnswer:
    """Independent and joint curtailment of `sites` (each with its `load_mw`).

    `base` is the dispatch without the new loads; `run` is the dispatch function (the real
    one by default), called with `base=` so it need not solve the year without the loads
    again. `value_pkr_per_mwh` is what serving the loads is worth; None uses the
    dispatch's default, just above the dearest plant's cost. With `kind="at_cost"` the
    value is the base dispatch's cost cap instead (the physical answer when there is none).
    """
    from surplus.dispatch import FlexibleLoad, dispatch

    if not sites or any(site.load_mw <= 0 for site in sites):
        raise HeadroomError("every site needs a load above 0 MW")
    names = [site.name for site in sites]
    if len(set(names)) != len(names):
        raise HeadroomError("site names must be unique")
    cap = base.cost_cap_pkr_per_mwh
    if kind == "at_cost" and np.isfinite(cap):
        value_pkr_per_mwh = max(cap, 0.0)
    loads = [FlexibleLoad(s.name, s.zone, s.load_mw, value_pkr_per_mwh) for s in sites]
    joint = (run or dispatch)(dataset, flexible_loads=loads, base=base)
    served = joint.flexible_served_mw.sort_index()[names].to_numpy(dtype=float)
    load = np.array([site.load_mw for site in sites])
    joint_cut = np.clip(load[None, :] - served, 0.0, load[None, :])
    spare = spare_of(base, kind).sort_index()
    spare = spare.reindex(joint.flexible_served_mw.sort_index().index)
    alone_cut = curtailed_mw(spare[[s.zone for s in sites]].to_numpy(dtype=float), load)
    calendar = grid_calendar(spare.index, base.timezone, len(sites))
    joint_stats = curtailment_stats(joint_cut, load, calendar)
    alone_stats = curtailment_stats(alone_cut, load, calendar)
    price = joint.price_pkr_per_mwh.sort_index()
    per_site = tuple(
        SiteCurtailment(
            site,
            alone_stats[j],
            joint_stats[j],
            served_weighted_price(price[site.zone].to_numpy(), served[:, j]),
        )
        for j, site in enumerate(sites)
    )
    one = grid_calendar(spare.index, base.timezone, 1)
    combined = curtailment_stats(joint_cut.sum(axis=1, keepdims=True), load.sum(keepdims=True), one)
    return JointAnswer(
        per_site,
        float(load.sum()),
        combined[0],
        busiest_season(combined[0]),
        kind,
        cap if kind == "at_cost" else float("inf"),
    )


def joint_verdict(answer: JointAnswer) -> str:
    """One paragraph answering: can these loads be served, how often are they cut, when?"""
    stats = answer.combined
    names = ", ".join(s.site.name for s in answer.sites)
    head = f"{answer.total_load_mw:,.0f} MW at {names}"
    if answer.kind == "at_cost":
        cap = answer.cost_cap_pkr_per_mwh
        head += (
            f", at a marginal cost within {cap / 1000:,.2f} Rs/kWh"
            if np.isfinite(cap)
            else ", at a cost (no cost cap declared, so as physically)"
        )
    if stats.curtailed_hours_per_year == 0:
        return f"{head}: served in full in every hour of the year (firm)."
    hour = stats.busiest_hour_of_day
    return (
        f"{head}: {100 * (1 - stats.rate):.2f} % of the energy served; curtailed in "
        f"{stats.curtailed_hours_per_year:,.0f} hours a year ({stats.events_per_year:,.0f} "
        f"events, longest {stats.longest_event_hours} h, {stats.curtailed_mwh_per_year:,.0f} "
        f"MWh), mostly in {answer.season}, most often at {hour:02d}:00 local time."
    )
