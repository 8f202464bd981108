"""Everything the siting question needs, computed once: zone headroom, the ranking of
candidate sites, the joint run for the named sites, and each zone's rate-versus-load curve."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from surplus.headroom.assess import DEFAULT_BUDGETS
from surplus.headroom.grid import zone_headroom, zone_rate_curves
from surplus.headroom.joint import JointAnswer, joint_curtailment
from surplus.headroom.results import HeadroomTable
from surplus.headroom.sites import NAMED_PLANTS, Site, SiteRank, candidate_sites, rank_sites

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset


@dataclass(frozen=True)
class SitingReport:
    dataset_name: str
    zones: HeadroomTable
    ranks: tuple[SiteRank, ...]
    joint: JointAnswer | None
    rate_curves: pd.DataFrame
    """Curtailment rate, loads (MW) × zones."""
    zones_at_cost: HeadroomTable | None = None
    """Zone headroom counting only energy within the cost cap."""
    joint_at_cost: JointAnswer | None = None
    cost_cap_pkr_per_mwh: float = float("inf")


def assess_siting(
    dataset: Dataset,
    base: DispatchResult,
    joint_sites: Sequence[Site] = (),
    budget: float = 0.005,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    value_pkr_per_mwh: float | None = None,
    run: Callable[..., DispatchResult] | None = None,
    at_cost: bool = True,
) -> SitingReport:
    """Rank every zone, the named plants and any plant among `joint_sites`; answer the joint
    question when sites are given, physically and (unless `at_cost` is false, which saves
    a dispatch) at the dispatch's cost cap."""
    zones = zone_headroom(base, budgets)
    zones_at_cost = zone_headroom(base, budgets, kind="at_cost")
    candidates = list(candidate_sites(dataset, NAMED_PLANTS))
    known = {site.name for site in candidates}
    candidates += [
        Site(s.name, s.zone, s.kind)
        for s in joint_sites
        if s.kind == "plant" and s.name not in known
    ]
    ranks = rank_sites(base, candidates, budget)
    joint = joint_at_cost = None
    if joint_sites:
        joint = joint_curtailment(dataset, base, joint_sites, value_pkr_per_mwh, run)
        if at_cost:
            joint_at_cost = joint_curtailment(dataset, base, joint_sites, None, run, "at_cost")
    largest = max([z.headroom_mw for z in zones.items] + [s.load_mw for s in joint_sites] + [1.0])
    curves = zone_rate_curves(base, 1.5 * largest)
    return SitingReport(
        dataset.info.name,
        zones,
        ranks,
        joint,
        curves,
        zones_at_cost,
        joint_at_cost,
        base.cost_cap_pkr_per_mwh,
    )
