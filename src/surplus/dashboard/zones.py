"""Names and centres of the zones the dashboard draws: the embedded Pakistan dataset's
`zones.csv`, read once. A zone the store knows but the dataset does not (another grid) is
still shown, by its id and without a place on the map."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from surplus.dashboard.i18n import N_


@dataclass(frozen=True)
class ZoneInfo:
    zone: str
    name: str
    latitude_deg: float | None
    longitude_deg: float | None


@lru_cache(maxsize=1)
def known_zones() -> dict[str, ZoneInfo]:
    """The embedded dataset's zones by id, in its file order."""
    # the file `surplus.grid.files.embedded_path()` names; read here without importing the
    # planning packages, which would add a second to the service's start
    text = (files("surplus") / "data" / "pakistan" / "zones.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return {
        row["zone"]: ZoneInfo(row["zone"], row["name"], float(row["lat"]), float(row["lon"]))
        for row in rows
    }


def zone_info(zone: str) -> ZoneInfo:
    return known_zones().get(zone) or ZoneInfo(zone, zone, None, None)


# Messages for the translation catalog: the embedded dataset's zone names (a test keeps this
# list equal to zones.csv) and the states a zone can be in.
ZONE_NAME_MESSAGES = (
    N_("FESCO (Faisalabad)"),
    N_("GEPCO (Gujranwala)"),
    N_("HESCO (Hyderabad)"),
    N_("IESCO (Islamabad)"),
    N_("K-Electric (Karachi)"),
    N_("LESCO (Lahore)"),
    N_("MEPCO (Multan)"),
    N_("PESCO incl. HAZECO and TESCO (Peshawar)"),
    N_("QESCO (Quetta)"),
    N_("SEPCO (Sukkur)"),
    N_("Northern hydro hub"),
    N_("Southern coast hub"),
    N_("Thar coal hub"),
)

CONDITION_LABELS = {
    "curtailed": N_("load curtailed by order"),
    "running": N_("flexible load running"),
    "idle": N_("no flexible load running"),
    "no_data": N_("no data"),
}


def zone_names() -> dict[str, str]:
    """Zone id -> English name (a catalog message id)."""
    return {zone: info.name for zone, info in known_zones().items()}
