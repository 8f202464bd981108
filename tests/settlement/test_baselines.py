"""Baselines worked by hand on synthetic minute series (Asia/Karachi calendar)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from surplus.settlement.baselines import Event, baseline, like_days

TZ = "Asia/Karachi"
# Wednesday 2026-01-21, 17:00 to 18:00 local (12:00 to 13:00 UTC); notice at 16:55.
EVENT = Event(
    pd.Timestamp("2026-01-21T11:55Z").to_pydatetime(),
    pd.Timestamp("2026-01-21T12:00Z").to_pydatetime(),
    pd.Timestamp("2026-01-21T13:00Z").to_pydatetime(),
    TZ,
)


def series(days: int = 40, level: float = 10.0) -> pd.Series:
    index = pd.date_range("2025-12-12T19:00Z", periods=days * 1440, freq="1min")
    return pd.Series(level, index=index, dtype=float)


def weekdays_before(day: date, n: int) -> list[date]:
    found, d = [], day
    while len(found) < n:
        d = d - pd.Timedelta(days=1)
        if d.weekday() < 5:
            found.append(d)
    return found


def set_day(power: pd.Series, day: date, mw: float, hours: tuple[int, int] = (0, 24)) -> None:
    local = power.index.tz_convert(TZ)
    inside = (local.date == day) & (local.hour >= hours[0]) & (local.hour < hours[1])
    power[inside] = mw


def test_meter_before_is_the_mean_of_the_minutes_before_the_notice() -> None:
    power = series()
    power[(power.index >= "2026-01-21T11:45Z") & (power.index < "2026-01-21T11:55Z")] = 4.0
    found = baseline("meter_before", power, EVENT, minutes_before=15)
    # 10 minutes at 4 MW and 5 at 10 MW before the notice.
    assert found.mw[0] == pytest.approx((10 * 4.0 + 5 * 10.0) / 15)
    assert len(found.mw) == 60


def test_middle_8_of_10_drops_the_highest_and_lowest_like_days() -> None:
    power = series()
    days = weekdays_before(date(2026, 1, 21), 10)
    for level, day in enumerate(days, start=1):  # 1 MW, 2 MW, ... 10 MW on the ten like days
        set_day(power, day, float(level))
    found = baseline("ercot_middle_8_of_10", power, EVENT)
    assert found.method == "ercot_middle_8_of_10"
    assert np.allclose(found.mw, np.mean(range(2, 10)))  # 2 ... 9 MW: 5.5


def test_like_days_skip_weekends_and_days_with_orders() -> None:
    power = series()
    ordered = date(2026, 1, 20)
    days = like_days(power, EVENT, frozenset({ordered}))
    assert len(days) == 10 and ordered not in days
    assert all(d.weekday() < 5 for d in days)
    saturday = Event(
        pd.Timestamp("2026-01-24T11:55Z").to_pydatetime(),
        pd.Timestamp("2026-01-24T12:00Z").to_pydatetime(),
        pd.Timestamp("2026-01-24T13:00Z").to_pydatetime(),
        TZ,
    )
    weekend = like_days(power, saturday, frozenset())
    assert len(weekend) == 4 and all(d.weekday() >= 5 for d in weekend)


def test_caiso_10_in_10_adjusts_to_the_same_day_capped_at_20_percent() -> None:
    power = series(level=10.0)
    # On the event day, from 13:00 to 16:00 local the site drew 15 MW: 1.5 × usual, capped 1.2.
    set_day(power, date(2026, 1, 21), 15.0, (13, 16))
    found = baseline("caiso_10_in_10", power, EVENT)
    assert np.allclose(found.mw, 12.0)
    set_day(power, date(2026, 1, 21), 11.0, (13, 16))  # 1.1: within the cap
    assert np.allclose(baseline("caiso_10_in_10", power, EVENT).mw, 11.0)


def test_regression_recovers_an_hour_of_day_profile() -> None:
    power = series()
    local = power.index.tz_convert(TZ)
    power[:] = 5.0 + local.hour.to_numpy() * 0.5  # 17:00 local draws 13.5 MW
    found = baseline("ercot_regression", power, EVENT)
    assert found.method == "ercot_regression"
    assert np.allclose(found.mw, 13.5, atol=1e-6)


def test_without_history_a_like_day_method_falls_back_and_says_so() -> None:
    power = series(days=35)[-3 * 1440 :]
    found = baseline("caiso_10_in_10", power, EVENT)
    assert found.method == "meter_before" and "too little history" in found.note


def test_firm_is_the_contracted_mw() -> None:
    found = baseline("firm", series(), EVENT, allocated_mw=42.0)
    assert np.allclose(found.mw, 42.0)
