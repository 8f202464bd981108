"""Statistics of a new load's curtailment, worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surplus.headroom.curtailment import curtailed_mw, curtailment_stats
from surplus.headroom.timeline import HeadroomError, hour_calendar
from tests.headroom.helpers import calendar_of, hourly


def stats_of(spare: list[float], load: float, start: str = "2025-03-01", tz: str = "UTC"):
    frame = hourly(start, spare)
    calendar = calendar_of(frame, tz)
    curtailed = curtailed_mw(frame.to_numpy(), np.array([load]))
    return curtailment_stats(curtailed, np.array([load]), calendar)[0]


def test_curtailment_is_capped_at_the_load() -> None:
    spare = np.array([[50.0], [8.0], [0.0], [-30.0]])
    assert curtailed_mw(spare, 10.0).ravel().tolist() == [0.0, 2.0, 10.0, 10.0]


def test_events_served_shares_and_energy() -> None:
    # Load 10 MW; curtailment per hour: 0, 4, 10, 0, 0, 1, 6, 0 → two events of 2 hours.
    stats = stats_of([20, 6, 0, 15, 30, 9, 4, 12], 10.0)
    assert stats.curtailed_mwh_per_year == pytest.approx(21.0)
    assert stats.curtailed_hours_per_year == 4
    assert stats.events == 2
    assert stats.mean_event_hours == 2.0
    assert stats.longest_event_hours == 2
    # served shares in curtailed hours: 0.6, 0.0, 0.9, 0.4
    assert stats.hours_serving_50pct_per_year == 2
    assert stats.hours_serving_75pct_per_year == 1
    assert stats.hours_serving_90pct_per_year == 1
    assert stats.rate == pytest.approx(21.0 / (10.0 * 8))
    assert stats.years == 1


def test_a_gap_in_the_data_splits_an_event() -> None:
    frame = hourly("2025-03-01", [0.0, 0.0, 0.0, 0.0])
    frame = frame.drop(frame.index[2])  # hours 0, 1, 3: two runs, not one
    calendar = calendar_of(frame)
    curtailed = curtailed_mw(frame.to_numpy(), np.array([5.0]))
    stats = curtailment_stats(curtailed, np.array([5.0]), calendar)[0]
    assert (stats.events, stats.longest_event_hours) == (2, 2)


def test_calendar_counts_use_local_time() -> None:
    # 2025-06-30 19:00Z is 00:00 on 1 July in Karachi (UTC+5).
    stats = stats_of([0.0, 100.0], 10.0, start="2025-06-30 19:00", tz="Asia/Karachi")
    assert stats.curtailed_hours_by_month[6] == 1  # July
    assert stats.curtailed_hours_by_hour_of_day[0] == 1
    assert stats.busiest_month == 7
    assert stats.busiest_hour_of_day == 0


def test_daylight_saving_day_has_twenty_three_local_hours() -> None:
    # US spring-forward, 9 March 2025: the local day 00:00-24:00 is 23 hours long.
    index = pd.date_range("2025-03-09 05:00", "2025-03-10 03:00", freq="h", tz="UTC")
    calendar = hour_calendar(index, ["America/New_York"])
    hours = calendar.hour_of_day[:, 0]
    assert len(index) == 23
    assert 2 not in hours.tolist()
    assert sorted(set(hours.tolist())) == [h for h in range(24) if h != 2]


def test_no_curtailment_reads_as_zeros() -> None:
    stats = stats_of([5.0, 6.0], 0.0)
    assert (stats.rate, stats.events, stats.busiest_month) == (0.0, 0, None)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(HeadroomError, match="time zone"):
        hour_calendar(pd.date_range("2025-01-01", periods=3, freq="h"), ["UTC"])
