"""Tiny scenario files for the tests: two days of the embedded year, a few runs."""

from __future__ import annotations

from pathlib import Path

TINY = """
description = "two January days, every dimension drawn"
runs = {runs}
seed = 11
start = "2025-01-06"
end = "2025-01-08"

[programme]
quotas_mw = [500, 2000]
budget = 0.005

[demand_growth]
mean = 0.03
sd = 0.02

[[weather]]
name = "wet"
hydro = 1.15
[[weather]]
name = "dry"
hydro = 0.8
wind = 0.9
weight = 2

[outages]
rate = 0.05
min_capacity_mw = 600

[fuel_price.rlng]
sd = 0.15

[fuel_supply.rlng]
low = 0.8
high = 1.0

[tariff]
rules = ["dynamic", "proposed_fixed_23"]
"""


def write_spec(folder: Path, runs: int = 2, text: str = TINY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.toml"
    path.write_text(text.format(runs=runs), encoding="utf-8")
    return path
