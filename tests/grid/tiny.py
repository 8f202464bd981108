"""A tiny valid dataset written to a folder, for tests that corrupt it one way at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surplus.grid.hourly import year_index

TOML = """\
name = "Tiny test grid"
year = {year}
timezone = "{timezone}"
currency = "PKR"
usd_exchange_rate = 280.0
value_of_lost_load_per_mwh = 100000
licence = "CC0-1.0"

[reserve]
largest_unit = true
share_of_demand = 0.05

[[sources]]
key = "TEST"
title = "Made up for tests"
"""

ZONES = """\
zone,name,lat,lon,kind
north,North,33.0,73.0,load
south,South,25.0,68.0,load
hub,Coal hub,24.8,67.3,hub
"""

PLANTS = """\
plant,name,zone,fuel,capacity_mw,variable_cost_pkr_per_mwh,must_run,availability,lat,lon,status,source
dam,Big dam,north,hydro,1000,100,0,hydro,34.0,72.7,operating,TEST
ccgt,Gas plant,north,rlng,800,22000,0,,31.5,74.0,operating,TEST
coal,Coal plant,hub,coal_imported,1320,15000,0,thermal,24.8,67.3,operating,TEST
nuke,Nuclear,south,nuclear,600,2000,1,thermal,24.8,66.8,operating,TEST
oldoil,Old oil,south,oil,300,30000,0,,24.9,66.7,retired,TEST
"""

CORRIDORS = """\
corridor,from_zone,to_zone,capacity_mw,reverse_capacity_mw
south_north,south,north,1500,
hub_south,hub,south,1000,800
"""

BUDGETS = """\
plant,month,energy_mwh
dam,1,200000
dam,7,600000
"""


def write_tiny(folder: Path, year: int = 2025, timezone: str = "Asia/Karachi") -> Path:
    """Write the tiny dataset into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.toml").write_text(TOML.format(year=year, timezone=timezone))
    (folder / "zones.csv").write_text(ZONES)
    (folder / "plants.csv").write_text(PLANTS)
    (folder / "corridors.csv").write_text(CORRIDORS)
    (folder / "hydro_budgets.csv").write_text(BUDGETS)
    index = year_index(year, timezone)
    local = index.tz_convert(timezone)
    stamps = [stamp.isoformat(timespec="minutes") for stamp in local]
    hour = local.hour.to_numpy()
    north = 900 + 300 * np.sin(2 * np.pi * hour / 24)
    demand = pd.DataFrame({"timestamp": stamps, "north": north.round(1), "south": 700.0})
    demand.to_csv(folder / "demand.csv", index=False)
    month = local.month.to_numpy()
    availability = pd.DataFrame(
        {
            "timestamp": stamps,
            "hydro": np.where((month >= 6) & (month <= 9), 0.9, 0.3),
            "thermal": 0.9,
        }
    )
    availability.to_csv(folder / "availability.csv", index=False)
    return folder
