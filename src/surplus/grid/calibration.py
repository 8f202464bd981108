"""How far a dataset's totals sit from published figures.

The embedded Pakistan dataset is partly synthetic (hourly demand, availability profiles), so
its totals are checked against what was published: installed MW by fuel, annual and monthly
energy, the summer peak, the winter level, the timing of the daily peak. The same table backs
the test that keeps the data calibrated, the docs and the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.grid.budgets import monthly_hydro_budgets_mwh
from surplus.grid.model import Dataset

COLUMNS = ("metric", "unit", "dataset", "published", "low", "high", "source", "ok")


@dataclass(frozen=True)
class Target:
    """A published figure, the band the dataset must fall in, and how to measure it."""

    metric: str
    unit: str
    published: float
    low: float
    high: float
    source: str
    measure: Callable[[Dataset], float]


def calibration_table(dataset: Dataset, targets: tuple[Target, ...] | None = None) -> pd.DataFrame:
    """One row per target: the dataset's figure, the published one, the band and `ok`.

    `targets` defaults to the published figures for Pakistan (`PAKISTAN_TARGETS`).
    """
    rows = []
    for target in PAKISTAN_TARGETS if targets is None else targets:
        value = float(target.measure(dataset))
        rows.append(
            (target.metric, target.unit, value, target.published, target.low, target.high,
             target.source, bool(target.low <= value <= target.high))
        )  # fmt: skip
    return pd.DataFrame(rows, columns=list(COLUMNS))


# --- measures ----------------------------------------------------------------------------


def operating_capacity_mw(fuel: str | None = None) -> Callable[[Dataset], float]:
    """Installed MW of operating plants, of one fuel or of all."""

    def measure(dataset: Dataset) -> float:
        plants = dataset.operating_plants
        if fuel is not None:
            plants = plants[plants["fuel"] == fuel]
        return float(plants["capacity_mw"].sum())

    return measure


def national_demand_mw(dataset: Dataset) -> pd.Series:
    """Total demand per hour, indexed by local time."""
    total = dataset.demand_mw.sum(axis=1)
    return pd.Series(total.to_numpy(), index=dataset.local_snapshots)


def annual_energy_gwh(dataset: Dataset) -> float:
    return float(national_demand_mw(dataset).sum()) / 1000


def monthly_energy_gwh(month: int) -> Callable[[Dataset], float]:
    def measure(dataset: Dataset) -> float:
        total = national_demand_mw(dataset)
        return float(total[total.index.month == month].sum()) / 1000

    return measure


def peak_demand_mw(dataset: Dataset) -> float:
    return float(national_demand_mw(dataset).max())


def minimum_demand_mw(dataset: Dataset) -> float:
    return float(national_demand_mw(dataset).min())


def winter_daily_peak_mw(dataset: Dataset) -> float:
    """Median over December-February of each day's highest hourly demand."""
    total = national_demand_mw(dataset)
    winter = total[np.isin(total.index.month, (12, 1, 2))]
    return float(winter.groupby(winter.index.date).max().median())


def summer_peak_hour(dataset: Dataset) -> float:
    """Local hour (1-24, midnight = 24) at which the average June-August day peaks."""
    total = national_demand_mw(dataset)
    summer = total[np.isin(total.index.month, (6, 7, 8))]
    hour = int(summer.groupby(summer.index.hour).mean().idxmax())
    return float(hour if hour > 0 else 24)


def midday_to_evening_ratio(dataset: Dataset) -> float:
    """September-October demand at 12-14 h over demand at 19-22 h: the rooftop-solar dip."""
    total = national_demand_mw(dataset)
    autumn = total[np.isin(total.index.month, (9, 10))]
    hours = autumn.index.hour
    midday = autumn[np.isin(hours, (12, 13))].mean()
    evening = autumn[np.isin(hours, (19, 20, 21))].mean()
    return float(midday / evening)


def zone_energy_share(zone: str) -> Callable[[Dataset], float]:
    def measure(dataset: Dataset) -> float:
        demand = dataset.demand_mw
        return float(demand[zone].sum() / demand.to_numpy().sum())

    return measure


def available_energy_gwh(fuel: str, month: int | None = None) -> Callable[[Dataset], float]:
    """Energy the operating plants of one fuel could make in the year (or one month):
    availability x capacity, capped by the hydro budget where a plant has one."""

    def measure(dataset: Dataset) -> float:
        plants = dataset.operating_plants
        names = plants.index[plants["fuel"] == fuel]
        available = dataset.available_mw()[names]
        monthly = available.groupby(dataset.local_snapshots.month).sum()
        budgets = monthly_hydro_budgets_mwh(dataset, pro_rated=False)
        for plant in names.intersection(budgets.columns):
            monthly[plant] = np.minimum(monthly[plant], budgets[plant].reindex(monthly.index))
        if month is not None:
            monthly = monthly.loc[[month]]
        return float(monthly.to_numpy().sum()) / 1000

    return measure


# --- Pakistan ----------------------------------------------------------------------------


def _around(published: float, share: float) -> tuple[float, float, float]:
    return published, published * (1 - share), published * (1 + share)


def _range(low: float, high: float, widen: float = 0.10) -> tuple[float, float, float]:
    """A published range, its middle as the figure, widened by `widen` on each side."""
    return (low + high) / 2, low * (1 - widen), high * (1 + widen)


_CAPACITY = (
    ("hydro", _around(11_372, 0.10), "ES25-DT"),
    ("nuclear", _around(3_530, 0.10), "ES25-WE"),
    ("coal_imported", _around(5_280, 0.10), "EST"),
    ("coal_local", _around(2_790, 0.10), "THAR-COD SOI24-DAWN"),
    ("rlng", _range(7_500, 8_500), "EST"),
    ("gas", _range(2_500, 3_500), "EST"),
    ("oil", _range(3_000, 5_000), "EST"),
    ("wind", _range(1_800, 1_845), "WIND25"),
    ("solar", _range(600, 700), "QASP EST"),
    ("biomass", _range(360, 400), "NEPRA-WB"),
)
"""Operating MW by fuel: the reference's best estimates (capacity table of
docs/pakistan-dataset.md); ranges are the published spread, widened by 10%."""

_CPPA_MONTHS = (
    (1, 8_153, "FCA-JAN25"), (2, 6_945, "FCA-FEB25"), (6, 13_744, "FCA-JUN25"),
    (7, 14_123, "FCA-JUL25"), (8, 13_700, "BR-AUG25"), (9, 12_592, "FCA-SEP25"),
    (12, 8_487, "FCA-DEC25"),
)  # fmt: skip
"""CPPA-G generation by month of 2025, GWh. The dataset also holds K-Electric's own
generation and unserved demand, so it may sit up to 8% above and 2% below."""

_CPPA_HYDEL = (
    (1, 0.106, 8_153, "FCA-JAN25"), (2, 0.271, 6_945, "FCA-FEB25"),
    (6, 0.394, 13_744, "FCA-JUN25"), (7, 0.401, 14_123, "FCA-JUL25"),
    (9, 0.380, 12_592, "FCA-SEP25"), (12, 0.181, 8_487, "FCA-DEC25"),
)  # fmt: skip
"""Hydel share of CPPA-G generation by month of 2025. Hydro available may exceed what was
generated (water spilled, plants held back), so the band is -10% to +20%."""

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _pakistan_targets() -> tuple[Target, ...]:
    targets = [
        Target(f"installed {fuel} (operating)", "MW", *band, source, operating_capacity_mw(fuel))
        for fuel, band, source in _CAPACITY
    ]
    targets.append(
        Target("installed total (operating)", "MW", *_around(46_605 - 2_813, 0.10), "ES25-DT",
               operating_capacity_mw())
    )  # fmt: skip
    targets += [
        Target("annual energy", "GWh", *_around(127_159, 0.03), "TOPLINE", annual_energy_gwh),
        Target("summer peak demand", "MW", 29_000, 28_000, 30_000, "ET-EXCESS DP-2023",
               peak_demand_mw),
        Target("winter daily peak (median Dec-Feb)", "MW", 12_500, 11_500, 14_500,
               "ES25-WE ES25-EU", winter_daily_peak_mw),
        Target("hourly minimum demand", "MW", 12_000, 6_000, 12_000, "CRYPTODNES",
               minimum_demand_mw),
        Target("hour of the summer daily peak", "h", 24, 21, 24, "APTMA", summer_peak_hour),
        Target("midday / evening demand (Sep-Oct)", "ratio", 15 / 21, 0.60, 0.80,
               "NPCC-SOLAR", midday_to_evening_ratio),
        Target("K-Electric share of energy", "share", 0.138, 0.12, 0.16, "SALES23",
               zone_energy_share("ke")),
    ]  # fmt: skip
    targets += [
        Target(
            f"energy {_MONTH_NAMES[month - 1]} 2025",
            "GWh",
            gwh,
            gwh * 0.98,
            gwh * 1.08,
            source,
            monthly_energy_gwh(month),
        )
        for month, gwh, source in _CPPA_MONTHS
    ]
    targets += [
        Target("hydro energy available", "GWh", *_around(0.3144 * 127_159, 0.10), "TOPLINE",
               available_energy_gwh("hydro")),
        Target("nuclear energy available", "GWh", 0.1766 * 127_159, 0.1766 * 127_159 * 0.95,
               0.1766 * 127_159 * 1.15, "TOPLINE", available_energy_gwh("nuclear")),
        Target("wind energy available", "GWh", *_around(0.0302 * 127_159, 0.10), "TOPLINE",
               available_energy_gwh("wind")),
        Target("wind energy available Jan", "GWh", *_around(218, 0.15), "FCA-JAN25",
               available_energy_gwh("wind", 1)),
        Target("wind energy available Jul", "GWh", *_around(592, 0.15), "FCA-JUL25",
               available_energy_gwh("wind", 7)),
    ]  # fmt: skip
    targets += [
        Target(f"hydro available {_MONTH_NAMES[month - 1]} 2025", "GWh", share * gwh,
               share * gwh * 0.9, share * gwh * 1.2, source, available_energy_gwh("hydro", month))
        for month, share, gwh, source in _CPPA_HYDEL
    ]  # fmt: skip
    return tuple(targets)


PAKISTAN_TARGETS: tuple[Target, ...] = _pakistan_targets()
"""Published figures for the embedded Pakistan dataset; bases and bands are explained in
docs/calibration.md."""


def to_markdown(table: pd.DataFrame) -> str:
    """The calibration table as a Markdown table, figures rounded for reading."""

    def number(value: float) -> str:
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}"

    lines = [
        "| metric | unit | dataset | published | low | high | source | ok |",
        "|---|---|--:|--:|--:|--:|---|---|",
    ]
    for row in table.itertuples(index=False):
        figures = " | ".join(number(v) for v in (row.dataset, row.published, row.low, row.high))
        ok = "yes" if row.ok else "NO"
        lines.append(f"| {row.metric} | {row.unit} | {figures} | {row.source} | {ok} |")
    return "\n".join(lines)


if __name__ == "__main__":
    from surplus.grid.load import load_dataset

    print(to_markdown(calibration_table(load_dataset())))
