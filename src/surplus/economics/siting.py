"""What a site's energy costs once the new load is there: the siting table's price.

The ranking (`surplus.headroom.sites.rank_sites`) weights the zone's price in the dispatch
*without* the new load. A load of the site's headroom pushes dearer plants onto the margin,
so the price it would meet is read from a dispatch *with* it: the site's zone takes a
curtailable load of that size (valued just above the dearest plant, so it never displaces an
existing consumer) and the zone's marginal generation cost is weighted by what the load is
served each hour. As in the subsidy test, a price the load's own bid sets is capped at the
dearest plant running that hour: the energy still comes from a plant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from surplus.dispatch.flexible import FlexibleLoad
from surplus.economics.assess import generation_marginal_cost
from surplus.grid.model import Dataset

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.headroom.sites import SiteRank

PROBE = "new_load"


def price_with_load(
    dataset: Dataset, zone: str, load_mw: float, run: Callable[..., DispatchResult]
) -> float:
    """Served-weighted marginal generation cost at `zone` with `load_mw` of new curtailable
    load there (NaN when none of it is served)."""
    result = run(dataset, [FlexibleLoad(PROBE, zone, load_mw)])
    served = result.flexible_served_mw[PROBE].to_numpy(dtype=float)
    cost = generation_marginal_cost(
        result.price_pkr_per_mwh,
        result.generation_mw,
        dataset.plants["variable_cost_pkr_per_mwh"],
    )[zone].to_numpy(dtype=float)
    total = float(served.sum())
    return float((cost * served).sum() / total) if total > 1e-9 else float("nan")


def prices_with_load(
    dataset: Dataset,
    ranks: Sequence[SiteRank],
    run: Callable[..., DispatchResult],
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Per ranked site: its load (the headroom at the ranking budget), the price before the
    load (as ranked) and with it. One dispatch per zone and load; a site with no headroom
    keeps the price before."""
    wanted = sorted({(r.site.zone, r.headroom_mw) for r in ranks if r.headroom_mw > 0})
    priced: dict[tuple[str, float], float] = {}
    for done, (zone, load_mw) in enumerate(wanted, start=1):
        priced[(zone, load_mw)] = price_with_load(dataset, zone, load_mw, run)
        if progress is not None:
            progress(done, len(wanted))
    rows = [
        {
            "site": rank.site.name,
            "load_mw": rank.headroom_mw,
            "price_before_pkr_per_mwh": rank.price_pkr_per_mwh,
            "price_with_load_pkr_per_mwh": priced.get(
                (rank.site.zone, rank.headroom_mw), rank.price_pkr_per_mwh
            ),
        }
        for rank in ranks
    ]
    return pd.DataFrame(rows).set_index("site")


def with_load_prices(ranking: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """The siting table (`headroom.table.ranking_frame`) with its price replaced by the price
    with the load added, and the price before kept beside it for comparison."""
    table = ranking.drop(columns=["price_pkr_per_mwh"], errors="ignore")
    by_site = prices.reindex(table["site"])
    position = table.columns.get_loc("headroom_mw") + 1 if "headroom_mw" in table else 0
    table.insert(
        int(position), "price_with_load_pkr_per_mwh", by_site["price_with_load_pkr_per_mwh"].values
    )
    table.insert(
        int(position) + 1, "price_before_pkr_per_mwh", by_site["price_before_pkr_per_mwh"].values
    )
    return table.astype({"price_with_load_pkr_per_mwh": float, "price_before_pkr_per_mwh": float})
