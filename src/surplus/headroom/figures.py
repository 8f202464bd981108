"""Plotly figures for the assessment report: pure functions from results to `Figure`s."""

from __future__ import annotations

import calendar as std_calendar

import numpy as np
import plotly.graph_objects as go

from surplus.headroom.results import CurtailmentStats, HeadroomTable
from surplus.headroom.siting import SitingReport
from surplus.headroom.table import budget_label

MONTHS = [std_calendar.month_abbr[m] for m in range(1, 13)]
HOURS = [f"{h:02d}:00" for h in range(24)]


def headroom_by_zone_figure(table: HeadroomTable, title: str = "Headroom by zone") -> go.Figure:
    """Grouped bars: one group per zone, one bar per budget, MW."""
    frame = table.headroom_mw()
    figure = go.Figure()
    for budget in table.budgets:
        figure.add_bar(name=budget_label(budget), x=list(frame.index), y=frame[budget].tolist())
    figure.update_layout(
        title=title,
        barmode="group",
        xaxis_title="zone",
        yaxis_title="headroom, MW",
        legend_title="curtailment budget",
    )
    return figure


def curtailment_calendar_figure(stats: CurtailmentStats, title: str) -> go.Figure:
    """Heatmap of curtailed hours by month (rows) and local hour of day (columns)."""
    counts = [list(row) for row in stats.curtailed_hours_by_month_and_hour] or [[0] * 24] * 12
    figure = go.Figure(
        go.Heatmap(
            z=counts, x=HOURS, y=MONTHS, colorscale="Reds", colorbar={"title": "curtailed hours"}
        )
    )
    figure.update_layout(
        title=title,
        xaxis_title="hour of day (local)",
        yaxis_title="month",
        yaxis={"autorange": "reversed"},
    )
    return figure


def rate_curve_figure(
    report: SitingReport, title: str = "Curtailment rate vs new load"
) -> go.Figure:
    """Rate (%) against constant load (MW) for each zone, named sites marked on their zone."""
    from plotly.colors import qualitative

    curves = report.rate_curves
    figure = go.Figure()
    palette = qualitative.Dark24  # 24 distinct colours: 13+ zones never share one
    for k, zone in enumerate(curves.columns):
        figure.add_scatter(
            x=curves.index.tolist(),
            y=(100 * curves[zone]).tolist(),
            mode="lines",
            name=str(zone),
            line={"color": palette[k % len(palette)], "dash": ("solid", "dash")[k // 12 % 2]},
        )
    spread = ("top left", "top right", "bottom right", "bottom left", "top center")
    if report.joint is not None:
        for n, item in enumerate(report.joint.sites):
            x = curves.index.to_numpy()
            rate = float(
                100 * _interpolate(item.site.load_mw, x, curves[item.site.zone].to_numpy())
            )
            figure.add_scatter(
                x=[item.site.load_mw],
                y=[rate],
                mode="markers+text",
                text=[item.site.name],
                textposition=spread[n % len(spread)],  # sites of equal load: labels apart
                marker={"size": 11, "symbol": "diamond"},
                name=f"{item.site.name} ({item.site.zone}, alone)",
            )
    figure.update_layout(
        title=title,
        xaxis_title="constant new load, MW",
        yaxis_title="curtailment rate, % of energy",
        legend_title="zone",
    )
    return figure


def _interpolate(value: float, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.interp(value, x.astype(float), y.astype(float)))


def siting_figures(report: SitingReport, budget: float = 0.005) -> dict[str, go.Figure]:
    """The report's headroom figures, keyed by a stable name."""
    figures = {
        "headroom_by_zone": headroom_by_zone_figure(
            report.zones, f"Curtailment-enabled headroom by zone — {report.dataset_name}"
        ),
        "rate_curves": rate_curve_figure(report),
    }
    if report.joint is not None:
        figures["joint_calendar"] = curtailment_calendar_figure(
            report.joint.combined,
            f"When the {report.joint.total_load_mw:,.0f} MW at the named sites is curtailed",
        )
    at_budget = [item for item in report.zones.items if item.budget == budget]
    if at_budget:
        top = max(at_budget, key=lambda item: item.headroom_mw)
        figures["zone_calendar"] = curtailment_calendar_figure(
            top.curtailment, f"Curtailment calendar, {top.region} at {budget_label(budget)}"
        )
    return figures
