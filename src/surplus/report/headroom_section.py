"""The report's headroom section: how much flexible load fits, where, and the 2,000 MW answer,
each physically and at a cost."""

from __future__ import annotations

import math

import pandas as pd

from surplus.headroom.figures import siting_figures
from surplus.headroom.joint import JointAnswer, joint_verdict
from surplus.headroom.results import HeadroomTable
from surplus.headroom.siting import SitingReport
from surplus.headroom.table import budget_label, joint_frame, ranking_frame
from surplus.report.html import Section


def _zone_table(table: HeadroomTable, suffix: str = "") -> pd.DataFrame:
    zones = table.headroom_mw()
    zones.columns = [f"{budget_label(b)} MW{suffix}" for b in zones.columns]
    zones.index.name = "zone"
    return zones


def _by_budget(table: HeadroomTable) -> dict[str, dict[str, float]]:
    return {
        str(zone): {str(b): float(v) for b, v in row.items()}
        for zone, row in table.headroom_mw().iterrows()
    }


def _cost_sentence(cap: float) -> str:
    if not math.isfinite(cap):
        return "The dataset declares no cost cap, so the figures at a cost equal the physical ones."
    return (
        "Physical headroom counts every MWh the plants and corridors could add; headroom at a "
        f"cost counts only energy made at a marginal cost of at most Rs {cap / 1000:,.2f}/kWh "
        "(the programme's tariff net of the network charge and losses), so it is what the "
        "tariff can pay for without a subsidy."
    )


def headroom_section(
    report: SitingReport, budget: float, prices: pd.DataFrame | None = None
) -> Section:
    """The headroom tables, physical and at a cost; with `prices`
    (`economics.siting.prices_with_load`), the siting table's price is the price with each
    site's load added."""
    tables = [("Curtailment-enabled headroom by zone, physical", _zone_table(report.zones))]
    if report.zones_at_cost is not None:
        tables.append(
            (
                "Curtailment-enabled headroom by zone, at a cost",
                _zone_table(report.zones_at_cost, " at cost"),
            )
        )
    paragraphs = [
        "Headroom at a curtailment budget is the largest constant new load whose curtailed "
        "energy stays within that share of its yearly energy (firm: never curtailed). Each "
        "zone's figure assumes that zone alone takes new load; zones share plants, corridors "
        "and the reserve, so the figures do not add up.",
        _cost_sentence(report.cost_cap_pkr_per_mwh),
        "The joint answer serves the programme's loads at all named sites together in a "
        "second dispatch, where they are curtailed before any existing consumer and before "
        "the reserve; it can differ from the independent figures because the sites compete "
        "for the same corridors and reserve. At a cost, the loads are worth exactly the cost "
        "cap, so they are served only in hours when the energy costs no more.",
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
    tables.append((f"Candidate sites ranked at a {budget_label(budget)} budget", ranking))
    answers = [a for a in (report.joint, report.joint_at_cost) if a is not None]
    for answer in answers:
        kind = "physical" if answer.kind == "physical" else "at a cost"
        tables.append(
            (f"Named sites: independent and joint curtailment, {kind}", joint_frame(answer))
        )
    return Section(
        "Headroom and siting",
        paragraphs=tuple(paragraphs),
        notes=tuple(joint_verdict(a) for a in answers),
        tables=tuple(tables),
        figures=tuple(siting_figures(report, budget).values()),
        data={"headroom": _data(report, ranking)},
    )


def _data(report: SitingReport, ranking: pd.DataFrame) -> dict[str, object]:
    def joint(answer: JointAnswer | None) -> dict[str, object] | None:
        if answer is None:
            return None
        return {
            "verdict": joint_verdict(answer),
            "served_share": 1.0 - answer.combined.rate,
            "curtailed_hours_per_year": answer.combined.curtailed_hours_per_year,
            "curtailed_mwh_per_year": answer.combined.curtailed_mwh_per_year,
            "sites": joint_frame(answer).reset_index().to_dict(orient="records"),
        }

    return {
        "cost_cap_pkr_per_mwh": report.cost_cap_pkr_per_mwh,
        "zone_headroom_mw_by_budget": _by_budget(report.zones),
        "zone_headroom_at_cost_mw_by_budget": (
            _by_budget(report.zones_at_cost) if report.zones_at_cost is not None else None
        ),
        "named_sites_joint": joint_verdict(report.joint) if report.joint else None,
        "named_sites": joint_frame(report.joint).reset_index().to_dict(orient="records")
        if report.joint
        else [],
        "programme": {"physical": joint(report.joint), "at_cost": joint(report.joint_at_cost)},
        "sites_ranked": ranking.reset_index().to_dict(orient="records"),
    }
