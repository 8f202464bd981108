"""Plotly figures of an allocation: a schematic map of the zones and MW by zone and kind.

The map places each zone at its centre's longitude and latitude on plain axes (equal scale,
no base map, so the report needs no download to draw it).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from surplus.allocation.allocator import Allocation
from surplus.allocation.output import allocations_frame

KIND_LABELS = {"miner": "Bitcoin miners", "ai_data_centre": "AI data centres"}


def allocation_map_figure(allocation: Allocation) -> go.Figure:
    frame = allocations_frame(allocation)
    grid = allocation.grid
    wanted = frame.assign(zone=[_first_zone(allocation, a) for a in frame["application"]])
    requested = wanted.groupby("zone")["requested_mw"].sum()
    granted = frame[frame["allocated_mw"] > 0].groupby("zone")["allocated_mw"].sum()
    zones = [z for z in grid.zones if z in grid.zone_lat_lon and (z in requested or z in granted)]
    lat = [grid.zone_lat_lon[z][0] for z in zones]
    lon = [grid.zone_lat_lon[z][1] for z in zones]
    asked = np.array([float(requested.get(z, 0.0)) for z in zones])
    got = np.array([float(granted.get(z, 0.0)) for z in zones])
    scale = max(float(asked.max(initial=0.0)), 1.0)
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=lon,
            y=lat,
            mode="markers",
            name="requested (first choice)",
            marker={
                "size": 12 + 60 * np.sqrt(asked / scale),
                "color": "rgba(0,0,0,0)",
                "line": {"color": "#8a94a3", "width": 1.5},
            },
            hovertext=[
                f"{grid.zone_labels.get(z, z)}: {a:,.0f} MW requested"
                for z, a in zip(zones, asked, strict=True)
            ],
            hoverinfo="text",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=lon,
            y=lat,
            mode="markers+text",
            name="allocated",
            marker={"size": 12 + 60 * np.sqrt(got / scale), "color": "#1f77b4", "opacity": 0.75},
            text=[
                f"{grid.zone_labels.get(z, z).split(' (')[0]}<br>{g:,.0f} MW"
                for z, g in zip(zones, got, strict=True)
            ],
            textposition="top center",
            hovertext=[
                f"{grid.zone_labels.get(z, z)}: {g:,.0f} MW allocated"
                for z, g in zip(zones, got, strict=True)
            ],
            hoverinfo="text",
        )
    )
    figure.update_layout(
        title="Where the quota goes: MW allocated by zone (schematic map, zone centres)",
        xaxis={"title": "longitude (°E)", "scaleanchor": "y", "scaleratio": 1},
        yaxis={"title": "latitude (°N)"},
        height=620,
        template="plotly_white",
    )
    return figure


def _first_zone(allocation: Allocation, application_id: str) -> str:
    for d in allocation.decisions:
        if d.application.application_id == application_id:
            if d.zone:
                return d.zone
            return allocation.grid.sites.get(d.application.sites[0], "")
    return ""


def allocation_bars_figure(allocation: Allocation) -> go.Figure:
    frame = allocations_frame(allocation)
    granted = frame[frame["allocated_mw"] > 0]
    table = granted.pivot_table(
        index="zone", columns="kind", values="allocated_mw", aggfunc="sum", fill_value=0.0
    )
    figure = go.Figure()
    for kind in table.columns:
        figure.add_trace(
            go.Bar(x=list(table.index), y=table[kind], name=KIND_LABELS.get(kind, kind))
        )
    figure.update_layout(
        barmode="stack",
        title="MW allocated by zone and kind of load",
        yaxis_title="MW",
        template="plotly_white",
    )
    return figure
