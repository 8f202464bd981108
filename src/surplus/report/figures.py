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


DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")


def _duration_figure(
    frame: pd.DataFrame, title: str, unit: str, zones: pd.DataFrame | None = None
) -> go.Figure:
    """Each column sorted from its highest hour to its lowest, one line per column; with
    `zones` (lon, lat), coloured and grouped in the legend by province, so 13+ zones stay
    apart (a hue per province, a shade and a dash per zone)."""
    from surplus.maps import zone_colours, zone_groups

    figure = go.Figure()
    hours, keep = _duration_points(len(frame))
    known = zones is not None and set(map(str, frame.columns)) <= set(map(str, zones.index))
    colours = zone_colours(zones) if known and zones is not None else {}
    groups = zone_groups(zones) if known and zones is not None else {}
    seen: dict[str, int] = {}
    for column in frame.columns:
        ordered = np.sort(frame[column].to_numpy())[::-1][keep]
        name = str(column)
        group = groups.get(name)
        k = seen.get(group or "", 0)
        seen[group or ""] = k + 1
        style: dict[str, object] = {"width": 1.6}
        if name in colours:
            style |= {"color": colours[name], "dash": DASHES[k % len(DASHES)]}
        figure.add_trace(
            go.Scatter(
                x=hours, y=ordered, name=name, mode="lines", line=style,
                legendgroup=group, legendgrouptitle_text=group if k == 0 else None,
            )
        )  # fmt: skip
    figure.update_layout(
        title=title, xaxis_title="hours of the year at or above", yaxis_title=unit, height=480
    )
    return figure


def duration_curves(assessment: Assessment) -> go.Figure:
    """Spare capacity of each zone: how many hours each level is available."""
    return _duration_figure(
        assessment.result.spare_mw,
        "Duration curve of spare deliverable capacity per zone",
        "MW",
        assessment.dataset.zones,
    )


CONGESTION_BINS = (
    (0.0, 0.05, "#9ecae1", "congested < 5% of hours"),
    (0.05, 0.25, "#fd8d3c", "5–25% of hours"),
    (0.25, 1.01, "#cb181d", "≥ 25% of hours"),
)


def plant_map(assessment: Assessment) -> go.Figure:
    """Zones, corridors and operating plants on Pakistan's provinces (Natural Earth outlines
    shipped with the package: no tiles, no network). Marker area ∝ capacity, colour =
    utilisation; corridor width ∝ limit, colour = share of hours congested (legend)."""
    from surplus.maps import add_provinces, label_positions, on_the_map

    dataset = assessment.dataset
    plants = assessment.utilisation_by_plant.join(dataset.plants[["lat", "lon"]])
    zones = dataset.zones
    figure = go.Figure()
    congestion_share = assessment.corridor_congestion["share_congested"]
    shown: set[str] = set()
    for corridor, row in dataset.corridors.iterrows():
        a, b = zones.loc[row["from_zone"]], zones.loc[row["to_zone"]]
        share = float(congestion_share.get(corridor, 0.0))
        _, _, colour, label = next(x for x in CONGESTION_BINS if x[0] <= share < x[1])
        figure.add_trace(
            go.Scatter(
                x=[a["lon"], b["lon"]], y=[a["lat"], b["lat"]], mode="lines",
                name=f"corridor {label}", legendgroup=label, showlegend=label not in shown,
                line={"width": 1 + row["capacity_mw"] / 800.0, "color": colour},
                hoverinfo="text",
                text=f"{corridor}: {row['capacity_mw']:,.0f} MW, congested {share:.0%} of hours",
            )
        )  # fmt: skip
        shown.add(label)
    names = [str(z) for z in zones.index]
    figure.add_trace(
        go.Scatter(
            x=zones["lon"], y=zones["lat"], text=names, mode="markers+text",
            marker={"symbol": "square", "size": 9, "color": "#333"},
            textposition=label_positions(zones["lon"], zones["lat"], names),
            textfont={"size": 11}, name="zone (centre)", hoverinfo="text",
        )
    )  # fmt: skip
    named = plants.index.isin(NAMED_PLANTS)
    sizes = 6 + 34 * np.sqrt(plants["capacity_mw"] / max(plants["capacity_mw"].max(), 1.0))
    figure.add_trace(
        go.Scatter(
            x=plants["lon"],
            y=plants["lat"],
            mode="markers",
            name="plant (area ∝ MW; thick outline: named)",
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
                "colorbar": {"title": "plant utilisation", "x": 1.02, "tickformat": ".0%"},
                "line": {"width": np.where(named, 3, 0.5), "color": "black"},
                "opacity": 0.85,
            },
        )
    )
    if on_the_map(zones):
        add_provinces(figure)
    else:
        figure.update_layout(
            xaxis={"title": "longitude (°E)", "showgrid": False},
            yaxis={"title": "latitude (°N)", "scaleanchor": "x", "showgrid": False},
            plot_bgcolor="#f3f1ea",
        )
    figure.update_layout(
        title="Plants sized by capacity, coloured by utilisation; corridors by congestion "
        "(thick outline: the programme's named plants)",
        height=760,
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
    """Marginal cost per zone: how often each price level is reached. The axis stops just
    above the dearest plant's cost: hours priced at the value of lost load (or a spill
    penalty) would squash the range that matters, so they are counted in the title."""
    prices = assessment.result.price_pkr_per_mwh / 1000.0
    dearest = float(assessment.dataset.operating_plants["variable_cost_pkr_per_mwh"].max()) / 1000
    above = prices > dearest * 1.001
    hours_above = int(above.any(axis=1).sum())
    low = float(min(prices.to_numpy().min(), 0.0))
    title = "Duration curve of marginal cost per zone"
    if hours_above:
        title += (
            f" (axis up to the dearest plant, Rs {dearest:,.1f}/kWh; {hours_above:,} hours "
            "priced above it in some zone, at the value of lost load, are off the chart)"
        )
    figure = _duration_figure(prices, title, "Rs/kWh", assessment.dataset.zones)
    figure.update_yaxes(range=[low, dearest * 1.08])
    return figure


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
