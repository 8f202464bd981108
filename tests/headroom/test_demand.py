"""Seasonal peak thresholds of Norris et al., worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surplus.headroom.demand import (
    NOV_TO_MAR,
    SeasonRule,
    demand_headroom,
    seasonal_thresholds,
    spare_from_demand,
)
from surplus.headroom.timeline import HeadroomError, hour_calendar


def monthly_demand(values_by_month: dict[int, float], year: int = 2023) -> pd.DataFrame:
    """One hour at noon UTC on the 15th of each listed month."""
    index = pd.DatetimeIndex(
        [
            pd.Timestamp(year=year, month=m, day=15, hour=12, tz="UTC")
            for m in sorted(values_by_month)
        ]
    )
    return pd.DataFrame({"r": [values_by_month[m] for m in sorted(values_by_month)]}, index=index)


def test_thresholds_and_where_they_apply() -> None:
    demand = monthly_demand({1: 80, 3: 95, 4: 60, 5: 120, 7: 100, 10: 70, 11: 50, 12: 90})
    calendar = hour_calendar(pd.DatetimeIndex(demand.index), ["UTC"])
    spare, used = spare_from_demand(demand, calendar.month, {})
    assert (used["r"].summer_mw, used["r"].winter_mw) == (100.0, 90.0)
    # Apr-Oct against 100, Nov-Mar against 90; May's 120 and March's 95 are already short.
    expected = [90 - 80, 90 - 95, 100 - 60, 100 - 120, 0, 100 - 70, 90 - 50, 0]
    assert spare["r"].tolist() == expected


def test_widened_window_catches_a_shoulder_peak() -> None:
    demand = monthly_demand({1: 80, 3: 95, 7: 100})
    months = hour_calendar(pd.DatetimeIndex(demand.index), ["UTC"]).month[:, 0]
    wide = seasonal_thresholds(
        demand["r"].to_numpy(), months, SeasonRule(winter_peak_months=NOV_TO_MAR)
    )
    narrow = seasonal_thresholds(demand["r"].to_numpy(), months, SeasonRule())
    assert (narrow.winter_mw, wide.winter_mw) == (80.0, 95.0)


def test_a_season_without_hours_is_a_clear_error() -> None:
    demand = monthly_demand({7: 100, 8: 90})
    months = hour_calendar(pd.DatetimeIndex(demand.index), ["UTC"]).month[:, 0]
    with pytest.raises(HeadroomError, match="winter peak months"):
        seasonal_thresholds(demand["r"].to_numpy(), months, SeasonRule(), "r")


def test_demand_headroom_of_a_small_year() -> None:
    # A full 2023 at 50 MW, with a 100 MW hour in July and a 80 MW hour in January.
    index = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h", tz="UTC")
    values = np.full(len(index), 50.0)
    values[index.get_loc(pd.Timestamp("2023-07-10 15:00", tz="UTC"))] = 100.0
    values[index.get_loc(pd.Timestamp("2023-01-10 15:00", tz="UTC"))] = 80.0
    result = demand_headroom(pd.DataFrame({"r": values}, index=index), [0.0, 0.5], "UTC", {})
    firm = result.table.get("r", 0.0)
    assert firm.headroom_mw == 0.0
    assert result.hours_above_threshold["r"] == 0
    # At 50 %: every summer hour has 50 MW spare and every winter hour 30 MW, bar the peaks.
    half = result.table.get("r", 0.5)
    calendar = hour_calendar(index, ["UTC"])
    summer = np.isin(calendar.month[:, 0], range(4, 11))
    spare = np.where(summer, 100.0, 80.0) - values
    load = half.headroom_mw
    rate = np.minimum(load, np.maximum(0, load - spare)).sum() / (load * len(index))
    assert rate == pytest.approx(0.5)


def test_negative_demand_is_refused() -> None:
    demand = monthly_demand({1: 80, 7: -1})
    with pytest.raises(HeadroomError, match="zero or more"):
        demand_headroom(demand, [0.01], "UTC", {})


def test_demand_headroom_ignores_row_and_column_order() -> None:
    rng = np.random.default_rng(7)
    index = pd.date_range("2022-01-01", "2023-12-31 23:00", freq="h", tz="UTC")
    seasonal = 20 * np.cos(2 * np.pi * index.dayofyear.to_numpy() / 365)
    frame = pd.DataFrame(
        {
            name: 100 + scale * seasonal + rng.gamma(2.0, 5.0, len(index))
            for name, scale in (("CAISO", 1.0), ("PJM", -1.0), ("X", 0.5))
        },
        index=index,
    )
    zones = {"CAISO": "America/Los_Angeles", "PJM": "America/New_York", "X": "Asia/Karachi"}
    budgets = [0.0, 0.005, 0.05]
    base = demand_headroom(frame, budgets, zones).table.to_frame().set_index(["region", "budget"])
    shuffled = frame.iloc[rng.permutation(len(frame))][["X", "PJM", "CAISO"]]
    other = demand_headroom(shuffled, budgets, zones).table.to_frame()
    pd.testing.assert_frame_equal(
        base.sort_index(), other.set_index(["region", "budget"]).sort_index(), rtol=1e-12
    )


def test_thresholds_frame_lists_each_region_with_its_windows() -> None:
    from surplus.headroom.table import thresholds_frame

    index = pd.date_range("2023-01-01", "2023-12-31 23:00", freq="h", tz="UTC")
    values = np.full(len(index), 50.0)
    values[index.get_loc(pd.Timestamp("2023-07-10 15:00", tz="UTC"))] = 100.0
    values[index.get_loc(pd.Timestamp("2023-01-10 15:00", tz="UTC"))] = 80.0
    rules = {"r": SeasonRule(winter_peak_months=NOV_TO_MAR)}
    result = demand_headroom(pd.DataFrame({"r": values}, index=index), [0.0], "UTC", rules)
    row = thresholds_frame(result, rules).loc["r"]
    assert (row["summer MW"], row["winter MW"]) == (100.0, 80.0)
    assert row["winter set by months"] == "Nov-Mar"
    assert row["hours above threshold"] == 0
