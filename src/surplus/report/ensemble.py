"""Presents an ensemble: the probability each phase's quota holds, distributions of
headroom, curtailment, the subsidy test, the public net benefit and the reserve, as report
sections (for `surplus scenarios report` and the assessment's ensemble section)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from surplus import __version__
from surplus.report.html import Section, render_report
from surplus.scenarios.record import RunRecord
from surplus.scenarios.summary import Distribution, EnsembleSummary, per_run


def _row(d: Distribution) -> dict[str, float | int | None]:
    return {"runs": d.runs, "p5": d.p5, "p25": d.p25, "p50": d.p50, "p75": d.p75, "p95": d.p95}


def answer(summary: EnsembleSummary) -> str:
    """The phase question in one sentence, with its probability."""
    parts = [
        f"{q.quota_mw:,.0f} MW holds within a {summary.budget:.2%} curtailment budget in "
        f"{q.holds} of {q.runs} runs ({q.probability:.0%})"
        for q in summary.quotas
    ]
    largest = summary.largest_quota_mw_at_confidence
    verdict = (
        f"the largest quota declared that holds in at least {summary.confidence:.0%} of runs is "
        f"{largest:,.0f} MW"
        if largest is not None
        else f"no quota declared holds in {summary.confidence:.0%} of runs"
    )
    return "; ".join(parts) + f". So {verdict}."


def quota_table(summary: EnsembleSummary) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "quota_mw": q.quota_mw,
                "runs": q.runs,
                "holds": q.holds,
                "probability": q.probability,
                "curtailed_h_p50": q.curtailed_hours_per_year.p50,
                "curtailed_h_p95": q.curtailed_hours_per_year.p95,
            }
            for q in summary.quotas
        ]
    ).set_index("quota_mw")


def distribution_tables(summary: EnsembleSummary) -> list[tuple[str, pd.DataFrame]]:
    zones = pd.DataFrame({z: _row(d) for z, d in summary.headroom_mw.items()}).T
    zones.index.name = "zone"
    tariffs = pd.DataFrame(
        [
            {
                "tariff": t.tariff,
                "figure": name,
                **_row(d),
            }
            for t in summary.tariffs
            for name, d in (
                ("public net benefit, Rs bn", t.public_net_benefit_bn_pkr),
                ("subsidy shortfall, Rs bn", t.shortfall_bn_pkr),
                ("reserve, BTC a year", t.reserve_btc_per_year),
            )
        ]
    )
    tables = [(f"Headroom per zone at {summary.budget:.2%}, MW (percentiles over runs)", zones)]
    if len(tariffs):
        tables.append(("Economics per tariff rule (percentiles over runs)", tariffs))
    passing = pd.DataFrame(
        [
            {"tariff": t.tariff, "runs": t.runs, "passes": t.subsidy_test_pass_probability}
            for t in summary.tariffs
        ]
    )
    if len(passing):
        tables.append(("Share of runs passing the subsidy test", passing))
    return tables


def figures(records: Sequence[RunRecord], summary: EnsembleSummary) -> list[go.Figure]:
    tables = per_run([r for r in records if r.status == "ok"], summary.budget)
    shown: list[go.Figure] = []
    quotas = pd.DataFrame(
        [
            {"quota_mw": q.quota_mw, **q.curtailed_hours_per_year.model_dump()}
            for q in summary.quotas
        ]
    )
    if len(quotas):
        fan = go.Figure()
        fan.add_trace(go.Scatter(x=quotas["quota_mw"], y=quotas["p95"], line={"width": 0},
                                 showlegend=False, hoverinfo="skip"))  # fmt: skip
        fan.add_trace(go.Scatter(x=quotas["quota_mw"], y=quotas["p5"], fill="tonexty",
                                 name="5–95 %", line={"width": 0}))  # fmt: skip
        fan.add_trace(go.Scatter(x=quotas["quota_mw"], y=quotas["p75"], line={"width": 0},
                                 showlegend=False, hoverinfo="skip"))  # fmt: skip
        fan.add_trace(go.Scatter(x=quotas["quota_mw"], y=quotas["p25"], fill="tonexty",
                                 name="25–75 %", line={"width": 0}))  # fmt: skip
        fan.add_trace(go.Scatter(x=quotas["quota_mw"], y=quotas["p50"], name="median"))
        fan.update_layout(title="Curtailed hours a year of the quota at the named sites (fan "
                          "over runs)", xaxis_title="quota, MW",
                          yaxis_title="curtailed hours a year")  # fmt: skip
        shown.append(fan)
        chance = go.Figure(go.Bar(x=[f"{q.quota_mw:,.0f} MW" for q in summary.quotas],
                                  y=[q.probability for q in summary.quotas]))  # fmt: skip
        chance.add_hline(y=summary.confidence, line_dash="dash")
        chance.update_layout(title=f"Probability the quota holds within {summary.budget:.2%}",
                             yaxis={"range": [0, 1], "tickformat": ".0%"})  # fmt: skip
        shown.append(chance)
    headroom = tables["headroom"]
    at_budget = headroom[headroom["budget"] == summary.budget] if len(headroom) else headroom
    if len(at_budget):
        box = go.Figure(
            [go.Box(y=rows["mw"], name=str(zone), boxpoints=False)
             for zone, rows in at_budget.groupby("zone")]
        )  # fmt: skip
        box.update_layout(title=f"Headroom per zone at {summary.budget:.2%}, MW, over runs",
                          showlegend=False)  # fmt: skip
        shown.append(box)
    tariffs = tables["tariffs"]
    for column, title in (
        ("government_net_price_bn_pkr", "Public net benefit, Rs bn, over runs"),
        ("reserve_btc_per_year", "Strategic Bitcoin Reserve, BTC a year, over runs"),
    ):
        if len(tariffs):
            histogram = go.Figure(
                [go.Histogram(x=rows[column], name=str(name), opacity=0.7)
                 for name, rows in tariffs.groupby("tariff")]
            )  # fmt: skip
            histogram.update_layout(title=title, barmode="overlay")
            shown.append(histogram)
    return shown


def ensemble_sections(records: Sequence[RunRecord], summary: EnsembleSummary) -> list[Section]:
    failed = tuple(f"run {f.run_id}: {f.error}" for f in summary.failed)
    return [
        Section(
            "Across the ensemble",
            paragraphs=(
                answer(summary),
                f"{summary.runs_ok} of {summary.runs_declared} runs finished"
                + (f"; {len(summary.failed)} failed (listed below)." if failed else "."),
            ),
            tables=(("Each phase's quota", quota_table(summary)), *distribution_tables(summary)),
            figures=tuple(figures(records, summary)),
            notes=failed,
            data={"ensemble": summary.model_dump(mode="json")},
        )
    ]


def ensemble_page(records: Sequence[RunRecord], summary: EnsembleSummary, source: str) -> str:
    return render_report(
        f"surplus ensemble: {summary.description or source}",
        f"surplus {__version__} · {source}",
        ensemble_sections(records, summary),
    )
