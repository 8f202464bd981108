"""The report's headroom section: how much flexible load fits, where, and the 2,000 MW answer."""

from __future__ import annotations

import pandas as pd

from surplus.headroom.figures import siting_figures
from surplus.headroom.joint import joint_verdict
from surplus.headroom.siting import SitingReport
from surplus.headroom.table import budget_label, joint_frame, ranking_frame
from surplus.report.html import Section


def headroom_section(
    report: SitingReport, budget: float, prices: pd.DataFrame | None = None
) -> Section:
    """The headroom tables; with `prices` (`economics.siting.prices_with_load`), the siting
    table's price is the price with each site's load added."""
    zones = report.zones.headroom_mw()
    zones.columns = [f"{budget_label(b)} MW" for b in zones.columns]
    zones.index.name = "zone"
    paragraphs = [
        "Headroom at a curtailment budget is the largest constant new load whose curtailed "
        "energy stays within that share of its yearly energy (firm: never curtailed). Each "
        "zone's figure assumes that zone alone takes new load; zones share plants, corridors "
        "and the reserve, so the figures do not add up.",
        "The joint answer serves the programme's loads at all named sites together in a "
        "second dispatch, where they are curtailed before any existing consumer; it can differ "
        "from the independent figures because the sites compete for the same corridors and "
        "reserve.",
    ]
    ranking = ranking_frame(report.ranks)
    if prices is not None:
        from surplus.economics.siting import with_load_prices

        ranking = with_load_prices(ranking, prices)
        paragraphs.append(
            "In the siting table the price is the zone's marginal generation cost with the "
            "site's load (its headroom) added, weighted by what the load is served; the price "
            "before the load is beside it."
        )
    tables = [
        ("Curtailment-enabled headroom by zone", zones),
        (f"Candidate sites ranked at a {budget_label(budget)} budget", ranking),
    ]
    notes: tuple[str, ...] = ()
    if report.joint is not None:
        notes = (joint_verdict(report.joint),)
        tables.append(("Named sites: independent and joint curtailment", joint_frame(report.joint)))
    return Section(
        "Headroom and siting",
        paragraphs=tuple(paragraphs),
        notes=notes,
        tables=tuple(tables),
        figures=tuple(siting_figures(report, budget).values()),
        data={
            "headroom": {
                "zone_headroom_mw_by_budget": {
                    str(zone): {str(b): float(v) for b, v in row.items()}
                    for zone, row in report.zones.headroom_mw().iterrows()
                },
                "named_sites_joint": joint_verdict(report.joint) if report.joint else None,
                "named_sites": joint_frame(report.joint).reset_index().to_dict(orient="records")
                if report.joint
                else [],
                "sites_ranked": ranking.reset_index().to_dict(orient="records"),
            }
        },
    )
