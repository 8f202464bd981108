"""The report's economics section: the programme's tariffs against the hourly cost to serve."""

from __future__ import annotations

from surplus.economics.compare import parties_table
from surplus.economics.figures import cost_vs_tariff_figure, miner_profit_figure
from surplus.economics.study import EconomicsStudy
from surplus.report.html import Section


def economics_section(study: EconomicsStudy, timezone: str) -> Section:
    comparison = study.comparison
    summary = comparison.summary.set_index("tariff").drop(columns="hours").T
    summary.index.name = "figure"
    parties = parties_table(comparison).set_index("tariff")
    reserve = study.reserve_by_price.pivot(
        index="btc_price_usd", columns="tariff", values="btc_per_year"
    )
    programme = study.programme
    serving = study.assumptions.serving
    paragraphs = (
        f"The programme: {programme.grid_mw:,.0f} MW at the named plants' zones, miners "
        f"{programme.hashrate_ehs:,.1f} EH/s. Each tariff is a separate dispatch with the "
        "programme's loads as curtailable demand, compared with the dispatch without them.",
        "The subsidy test asks, hour by hour, whether the tariff covers the marginal cost of "
        f"serving the load: the zone's marginal generation cost grossed up for "
        f"{serving.loss_share:.0%} losses, plus a network cost of "
        f"{serving.network_cost_pkr_per_mwh / 1000:,.2f} Rs/kWh. Hours and energy that fail "
        "are counted below; the minimum flat tariff is the lowest that passes every hour.",
        "Government/CPPA and other consumers' rows count the same rupees from two sides; "
        "do not add them. Money is in Rs bn over the period, energy in GWh.",
        "Miners' profit, cash profit and breakeven are after the levy they hand to the "
        f"Strategic Bitcoin Reserve ({study.assumptions.reserve.share_of_mined:.0%} of coins "
        "mined). The reserve table comes from the same books: at each BTC price the miners "
        "run only in the hours their cash value per MWh covers the tariff, so no coins accrue "
        "at prices where they would switch off. The capacity charge is per kWh sold to "
        "consumers (per kWh generated beside it). The foreign-exchange balance counts the "
        f"operators' profit sent abroad ({study.assumptions.operators_foreign_share:.0%} "
        "foreign-owned).",
    )
    figures = tuple(cost_vs_tariff_figure(o, timezone) for o in comparison.outcomes)
    return Section(
        "Economics: tariffs and the subsidy test",
        paragraphs=paragraphs,
        tables=(
            ("Tariffs compared", summary),
            ("Who gains and who pays (PKR)", parties),
            ("Strategic Bitcoin Reserve, BTC a year by BTC price (USD)", reserve),
        ),
        figures=(*figures, miner_profit_figure(study.miner_profit_by_price)),
        data={
            "economics": {
                "tariffs": comparison.summary.to_dict(orient="records"),
                "parties": parties_table(comparison).to_dict(orient="records"),
                "btc_price_sweep": study.sweep.to_dict(orient="records"),
            }
        },
    )
