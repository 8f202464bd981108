"""Write the dashboard's map of Pakistan (src/surplus/dashboard/data/pakistan_map.json) from
Natural Earth's 1:10m admin-1 polygons as QGIS ships them, simplified.

Source: `world_map.gpkg` of Debian's `qgis-common` package (layer `states_provinces`, Natural
Earth 1:10m "Admin 1 - States, Provinces" v4.1.0, public domain, generalised by QGIS). Get it
without installing QGIS:

    apt-get download qgis-common && dpkg-deb -x qgis-common_*.deb qgis
    python tools/make_pakistan_map.py qgis/usr/share/qgis/resources/data/world_map.gpkg

Natural Earth 4.1.0 predates the 2018 merger of the Federally Administered Tribal Areas into
Khyber Pakhtunkhwa and names Gilgit-Baltistan "Northern Areas": both are brought up to date
here. Coordinates are rounded to 0.01 degree (about 1 km), enough for a map a page wide.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from shapely import wkb
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

OUT = Path(__file__).parent.parent / "src/surplus/dashboard/data/pakistan_map.json"
TOLERANCE_DEG = 0.02
# Natural Earth's gn_name -> (our id, today's English name); FATA is merged into KP.
PROVINCES = {
    "Punjab": ("punjab", "Punjab"),
    "Sindh": ("sindh", "Sindh"),
    "Khyber Pakhtunkhwa Province": ("kp", "Khyber Pakhtunkhwa"),
    "Federally Administered Tribal Areas": ("kp", "Khyber Pakhtunkhwa"),
    "Balochistan": ("balochistan", "Balochistan"),
    "Islamabad Capital Territory": ("ict", "Islamabad Capital Territory"),
    "Northern Areas": ("gb", "Gilgit-Baltistan"),
    "Azad Kashmir": ("ajk", "Azad Jammu and Kashmir"),
}


def geometry(blob: bytes) -> BaseGeometry:
    """A GeoPackage geometry blob: 'GP', version, flags, srs id (4 bytes), envelope, WKB."""
    flags = blob[3]
    envelope_doubles = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}[(flags >> 1) & 0x07]
    return wkb.loads(bytes(blob[8 + 8 * envelope_doubles :]))


def rounded(coords: object) -> object:
    if isinstance(coords, tuple | list) and coords and isinstance(coords[0], float):
        return [round(float(c), 2) for c in coords]
    return [rounded(c) for c in coords]  # type: ignore[attr-defined]


def main(gpkg: str) -> None:
    connection = sqlite3.connect(gpkg)
    rows = connection.execute(
        "SELECT gn_name, geom FROM states_provinces WHERE adm0_a3 = 'PAK'"
    ).fetchall()
    parts: dict[str, list[BaseGeometry]] = {}
    names: dict[str, str] = {}
    for gn_name, blob in rows:
        key, name = PROVINCES[gn_name]
        parts.setdefault(key, []).append(geometry(blob))
        names[key] = name
    features = []
    for key in sorted(parts):
        shape = unary_union(parts[key]).simplify(TOLERANCE_DEG, preserve_topology=True)
        geo = mapping(shape)
        features.append(
            {
                "type": "Feature",
                "properties": {"id": key, "name": names[key]},
                "geometry": {"type": geo["type"], "coordinates": rounded(geo["coordinates"])},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m Admin 1 - States, Provinces v4.1.0 (public domain), "
        "as generalised in QGIS's world_map.gpkg; FATA merged into Khyber Pakhtunkhwa, "
        "Northern Areas named Gilgit-Baltistan; simplified to 0.02 degree",
        "features": features,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(features)} provinces)")


if __name__ == "__main__":
    main(sys.argv[1])
