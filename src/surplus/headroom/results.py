"""Typed results of the headroom method: what a new load would suffer, and how much fits."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SERVED_SHARES = (0.5, 0.75, 0.9)
"""Shares of the new load for the "hours still serving at least this much" counts."""


@dataclass(frozen=True)
class CurtailmentStats:
    """Curtailment of one constant new load over a history, averaged per year.

    The served-share counts are taken over curtailed hours only: an hour with no curtailment
    serves 100 % and is not counted. Events are runs of consecutive curtailed hours; an
    event crossing midnight or a year boundary counts once. Month and hour-of-day counts are
    totals over the whole history, in the region's local time.
    """

    load_mw: float
    rate: float
    """Mean over years of curtailed MWh ÷ (load MW × hours in the year)."""
    years: int
    curtailed_mwh_per_year: float
    curtailed_hours_per_year: float
    hours_serving_50pct_per_year: float
    hours_serving_75pct_per_year: float
    hours_serving_90pct_per_year: float
    events: int
    events_per_year: float
    mean_event_hours: float
    longest_event_hours: int
    curtailed_hours_by_month: tuple[int, ...]
    """12 counts, January first."""
    curtailed_hours_by_hour_of_day: tuple[int, ...]
    """24 counts, hour starting 00:00 first."""
    curtailed_hours_by_month_and_hour: tuple[tuple[int, ...], ...] = ()
    """12 × 24 counts (the curtailment calendar); the two tuples above are its margins."""

    @property
    def busiest_month(self) -> int | None:
        """Month (1-12) with the most curtailed hours, None when there are none."""
        counts = self.curtailed_hours_by_month
        return None if max(counts, default=0) == 0 else counts.index(max(counts)) + 1

    @property
    def busiest_hour_of_day(self) -> int | None:
        counts = self.curtailed_hours_by_hour_of_day
        return None if max(counts, default=0) == 0 else counts.index(max(counts))


@dataclass(frozen=True)
class Headroom:
    """The largest constant load a region takes within a curtailment budget."""

    region: str
    budget: float
    """Allowed curtailment rate, a fraction: 0.005 is 0.5 %; 0 asks for firm headroom."""
    headroom_mw: float
    curtailment: CurtailmentStats


@dataclass(frozen=True)
class HeadroomTable:
    """Headroom for every region at every budget, in the order regions and budgets were given."""

    regions: tuple[str, ...]
    budgets: tuple[float, ...]
    items: tuple[Headroom, ...]

    def get(self, region: str, budget: float) -> Headroom:
        for item in self.items:
            if item.region == region and item.budget == budget:
                return item
        raise KeyError((region, budget))

    def headroom_mw(self) -> pd.DataFrame:
        """Headroom MW, regions × budgets."""
        frame = pd.DataFrame(index=list(self.regions), columns=list(self.budgets), dtype=float)
        for item in self.items:
            frame.loc[item.region, item.budget] = item.headroom_mw
        return frame

    def to_frame(self) -> pd.DataFrame:
        """One row per region and budget, every statistic as a column (the CSV layout)."""
        return pd.DataFrame([headroom_row(item) for item in self.items])


def headroom_row(item: Headroom) -> dict[str, object]:
    stats = item.curtailment
    row: dict[str, object] = {
        "region": item.region,
        "budget": item.budget,
        "headroom_mw": item.headroom_mw,
        "rate": stats.rate,
        "years": stats.years,
        "curtailed_mwh_per_year": stats.curtailed_mwh_per_year,
        "curtailed_hours_per_year": stats.curtailed_hours_per_year,
        "hours_serving_50pct_per_year": stats.hours_serving_50pct_per_year,
        "hours_serving_75pct_per_year": stats.hours_serving_75pct_per_year,
        "hours_serving_90pct_per_year": stats.hours_serving_90pct_per_year,
        "events": stats.events,
        "events_per_year": stats.events_per_year,
        "mean_event_hours": stats.mean_event_hours,
        "longest_event_hours": stats.longest_event_hours,
    }
    for month, count in enumerate(stats.curtailed_hours_by_month, start=1):
        row[f"curtailed_hours_month_{month:02d}"] = count
    for hour, count in enumerate(stats.curtailed_hours_by_hour_of_day):
        row[f"curtailed_hours_hour_{hour:02d}"] = count
    return row
