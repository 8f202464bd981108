"""Speed of settlement: statements for 1,000 sites from one month of one-minute readings.

The month is June 2025 in Asia/Karachi (720 hours, 43,200 minutes a site, 43.2 million
readings in all), invented with a fixed seed: each site draws its contract with meter
noise, a few gaps and a few negative readings, and obeys four curtailment orders a month
(one in ten sites obeys late). Sites belong to 100 operators of ten; half the contracts
are dynamic (marginal cost from a random hourly series per zone), a quarter fixed and a
quarter time-of-use. Timed, in one process, from the minute arrays in memory: validation
(gap flags, negative and implausible counts), hourly energy, every order's verdict with
its baseline (meter before), the 100 statements (Decimal lines, hourly detail), and their
JSON. Reading 43 million rows from the store is not in the figure (see docs/store.md for
the store's own speeds).

    .venv/bin/python bench/settlement.py [--sites 1000] [--seed 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections import defaultdict
from datetime import date

import numpy as np
import pandas as pd
from rich.console import Console

from surplus.contracts import TermSheet
from surplus.settlement.meter import gaps, hourly_energy, implausible_mw
from surplus.settlement.month import month_span
from surplus.settlement.statements import MeterUse, SiteMonth, build_statement, meter_digest
from surplus.settlement.verdicts import OrderWindow, judge_order
from surplus.simulation.scenario import SIMULATED_TARIFF, simulated_sheet

MONTH = "2025-06"


def sheets(n: int, rng: np.random.Generator) -> list[TermSheet]:
    found = []
    for k in range(n):
        mw = float(rng.uniform(5, 100))
        kind = "miner" if k % 5 else "ai_data_centre"
        tariff = SIMULATED_TARIFF
        if k % 4 == 1:
            tariff = tariff.model_copy(
                update={"basis": "fixed", "rule": "fixed", "rate_pkr_per_mwh": 23_000.0}
            )
        elif k % 4 == 3:
            tariff = tariff.model_copy(
                update={
                    "basis": "time_of_use",
                    "rule": "tou",
                    "peak_pkr_per_mwh": 30_000.0,
                    "off_peak_pkr_per_mwh": 15_000.0,
                }
            )
        found.append(
            simulated_sheet(
                k + 1,
                f"operator {k // 10:03d}",
                f"site-{k + 1}",
                f"zone-{k % 20}",
                kind,
                round(mw, 1),
                date(2025, 1, 1),
                {},
                1.0,
                tariff,
            )
        )  # type: ignore[arg-type]
    return found


def minutes_of(
    sheet: TermSheet,
    grid: pd.DatetimeIndex,
    rng: np.random.Generator,
    orders: list[OrderWindow],
    late: bool,
) -> np.ndarray:
    mw = sheet.allocated_mw
    power = mw * (0.97 + 0.02 * rng.random(len(grid)))
    for order in orders:
        a = grid.get_indexer([pd.Timestamp(order.applies_at)])[0]
        b = grid.get_indexer([pd.Timestamp(order.ends_at)])[0]
        power[a + (3 if late else 1) : b] = order.intervals[0][2] * 0.98
    gap = rng.integers(0, len(grid) - 30, size=3)
    for g in gap:
        power[g : g + int(rng.integers(1, 30))] = np.nan
    power[rng.integers(0, len(grid), size=2)] = -0.5
    return power


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    console = Console()
    rng = np.random.default_rng(args.seed)
    start, end = month_span(MONTH)
    grid = pd.date_range(start, end, freq="1min", inclusive="left")
    hours = pd.date_range(start, end, freq="1h", inclusive="left")
    contracts = sheets(args.sites, rng)
    costs = {
        f"zone-{z}": pd.Series(rng.uniform(7_000, 40_000, len(hours)), index=hours)
        for z in range(20)
    }
    windows: dict[int, list[OrderWindow]] = {}
    data: dict[int, np.ndarray] = {}
    made = time.perf_counter()
    for k, sheet in enumerate(contracts):
        site = k + 1
        days = rng.choice(np.arange(1, 29), size=4, replace=False)
        found = []
        for n, day in enumerate(sorted(days)):
            a = pd.Timestamp(hours[day * 24 + 12])
            b = a + pd.Timedelta(minutes=int(rng.integers(30, 180)))
            found.append(
                OrderWindow(
                    site * 10 + n,
                    site,
                    "shortfall",
                    a.to_pydatetime(),
                    a.to_pydatetime(),
                    b.to_pydatetime(),
                    ((a.to_pydatetime(), b.to_pydatetime(), sheet.allocated_mw * 0.3),),
                )
            )
        windows[site] = found
        data[site] = minutes_of(sheet, grid, rng, found, late=k % 10 == 0)
    readings = sum(len(v) for v in data.values())
    console.print(
        f"{args.sites:,} sites, {readings:,} one-minute readings invented in "
        f"{time.perf_counter() - made:.1f} s"
    )

    timings: dict[str, float] = defaultdict(float)
    began = time.perf_counter()
    months: dict[str, list[SiteMonth]] = defaultdict(list)
    verdicts: dict[str, int] = defaultdict(int)
    flags = 0
    for k, sheet in enumerate(contracts):
        site = k + 1
        power = data[site]
        t = time.perf_counter()
        present = grid[np.isfinite(power)]
        flags += len(gaps(site, 2, present, 60.0))
        flags += int((power < 0).sum() + (power > implausible_mw(sheet.allocated_mw)).sum())
        timings["validation"] += time.perf_counter() - t
        t = time.perf_counter()
        energy, counts = hourly_energy(power, sheet.allocated_mw)
        timings["hourly energy"] += time.perf_counter() - t
        t = time.perf_counter()
        series = pd.Series(power, index=grid)
        judged = tuple(judge_order(w, sheet, series) for w in windows[site])
        for j in judged:
            verdicts[j.verdict] += 1
        timings["verdicts"] += time.perf_counter() - t
        use = MeterUse(
            source="meter",
            version=0,
            readings=int(counts.sum()),
            expected_readings=len(grid),
            hours_billed=int(np.isfinite(energy).sum()),
            hours_without_readings=int(np.isnan(energy).sum()),
            flags=flags,
            sha256=meter_digest(energy),
        )
        months[sheet.operator].append(
            SiteMonth(site, sheet, hours, energy, use, costs[sheet.zone], judged)
        )
    t = time.perf_counter()
    statements = [
        build_statement(MONTH, operator, sites) for operator, sites in sorted(months.items())
    ]
    timings["statements"] = time.perf_counter() - t
    t = time.perf_counter()
    size = sum(len(s.model_dump_json()) for s in statements)
    timings["JSON"] = time.perf_counter() - t
    total = time.perf_counter() - began
    money = sum(s.total_pkr for s in statements)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    machine = platform.processor() or platform.machine()
    console.print(
        f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )
    for name, seconds in timings.items():
        console.print(f"  {name:<14} {seconds:7.2f} s")
    console.print(
        f"total {total:.2f} s (target < 60 s): {len(statements)} statements, {money:,.2f} PKR, "
        f"{sum(verdicts.values()):,} verdicts {dict(verdicts)}, {flags:,} flags, "
        f"{size / 1e6:.0f} MB of JSON"
    )


if __name__ == "__main__":
    main()
