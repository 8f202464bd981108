"""Pakistan on a chart without a network: the provinces' outlines (Natural Earth, public
domain, shipped with the dashboard: `dashboard/data/SOURCE.md`), which province a point is
in, label positions that do not collide, and colours for many zones grouped by province.

Plain functions over plotly figures and numbers; no tiles, no requests.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np
import plotly.graph_objects as go

MAP_FILE = ("dashboard", "data", "pakistan_map.json")

PROVINCE_HUES = {
    "Punjab": ("#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#2171b5", "#4292c6"),
    "Sindh": ("#a63603", "#e6550d", "#fd8d3c", "#fdae6b", "#d94801"),
    "Khyber Pakhtunkhwa": ("#006d2c", "#31a354", "#74c476", "#a1d99b"),
    "Balochistan": ("#54278f", "#756bb1", "#9e9ac8"),
    "Islamabad Capital Territory": ("#636363", "#969696"),
    "Azad Jammu and Kashmir": ("#b30000", "#e34a33"),
    "Gilgit-Baltistan": ("#7a0177", "#c51b8a"),
}
"""One hue family per province, so 13+ zones read as groups; a zone outside every province
(offshore, or none given) takes grey."""

OTHER = ("#252525", "#525252", "#737373", "#969696", "#bdbdbd")


@lru_cache(maxsize=1)
def provinces() -> tuple[tuple[str, tuple[np.ndarray, ...]], ...]:
    """Each province's name and outer rings (arrays of lon, lat)."""
    path = files("surplus").joinpath(*MAP_FILE)
    document = json.loads(path.read_text(encoding="utf-8"))
    shapes = []
    for feature in document["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = tuple(np.asarray(polygon[0], dtype=float) for polygon in polygons)
        shapes.append((str(feature["properties"]["name"]), rings))
    return tuple(shapes)


def bounds(margin_deg: float = 0.4) -> tuple[float, float, float, float]:
    """(lon_min, lon_max, lat_min, lat_max) of the provinces, with a margin."""
    points = np.vstack([ring for _, rings in provinces() for ring in rings])
    return (
        float(points[:, 0].min() - margin_deg),
        float(points[:, 0].max() + margin_deg),
        float(points[:, 1].min() - margin_deg),
        float(points[:, 1].max() + margin_deg),
    )


def _inside(ring: np.ndarray, lon: float, lat: float) -> bool:
    """Ray casting: is the point inside the closed ring?"""
    x, y = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = (y > lat) != (y2 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x + (lat - y) * (x2 - x) / (y2 - y)
    return bool(np.count_nonzero(crosses & (lon < at)) % 2)


def province_of(lon: float, lat: float) -> str | None:
    """The province a point lies in; the nearest one within 0.5° (coastal plants); None.

    >>> province_of(67.0, 24.9), province_of(74.3, 31.5), province_of(0.0, 0.0)
    ('Sindh', 'Punjab', None)
    """
    for name, rings in provinces():
        if any(_inside(ring, lon, lat) for ring in rings):
            return name
    best, distance = None, 0.5
    for name, rings in provinces():
        for ring in rings:
            d = float(np.min(np.hypot(ring[:, 0] - lon, ring[:, 1] - lat)))
            if d < distance:
                best, distance = name, d
    return best


def on_the_map(zones: Any) -> bool:
    """True when most zones (a frame with `lon`, `lat`) lie in Pakistan's provinces."""
    inside = [province_of(float(r["lon"]), float(r["lat"])) for _, r in zones.iterrows()]
    return sum(p is not None for p in inside) > len(inside) / 2


def zone_colours(zones: Any) -> dict[str, str]:
    """A colour per zone (a frame with `lon` and `lat`, indexed by zone): zones of one
    province share a hue family, in shades that differ."""
    used: dict[str, int] = {}
    colours = {}
    for zone, row in zones.sort_values(["lat", "lon"], ascending=False).iterrows():
        province = province_of(float(row["lon"]), float(row["lat"])) or ""
        family = PROVINCE_HUES.get(province, OTHER)
        k = used.get(province, 0)
        used[province] = k + 1
        colours[str(zone)] = family[k % len(family)]
    return colours


def zone_groups(zones: Any) -> dict[str, str]:
    """Each zone's province (or 'other'), for legend groups."""
    return {
        str(zone): province_of(float(row["lon"]), float(row["lat"])) or "other"
        for zone, row in zones.iterrows()
    }


POSITIONS = (
    ("top center", 0.0, 1.0),
    ("bottom center", 0.0, -1.0),
    ("middle right", 1.0, 0.0),
    ("middle left", -1.0, 0.0),
    ("top right", 0.8, 0.8),
    ("top left", -0.8, 0.8),
    ("bottom right", 0.8, -0.8),
    ("bottom left", -0.8, -0.8),
)


def label_positions(
    lon: Sequence[float], lat: Sequence[float], labels: Sequence[str], scale_deg: float = 0.35
) -> list[str]:
    """A plotly `textposition` per point, chosen greedily so each label's box keeps clear of
    the points and of the labels already placed (boxes estimated from the text length)."""
    xs, ys = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    placed: list[tuple[float, float, float, float]] = []
    chosen = []
    char_deg, height_deg = 0.11 * scale_deg / 0.35, 0.3 * scale_deg / 0.35
    order = np.argsort(-ys)
    result = [""] * len(xs)
    for i in order:
        width = char_deg * len(labels[i])
        best, best_cost = POSITIONS[0][0], float("inf")
        for name, dx, dy in POSITIONS:
            cx = xs[i] + dx * (width / 2 + 0.1)
            cy = ys[i] + dy * (height_deg / 2 + 0.12)
            box = (cx - width / 2, cx + width / 2, cy - height_deg / 2, cy + height_deg / 2)
            cost = sum(_overlap(box, other) for other in placed)
            others = np.arange(len(xs)) != i
            inside = (xs > box[0]) & (xs < box[1]) & (ys > box[2]) & (ys < box[3]) & others
            cost += float(np.count_nonzero(inside)) * height_deg * 0.5
            if cost < best_cost - 1e-9:
                best, best_cost, best_box = name, cost, box
        placed.append(best_box)
        result[i] = best
        chosen.append(best)
    return result


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    width = min(a[1], b[1]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[2], b[2])
    return max(width, 0.0) * max(height, 0.0)


def add_provinces(figure: go.Figure, labels: bool = True) -> go.Figure:
    """Draw the provinces (light fill, grey outline, names in grey) under everything else,
    and fix the axes to Pakistan with equal scale."""
    for name, rings in provinces():
        for k, ring in enumerate(rings):
            figure.add_trace(
                go.Scatter(
                    x=ring[:, 0], y=ring[:, 1], mode="lines", fill="toself",
                    fillcolor="rgba(230,226,214,0.6)", line={"color": "#9a948a", "width": 0.8},
                    hoverinfo="skip", showlegend=False, name=name if k == 0 else None,
                )
            )  # fmt: skip
        if labels:
            biggest = max(rings, key=len)
            figure.add_annotation(
                x=float(biggest[:, 0].mean()), y=float(biggest[:, 1].mean()), text=name,
                showarrow=False, font={"size": 10, "color": "#8a8478"}, opacity=0.9,
            )  # fmt: skip
    lon_min, lon_max, lat_min, lat_max = bounds()
    figure.update_layout(
        xaxis={"range": [lon_min, lon_max], "showgrid": False, "title": "longitude (°E)"},
        yaxis={
            "range": [lat_min, lat_max], "showgrid": False, "title": "latitude (°N)",
            "scaleanchor": "x", "scaleratio": 1,
        },
        plot_bgcolor="#dfeaf2",
    )  # fmt: skip
    # Province fills go under the data traces drawn before this call, too.
    figure.data = tuple(
        [t for t in figure.data if t.fill == "toself"]
        + [t for t in figure.data if t.fill != "toself"]
    )
    return figure
