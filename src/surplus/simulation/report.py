"""The simulation's report: a self-contained HTML page (plotly) and a summary JSON."""

from __future__ import annotations

import html
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from surplus import strict_json
from surplus.simulation.summary import SimSummary
from surplus.simulation.world import SimResult

PLOT_EVERY_S = 30.0
MAX_PLOT_POINTS = 5_000


def _thin(result: SimResult) -> slice:
    """Every sample the plots need: one per PLOT_EVERY_S (the tables use them all)."""
    span_s = len(result.timeline.times) * result.tick_s
    every_s = max(PLOT_EVERY_S, span_s / MAX_PLOT_POINTS)  # a month stays a few MB
    return slice(None, None, max(int(every_s / result.tick_s), 1))


def zone_figure(result: SimResult) -> go.Figure:
    """Per zone: spare capacity, the flexible load as contracted and as drawn."""
    tl, every = result.timeline, _thin(result)
    times = [t.astimezone(_tz(result)) for t in tl.times[every]]
    spare, drawn = np.vstack(tl.spare_mw)[every], np.vstack(tl.drawn_mw)[every]
    figure = make_subplots(
        rows=len(result.zones), cols=1, shared_xaxes=True, subplot_titles=result.zones
    )
    for k, zone in enumerate(result.zones):
        full = sum(s.sheet.allocated_mw for s in result.scenario.sites if s.sheet.zone == zone)
        room = np.minimum(spare[:, k], full * 1.5)
        figure.add_scatter(
            x=times,
            y=room,
            name=f"{zone}: spare capacity (MW, capped for view)",
            line={"color": "#2a9d8f"},
            row=k + 1,
            col=1,
        )
        figure.add_scatter(
            x=times,
            y=[full] * len(times),
            name=f"{zone}: flexible load contracted",
            line={"color": "#999", "dash": "dot"},
            row=k + 1,
            col=1,
        )
        figure.add_scatter(
            x=times,
            y=drawn[:, k],
            name=f"{zone}: flexible load drawn",
            line={"color": "#e76f51"},
            row=k + 1,
            col=1,
        )
    figure.update_layout(height=320 * len(result.zones), title="Spare capacity and flexible load")
    return figure


def site_figure(result: SimResult) -> go.Figure:
    tl, every = result.timeline, _thin(result)
    times = [t.astimezone(_tz(result)) for t in tl.times[every]]
    powers = np.vstack(tl.site_mw)[every]
    figure = go.Figure()
    for k, sim in enumerate(result.scenario.sites):
        label = f"{sim.site_id} {sim.name}" + (" (lies)" if sim.behaviour.lies else "")
        figure.add_scatter(x=times, y=powers[:, k], name=label, mode="lines")
    figure.update_layout(title="Each site's power (MW)", height=450)
    return figure


def timing_figure(summary: SimSummary) -> go.Figure:
    orders = summary.orders
    figure = go.Figure()
    if len(orders):
        for column, name in (
            ("acked_at", "order → acknowledgement"),
            ("reached_at", "order → metered target"),
        ):
            found = orders.dropna(subset=[column])
            delays = [(r[column] - r["applies_at"]).total_seconds() for _, r in found.iterrows()]
            figure.add_histogram(x=delays, name=name, nbinsx=30)
    figure.update_layout(
        title="Timing of orders (seconds after each order applied)", barmode="overlay", height=350
    )
    return figure


def _tz(result: SimResult) -> ZoneInfo:
    return ZoneInfo(result.scenario.timezone)


def write_report(result: SimResult, summary: SimSummary, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(
        strict_json.dumps(summary.facts, default=str) + "\n", encoding="utf-8"
    )
    summary.orders.to_csv(out / "orders.csv", index=False)
    summary.sites.to_csv(out / "sites.csv")
    summary.zones.to_csv(out / "zones.csv")
    parts = [
        f"<h1>Grid protection simulation, {html.escape(summary.facts['day'])}</h1>",
        "<p>The controller, the OpenADR VTN and one simulated agent per site ran in one "
        "process on a virtual clock; the grid state is the dispatch's spare capacity for each "
        "hour of the day. Households' loss is the flexible load beyond a zone's spare "
        "capacity, integrated over the day: what load-shedding would have had to cover.</p>",
        "<h2>Households</h2>",
        summary.zones.round(2).to_html(),
        "<h2>Sites</h2>",
        summary.sites.round(2).to_html(),
        "<h2>Facts</h2><pre>"
        + html.escape(strict_json.dumps(summary.facts, default=str))
        + "</pre>",
    ]
    figures = [zone_figure(result), site_figure(result), timing_figure(summary)]
    body = "\n".join(parts) + "\n".join(
        f.to_html(full_html=False, include_plotlyjs=i == 0)  # plotly.js inlined once
        for i, f in enumerate(figures)
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Simulation</title></head>"
        f"<body style='font-family:sans-serif;max-width:1200px;margin:auto'>{body}</body></html>"
    )
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
