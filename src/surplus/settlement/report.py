"""The monthly public report: report.html (one self-contained page, plotly inlined, no
request to anywhere), report.pdf and summary.json, from the settled month. Aggregates
only: no operator's bill appears in it."""

from __future__ import annotations

import html
import json
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from surplus.report.html import STYLE
from surplus.settlement.pdf import figure_rows, report_pdf, verdict_rows
from surplus.settlement.public import MonthSummary

ASSUMPTIONS = (
    "Months are calendar months in Asia/Karachi; readings are stored in UTC.",
    "Energy is the revenue meter's one-minute readings where a site has them, else its "
    "OpenADR telemetry; an hour is billed on its usable readings' mean power; negative or "
    "implausible readings are left out until corrected (docs/settlement.md).",
    "The cost of serving is the zone's hourly marginal generation cost grossed up for losses "
    "plus the network charge, as in the economics module's subsidy test.",
    "Load-shedding caused is the energy drawn above grid-protection orders after their "
    "response time, by revenue meter.",
    "The Strategic Bitcoin Reserve figure is an estimate from energy at the catalogue's "
    "network hashrate and block reward, to be reconciled against pool payouts.",
)


def _rows(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(k)}</td><td class=text>{html.escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table><tbody>{body}</tbody></table>"


def daily_figure(summary: MonthSummary) -> go.Figure:
    days = [d.day for d in summary.daily]
    figure = go.Figure()
    figure.add_bar(x=days, y=[d.energy_mwh for d in summary.daily], name="energy sold (MWh)")
    figure.add_scatter(
        x=days,
        y=[float(d.revenue_pkr) / 1e6 for d in summary.daily],
        name="energy and network revenue (million PKR)",
        yaxis="y2",
    )
    figure.update_layout(
        title=f"Energy sold and revenue by day, {summary.month}",
        yaxis={"title": "MWh"},
        yaxis2={"title": "million PKR", "overlaying": "y", "side": "right"},
        height=380,
    )
    return figure


def report_html(summary: MonthSummary) -> str:
    figure = daily_figure(summary).to_html(full_html=False, include_plotlyjs=False)
    notes = "".join(f"<li>{html.escape(a)}</li>" for a in ASSUMPTIONS)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Public report {summary.month}</title><style>{STYLE}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>"
        f"<h1>Surplus power programme: public report for {summary.month}</h1>"
        "<p class=meta>Three promises: no subsidy, no load-shedding caused, money in.</p>"
        f"<h2>The three tests</h2>{_rows(verdict_rows(summary))}"
        f"<h2>The month in figures</h2>{_rows(figure_rows(summary))}"
        f"<h2>By day</h2>{figure}"
        f"<h2>Assumptions and sources</h2><ul>{notes}</ul></body></html>"
    )


def write_public_report(summary: MonthSummary, out: Path) -> list[Path]:
    """report.html, report.pdf and summary.json (the public aggregates) in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.html", out / "report.pdf", out / "summary.json"]
    paths[0].write_text(report_html(summary), encoding="utf-8")
    paths[1].write_bytes(report_pdf(summary, ASSUMPTIONS))
    public = summary.model_dump(mode="json", exclude={"statements"})
    paths[2].write_text(json.dumps(public, indent=2), encoding="utf-8")
    return paths
