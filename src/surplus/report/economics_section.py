"""The report's economics section: the programme's tariffs against the hourly cost to serve."""

from __future__ import annotations

from surplus.economics.compare import parties_table, readable_summary, tariff_label
from surplus.economics.figures import cost_vs_tariff_figure, miner_profit_figure
from surplus.economics.study import EconomicsStudy
from surplus.report.html import Section


def economics_section(study: EconomicsStudy, timezone: str) -> Section:
    comparison = study.comparison
    summary = readable_summary(comparison.summary)
    raw_parties = parties_table(comparison)
    parties = (
        raw_parties.assign(
            tariff=raw_parties["tariff"].map(tariff_label),
            **{
                column: raw_parties[column] / 1e9 for column in ("gains_pkr", "pays_pkr", "net_pkr")
            },
        )
        .rename(
            columns={
                "tariff": "Tariff rule",
                "party": "Party",
                "gains_pkr": "Gains, Rs bn",
                "pays_pkr": "Pays, Rs bn",
                "net_pkr": "Net, Rs bn",
                "note": "Note",
            }
        )
        .set_index("Tariff rule")
    )
    reserve = study.reserve_by_price.pivot(
        index="btc_price_usd", columns="tariff", values="btc_per_year"
    ).rename(columns=tariff_label)
    reserve.index = [f"USD {price:,.0f}" for price in reserve.index]
    reserve.index.name = "Bitcoin price"
    programme = study.programme
    serving = study.assumptions.serving
    paragraphs = (
        f"The programme: {programme.grid_mw:,.0f} MW at the named plants' zones, miners "
        f"{programme.hashrate_ehs:,.1f} EH/s. Each tariff is a separate dispatch with the "
        "programme's loads as curtailable demand, compared with the dispatch without them.",
        "The subsidy test (one definition throughout: table, charts, summary.json and "
        "comparison.json) asks, in every hour the loads are served, whether the tariff covers "
        "the cost of serving them at their meters: the zone's marginal generation cost "
        "(capped at the dearest running plant) grossed up for "
        f"{serving.loss_share:.0%} losses, plus a network cost of "
        f"{serving.network_cost_pkr_per_mwh / 1000:,.2f} Rs/kWh. A tariff that fails in a "
        "few hours can still contribute billions over the year: the test is hour by hour, "
        "so the year's margin does not excuse the hours others pay for. The break-even flat "
        "tariff is the lowest flat rate that passes every served hour (the dearest served "
        "hour of any site sets it; the charts show each day's dearest hour). The rows marked "
        "cross-check count the change in total system cost month by month instead; they "
        "carry no verdict of their own.",
        "Government/CPPA and other consumers' rows count the same rupees from two sides; "
        "do not add them. Money is in Rs bn over the period, energy in GWh, prices in Rs/kWh.",
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
            ("Tariff rules compared", summary),
            ("Who gains and who pays, Rs bn over the period", parties),
            ("Strategic Bitcoin Reserve, BTC a year, by bitcoin price", reserve),
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
