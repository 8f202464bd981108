"""Pakistan's provinces as SVG paths, and where each zone's centre falls on them.

The outline is Natural Earth's (public domain), simplified and shipped in
`data/pakistan_map.json` (tools/make_pakistan_map.py wrote it; data/SOURCE.md says how).
Projection: equirectangular, longitudes scaled by the cosine of the middle latitude, which
keeps shapes right within Pakistan's 13 degrees of latitude; no tiles, nothing fetched.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from surplus.dashboard.i18n import N_

SCALE = 40.0
"""SVG units per degree of latitude."""
MARGIN = 10.0

PROVINCE_NAMES = {
    "punjab": N_("Punjab"),
    "sindh": N_("Sindh"),
    "kp": N_("Khyber Pakhtunkhwa"),
    "balochistan": N_("Balochistan"),
    "ict": N_("Islamabad Capital Territory"),
    "gb": N_("Gilgit-Baltistan"),
    "ajk": N_("Azad Jammu and Kashmir"),
}


@dataclass(frozen=True)
class Province:
    id: str
    name: str
    path: str
    """SVG path data."""


@dataclass(frozen=True)
class BaseMap:
    view_box: str
    provinces: tuple[Province, ...]
    lon0: float
    lat_max: float
    cos_lat: float

    def point(self, latitude_deg: float, longitude_deg: float) -> tuple[float, float]:
        """SVG coordinates of a place."""
        x = MARGIN + (longitude_deg - self.lon0) * self.cos_lat * SCALE
        y = MARGIN + (self.lat_max - latitude_deg) * SCALE
        return round(x, 1), round(y, 1)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@lru_cache(maxsize=1)
def base_map() -> BaseMap:
    data = json.loads((files("surplus.dashboard") / "data" / "pakistan_map.json").read_text())
    rings = {f["properties"]["id"]: _rings(f["geometry"]) for f in data["features"]}
    points = [p for shapes in rings.values() for ring in shapes for p in ring]
    lon_min, lon_max = min(p[0] for p in points), max(p[0] for p in points)
    lat_min, lat_max = min(p[1] for p in points), max(p[1] for p in points)
    cos_lat = math.cos(math.radians((lat_min + lat_max) / 2))
    width = (lon_max - lon_min) * cos_lat * SCALE + 2 * MARGIN
    height = (lat_max - lat_min) * SCALE + 2 * MARGIN
    frame = BaseMap(f"0 0 {width:.0f} {height:.0f}", (), lon_min, lat_max, cos_lat)
    provinces = []
    for key, shapes in rings.items():
        parts = []
        for ring in shapes:
            xy = [frame.point(lat, lon) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in xy) + "Z")
        provinces.append(Province(key, PROVINCE_NAMES.get(key, key), "".join(parts)))
    return BaseMap(frame.view_box, tuple(provinces), lon_min, lat_max, cos_lat)
