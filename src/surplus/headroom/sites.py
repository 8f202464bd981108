"""Candidate sites for new flexible load: every zone, and named plants (a site at a plant is
the plant's zone), ranked by what they can take, what its energy costs, and when it is cut."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from surplus.headroom.curtailment import curtailed_mw
from surplus.headroom.grid import zone_headroom
from surplus.headroom.results import CurtailmentStats
from surplus.headroom.timeline import HeadroomError

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset

NAMED_PLANTS = ("sahiwal", "port_qasim", "china_power_hub")
"""The coal plants named for the 2,000 MW programme."""

SEASONS = (
    ("winter (Dec-Feb)", (12, 1, 2)),
    ("spring (Mar-May)", (3, 4, 5)),
    ("summer (Jun-Aug)", (6, 7, 8)),
    ("autumn (Sep-Nov)", (9, 10, 11)),
)


@dataclass(frozen=True)
class Site:
    """Where a new load would connect: a zone, or a plant standing for its zone."""

    name: str
    zone: str
    kind: str
    """'zone' or 'plant'."""
    load_mw: float = 0.0


def resolve_site(dataset: Dataset, name: str, load_mw: float = 0.0) -> Site:
    """A plant id or a zone name as a site."""
    if name in dataset.plants.index:
        return Site(name, str(dataset.plants.loc[name, "zone"]), "plant", load_mw)
    if name in dataset.zones.index:
        return Site(name, name, "zone", load_mw)
    raise HeadroomError(
        f"'{name}' is neither a plant nor a zone of {dataset.info.name}; zones: "
        + ", ".join(map(str, dataset.zones.index))
    )


def split_load(dataset: Dataset, names: Sequence[str], total_mw: float) -> tuple[Site, ...]:
    """`total_mw` shared equally among the named sites."""
    if not names:
        raise HeadroomError("name at least one site")
    return tuple(resolve_site(dataset, name, total_mw / len(names)) for name in names)


def busiest_season(stats: CurtailmentStats) -> str:
    """The meteorological season with most curtailed hours; '' when there are none."""
    counts = [sum(stats.curtailed_hours_by_month[m - 1] for m in months) for _, months in SEASONS]
    return "" if max(counts) == 0 else SEASONS[int(np.argmax(counts))][0]


def served_weighted_price(price: np.ndarray, served: np.ndarray) -> float:
    """Mean price over the hours, weighted by the MW served; NaN when nothing is served."""
    total = float(served.sum())
    return float((price * served).sum() / total) if total > 0 else float("nan")


@dataclass(frozen=True)
class SiteRank:
    site: Site
    firm_mw: float
    budget: float
    headroom_mw: float
    price_pkr_per_mwh: float
    """Zone price weighted by the load served, for a load of `headroom_mw` (before it is
    added); NaN when nothing would be served."""
    curtailment: CurtailmentStats
    season: str
    firm_at_cost_mw: float = 0.0
    """Firm headroom counting only energy within the cost cap."""
    headroom_at_cost_mw: float = 0.0
    """Headroom at `budget`, counting only energy within the cost cap."""


def rank_sites(
    result: DispatchResult, sites: Sequence[Site], budget: float = 0.005
) -> tuple[SiteRank, ...]:
    """Sites by curtailment-enabled headroom at `budget`, then by firm headroom; each with
    its physical figures and those at the cost cap."""
    table = zone_headroom(result, (0.0, budget))
    at_cost = zone_headroom(result, (0.0, budget), kind="at_cost")
    spare = result.spare_mw.sort_index()
    price = result.price_pkr_per_mwh.reindex(spare.index)
    ranks = []
    for site in sites:
        flexible = table.get(site.zone, budget)
        load = flexible.headroom_mw
        zone_spare = spare[[site.zone]].to_numpy(dtype=float)
        curtailed = curtailed_mw(zone_spare, np.array([load]))
        served = load - curtailed[:, 0] if load > 0 else (zone_spare[:, 0] > 0).astype(float)
        ranks.append(
            SiteRank(
                site=site,
                firm_mw=table.get(site.zone, 0.0).headroom_mw,
                budget=budget,
                headroom_mw=load,
                price_pkr_per_mwh=served_weighted_price(price[site.zone].to_numpy(), served),
                curtailment=flexible.curtailment,
                season=busiest_season(flexible.curtailment),
                firm_at_cost_mw=at_cost.get(site.zone, 0.0).headroom_mw,
                headroom_at_cost_mw=at_cost.get(site.zone, budget).headroom_mw,
            )
        )
    return tuple(sorted(ranks, key=lambda r: (-r.headroom_mw, -r.firm_mw, r.site.name)))


def candidate_sites(dataset: Dataset, plants: Sequence[str] = NAMED_PLANTS) -> tuple[Site, ...]:
    """Every zone, then the named plants that exist in the dataset."""
    zones = tuple(Site(str(z), str(z), "zone") for z in dataset.zones.index)
    named = tuple(resolve_site(dataset, p) for p in plants if p in dataset.plants.index)
    return zones + named
