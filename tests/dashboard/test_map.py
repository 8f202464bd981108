"""The shipped map of Pakistan: its provinces, and every zone's centre inside it."""

from __future__ import annotations

import json
import re
from importlib.resources import files

from surplus.dashboard.map import PROVINCE_NAMES, base_map
from surplus.dashboard.zones import known_zones


def inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """Ray casting: a point (lon, lat) inside a closed ring."""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def rings() -> list[list[list[float]]]:
    data = json.loads((files("surplus.dashboard") / "data/pakistan_map.json").read_text())
    found = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon"
            else geometry["coordinates"]
        )  # fmt: skip
        found += [polygon[0] for polygon in polygons]  # outer rings
    return found


def test_the_ray_caster_on_a_square() -> None:
    square = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]]
    assert inside((1.0, 1.0), square) and not inside((3.0, 1.0), square)


def test_seven_provinces_and_territories_from_natural_earth() -> None:
    data = json.loads((files("surplus.dashboard") / "data/pakistan_map.json").read_text())
    assert "Natural Earth" in data["source"]
    assert {f["properties"]["id"] for f in data["features"]} == set(PROVINCE_NAMES)
    lons = [p[0] for ring in rings() for p in ring]
    lats = [p[1] for ring in rings() for p in ring]
    # Pakistan spans about 60.9-77.8 E and 23.7-37.1 N
    assert min(lons) > 60 and max(lons) < 78 and min(lats) > 23 and max(lats) < 37.5


def test_every_zone_centre_lies_in_pakistan() -> None:
    outlines = rings()
    for zone in known_zones().values():
        assert zone.latitude_deg is not None and zone.longitude_deg is not None
        point = (zone.longitude_deg, zone.latitude_deg)
        assert any(inside(point, ring) for ring in outlines), zone.zone


def test_svg_paths_stay_in_the_view_box() -> None:
    geography = base_map()
    _, _, width, height = (float(v) for v in geography.view_box.split())
    for province in geography.provinces:
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", province.path)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= width and min(ys) >= 0 and max(ys) <= height
    lahore = geography.point(31.52, 74.36)
    karachi = geography.point(24.86, 67.01)
    assert lahore[0] > karachi[0] and lahore[1] < karachi[1]  # north-east of Karachi
