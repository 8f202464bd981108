"""Write the sample applications shipped with the embedded Pakistan dataset.

Every operator is invented. Sizes, sites and flexibility are plausible for 2026: Bitcoin
miners of 20–300 MW that accept a few percent of curtailment at seconds' notice (fleets shed
in seconds [HRI-DR]), and AI data centres of 30–200 MW that are mostly firm or accept short
events at longer notice (a 25 % reduction for three hours shown in Phoenix, 2025
[EMERALD-PHX]). Sites are the three coal plants named for the programme [COINDESK] and other
zones with spare capacity. The file is written once from a fixed seed so it can be read and
reviewed; rerun only to regenerate it deliberately:

    python tools/make_sample_applications.py src/surplus/data/pakistan/applications.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

OPERATORS = [
    ("Indus Hashworks", "miner"),
    ("Karachi Compute Park", "ai_data_centre"),
    ("Thar Digital Mining", "miner"),
    ("Ravi Bitfarms", "miner"),
    ("Margalla AI Cloud", "ai_data_centre"),
    ("Sindh Sats", "miner"),
    ("Five Rivers Hash", "miner"),
    ("Arabian Sea Data", "ai_data_centre"),
    ("Cholistan Mining Co", "miner"),
    ("Potohar GPU Works", "ai_data_centre"),
    ("Mehran Blockworks", "miner"),
    ("Khyber Hashpower", "miner"),
]
MINER_SITES = [
    ["port_qasim", "south_coast"],
    ["sahiwal", "mepco"],
    ["china_power_hub"],
    ["thar_ssrl", "thar"],
    ["hesco", "sepco"],
    ["mepco", "fesco"],
    ["lesco"],
    ["south_coast", "hesco"],
    ["sepco"],
    ["pesco"],
    ["qesco"],
]
DC_SITES = [
    ["south_coast"],
    ["iesco", "gepco"],
    ["lesco", "fesco"],
    ["port_qasim"],
    ["hesco"],
    ["ke"],
]
FIELDS = [
    "application_id",
    "operator",
    "kind",
    "requested_mw",
    "min_mw",
    "sites",
    "max_curtailment_share",
    "longest_event_hours",
    "notice_minutes",
    "accepts_price_curtailment",
    "tariff_rule",
    "start_date",
    "ramp_mw_per_min",
]


def rows(count: int = 36, seed: int = 2026) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    out = []
    for n in range(1, count + 1):
        operator, kind = OPERATORS[int(rng.integers(len(OPERATORS)))]
        if kind == "miner":
            requested = float(rng.choice([20, 30, 50, 60, 75, 100, 120, 150, 200, 250, 300]))
            sites = MINER_SITES[int(rng.integers(len(MINER_SITES)))]
            share = float(rng.choice([0.0025, 0.005, 0.01, 0.02, 0.05]))
            longest = int(rng.choice([4, 6, 12, 24]))
            notice = int(rng.choice([1, 5, 10]))
            rule = str(rng.choice(["proposed_fixed_23", "industrial_b3_27", "dynamic"]))
            ramp = float(rng.choice([20, 50, 100]))
        else:
            requested = float(rng.choice([30, 40, 50, 80, 100, 150, 200]))
            sites = DC_SITES[int(rng.integers(len(DC_SITES)))]
            share = float(rng.choice([0.0, 0.0, 0.001, 0.0025, 0.005]))
            longest = 0 if share == 0 else int(rng.choice([2, 3]))
            notice = int(rng.choice([15, 30, 60]))
            rule = str(rng.choice(["industrial_b3_27", "dynamic", "dynamic"]))
            ramp = float(rng.choice([2, 5, 10]))
        on_price = rule != "dynamic" or bool(rng.random() < 0.5)
        minimum = float(rng.choice([0.0, 0.25, 0.5, 1.0])) * requested
        month = int(rng.integers(1, 13))
        out.append(
            {
                "application_id": f"APP-{n:03d}",
                "operator": operator,
                "kind": kind,
                "requested_mw": f"{requested:g}",
                "min_mw": f"{minimum:g}",
                "sites": ";".join(sites),
                "max_curtailment_share": f"{share:g}",
                "longest_event_hours": longest,
                "notice_minutes": notice,
                "accepts_price_curtailment": "true" if on_price else "false",
                "tariff_rule": rule,
                "start_date": f"2027-{month:02d}-01",
                "ramp_mw_per_min": f"{ramp:g}",
            }
        )
    # Two identical applications from one operator: equal treatment is visible in the sample.
    twin = dict(out[0])
    twin["application_id"] = f"APP-{count + 1:03d}"
    out.append(twin)
    return out


def main(path: str) -> None:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows())


if __name__ == "__main__":
    main(sys.argv[1])
