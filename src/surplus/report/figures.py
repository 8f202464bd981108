"""Plotly figures of the assessment. Each takes plain tables and returns a Figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from surplus.headroom.sites import NAMED_PLANTS
from surplus.report.summary import Assessment

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _duration_points(hours: int, points: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Which sorted hours to draw: both ends exactly, evenly between, to keep the page small."""
    keep = np.unique(np.linspace(0, hours - 1, min(points, hours)).round().astype(int))
    return keep + 1, keep


def surplus_heatmap(assessment: Assessment) -> go.Figure:
    """Zone × month: mean spare capacity, MW, if that zone alone took new load."""
    spare = assessment.result.spare_mw
    month = assessment.dataset.local_snapshots.month
    mean = spare.groupby(np.asarray(month)).mean().T
    figure = go.Figure(
        go.Heatmap(
            z=mean.to_numpy(),
            x=[MONTHS[m - 1] for m in mean.columns],
            y=list(mean.index),
            colorscale="Viridis",
            colorbar={"title": "MW"},
            hovertemplate="%{y}, %{x}: %{z:,.0f} MW<extra></extra>",
        )
    )
    figure.update_layout(
        title="Mean spare deliverable capacity by zone and month (MW)",
        yaxis={"autorange": "reversed"},
        height=480,
    )
    return figure


def _duration_figure(frame: pd.DataFrame, title: str, unit: str) -> go.Figure:
    """Each column sorted from its highest hour to its lowest, one line per column."""
    figure = go.Figure()
    hours, keep = _duration_points(len(frame))
    for column in frame.columns:
        ordered = np.sort(frame[column].to_numpy())[::-1][keep]
        figure.add_trace(go.Scatter(x=hours, y=ordered, name=str(column), mode="lines"))
    figure.update_layout(
        title=title, xaxis_title="hours of the year at or above", yaxis_title=unit, height=460
    )
    return figure


def duration_curves(assessment: Assessment) -> go.Figure:
    """Spare capacity of each zone: how many hours each level is available."""
    return _duration_figure(
        assessment.result.spare_mw, "Duration curve of spare deliverable capacity per zone", "MW"
    )


def plant_map(assessment: Assessment) -> go.Figure:
    """Zones, corridors and operating plants on longitude/latitude axes.

    Drawn without a base map so the report needs no map tiles or network access: marker area
    ∝ capacity, colour = utilisation, corridor width ∝ limit, corridor colour = congestion.
    """
    dataset = assessment.dataset
    plants = assessment.utilisation_by_plant.join(dataset.plants[["lat", "lon"]])
    zones = dataset.zones
    figure = go.Figure()
    congestion_share = assessment.corridor_congestion["share_congested"]
    for corridor, row in dataset.corridors.iterrows():
        a, b = zones.loc[row["from_zone"]], zones.loc[row["to_zone"]]
        share = float(congestion_share.get(corridor, 0.0))
        figure.add_trace(
            go.Scatter(
                x=[a["lon"], b["lon"]],
                y=[a["lat"], b["lat"]],
                mode="lines",
                showlegend=False,
                line={
                    "width": 1 + row["capacity_mw"] / 800.0,
                    "color": f"rgba({int(80 + 175 * share)},80,80,0.55)",
                },
                hoverinfo="text",
                text=f"{corridor}: {row['capacity_mw']:,.0f} MW, congested {share:.0%} of hours",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=zones["lon"],
            y=zones["lat"],
            text=list(zones.index),
            mode="markers+text",
            marker={"symbol": "square", "size": 10, "color": "#333"},
            textposition="top center",
            name="zones",
            hoverinfo="text",
        )
    )
    named = plants.index.isin(NAMED_PLANTS)
    sizes = 6 + 34 * np.sqrt(plants["capacity_mw"] / max(plants["capacity_mw"].max(), 1.0))
    figure.add_trace(
        go.Scatter(
            x=plants["lon"],
            y=plants["lat"],
            mode="markers",
            name="plants",
            hoverinfo="text",
            text=[
                f"{n} ({f}): {c:,.0f} MW, utilisation {u:.0%}"
                for n, f, c, u in zip(
                    plants["name"],
                    plants["fuel"],
                    plants["capacity_mw"],
                    plants["utilisation"].fillna(0.0),
                    strict=True,
                )
            ],
            marker={
                "size": sizes,
                "color": plants["utilisation"],
                "cmin": 0,
                "cmax": 1,
                "colorscale": "RdYlGn",
                "colorbar": {"title": "utilisation", "x": 1.02},
                "line": {"width": np.where(named, 3, 0.5), "color": "black"},
                "opacity": 0.85,
            },
        )
    )
    figure.update_layout(
        title="Plants sized by capacity, coloured by utilisation; corridors by congestion "
        "(thick outline: the programme's named plants)",
        xaxis={"title": "longitude", "showgrid": False},
        yaxis={"title": "latitude", "scaleanchor": "x", "showgrid": False},
        height=760,
        plot_bgcolor="#f3f1ea",
        legend={"orientation": "h", "y": -0.08},
    )
    return figure


def congestion(assessment: Assessment) -> go.Figure:
    """Share of hours each corridor is at its limit, by local month."""
    congested = assessment.result.congested
    month = np.asarray(assessment.dataset.local_snapshots.month)
    share = congested.groupby(month).mean().T
    figure = go.Figure(
        go.Heatmap(
            z=share.to_numpy(),
            x=[MONTHS[m - 1] for m in share.columns],
            y=list(share.index),
            zmin=0,
            zmax=1,
            colorscale="Reds",
            colorbar={"title": "share of hours"},
            hovertemplate="%{y}, %{x}: congested %{z:.0%} of hours<extra></extra>",
        )
    )
    figure.update_layout(
        title="Congestion by corridor and month (share of hours at the limit)",
        yaxis={"autorange": "reversed"},
        height=max(360, 28 * len(share)),
    )
    return figure


def price_duration(assessment: Assessment) -> go.Figure:
    """Marginal cost per zone: how often each price level is reached."""
    return _duration_figure(
        assessment.result.price_pkr_per_mwh / 1000.0,
        "Duration curve of marginal cost per zone",
        "Rs/kWh",
    )


def monthly_utilisation(assessment: Assessment) -> go.Figure:
    """Monthly utilisation of the named plants against the published ~15%."""
    table = assessment.named_plants
    months = [c for c in table.columns if isinstance(c, str) and c.startswith("m")]
    figure = go.Figure()
    for plant, row in table.iterrows():
        figure.add_trace(
            go.Bar(
                x=MONTHS[: len(months)], y=row[months].astype(float), name=str(row["name"] or plant)
            )
        )
    figure.add_hline(y=0.15, line_dash="dash", annotation_text="reported ~15%")
    figure.update_layout(
        title="Monthly utilisation of the programme's named coal plants",
        yaxis={"tickformat": ".0%"},
        barmode="group",
        height=420,
    )
    return figure


def all_figures(assessment: Assessment) -> list[tuple[str, go.Figure]]:
    return [
        ("Surplus by zone and month", surplus_heatmap(assessment)),
        ("Spare capacity duration curves", duration_curves(assessment)),
        ("Plants and utilisation", plant_map(assessment)),
        ("Named plants", monthly_utilisation(assessment)),
        ("Congestion", congestion(assessment)),
        ("Marginal cost", price_duration(assessment)),
    ]
