"""Baselines: what a site would have drawn had it not been ordered to curtail.

Each is a pure function of the site's one-minute power (a Series of MW on a UTC minute
index, NaN where no reading arrived) and the event; each returns the baseline for every
minute of the event. Sources and choices are in docs/settlement.md:

* `meter_before`: the mean of the minutes before the notice (NAESB WEQ-015 "Meter
  Before / Meter After"); fit for miners, whose draw is flat until told otherwise.
* `ercot_middle_8_of_10`: ERCOT's Emergency Response Service "Middle 8-of-10 Like Days":
  of the 10 most recent like days, drop the highest and the lowest by energy over the
  event's hours, and average the other 8, minute by minute.
* `ercot_regression`: ERCOT's regression baseline in its calendar form: least squares of
  hourly power on hour-of-day and day-type over the last 30 event-free days.
* `caiso_10_in_10`: CAISO's 10-in-10 (4-in-4 on weekends): the mean of the 10 most recent
  like days, times a same-day adjustment (the event day's three hours ending an hour
  before the event, against the same hours of the baseline), capped at ±20 %.
* `firm`: a "drop to X MW" service: the contracted MW, so the order's reduction is what
  the contract gave up, whatever the site drew before.

Like days share the day type (Monday to Friday, or Saturday and Sunday, local time),
had no order, and had readings for at least 90 % of the event's minutes. Without enough
of them a like-day method falls back to `meter_before`, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

import numpy as np
import pandas as pd

from surplus.contracts import BaselineName

LIKE_DAYS = 10
WEEKEND_LIKE_DAYS = 4
LOOKBACK_DAYS = 45
REGRESSION_DAYS = 30
ADJUSTMENT_CAP = 0.2
MIN_COVERAGE = 0.9


@dataclass(frozen=True)
class Event:
    """An order's window: notice (when it was sent), start (when its limit applies), end."""

    notice_at: datetime
    start: datetime
    end: datetime
    timezone: str = "Asia/Karachi"

    def minutes(self) -> pd.DatetimeIndex:
        """The event's minutes (UTC), from the one its limit starts in to its end."""
        return self._minutes

    @cached_property
    def _minutes(self) -> pd.DatetimeIndex:
        start = pd.Timestamp(self.start).tz_convert("UTC").floor("min")
        return pd.date_range(start, pd.Timestamp(self.end), freq="1min", inclusive="left")


@dataclass(frozen=True)
class Baseline:
    method: BaselineName
    mw: np.ndarray
    """MW for each minute of the event."""
    note: str = ""


def baseline(
    method: BaselineName,
    power_mw: pd.Series,
    event: Event,
    excluded_days: frozenset[date] = frozenset(),
    allocated_mw: float = 0.0,
    minutes_before: int = 15,
) -> Baseline:
    """The named baseline for every minute of `event`; `excluded_days` are local days with
    an order (never like days)."""
    minutes = event.minutes()
    if method == "firm":
        return Baseline("firm", np.full(len(minutes), allocated_mw), "the contracted MW")
    before = meter_before(power_mw, event, minutes_before)
    if method == "meter_before":
        return before
    if method == "ercot_regression":
        found = ercot_regression(power_mw, event, excluded_days)
    elif method == "caiso_10_in_10":
        found = caiso_10_in_10(power_mw, event, excluded_days)
    else:
        found = ercot_middle_8_of_10(power_mw, event, excluded_days)
    if found is None:
        note = f"too little history for {method}: meter before ({minutes_before} min) used"
        return Baseline("meter_before", before.mw, note)
    return found


def meter_before(power_mw: pd.Series, event: Event, minutes: int = 15) -> Baseline:
    """The mean of the `minutes` before the notice, for every minute of the event.

    >>> t = pd.date_range("2026-01-05T10:00Z", periods=60, freq="1min")
    >>> p = pd.Series(np.r_[np.full(30, 8.0), np.full(30, 2.0)], t)
    >>> e = Event(t[30].to_pydatetime(), t[30].to_pydatetime(), t[40].to_pydatetime())
    >>> meter_before(p, e).mw[:2]
    array([8., 8.])
    """
    notice = pd.Timestamp(event.notice_at)
    index = power_mw.index
    first = index.searchsorted(notice - pd.Timedelta(minutes=minutes))
    window = power_mw.iloc[first : index.searchsorted(notice)]
    level = float(window.mean()) if window.notna().any() else np.nan
    note = "" if np.isfinite(level) else "no reading before the notice"
    return Baseline("meter_before", np.full(len(event.minutes()), level), note)


def _profile(power_mw: pd.Series, day: date, event: Event, span: pd.DatetimeIndex) -> np.ndarray:
    """The site's power on `day` at the clock minutes of `span` (event-day minutes)."""
    shift = pd.Timedelta(days=(span[0].tz_convert(event.timezone).date() - day).days)
    return power_mw.reindex(span - shift).to_numpy(dtype=float)


def like_days(
    power_mw: pd.Series, event: Event, excluded: frozenset[date], count: int | None = None
) -> list[date]:
    """Most recent earlier local days of the event day's type with no order and readings for
    at least 90 % of the event's clock minutes, newest first, at most `count`."""
    tz = event.timezone
    day = pd.Timestamp(event.start).tz_convert(tz).date()
    weekend = day.weekday() >= 5
    wanted = count or (WEEKEND_LIKE_DAYS if weekend else LIKE_DAYS)
    span = event.minutes()
    chosen: list[date] = []
    for back in range(1, LOOKBACK_DAYS + 1):
        candidate = day - timedelta(days=back)
        if (candidate.weekday() >= 5) != weekend or candidate in excluded:
            continue
        values = _profile(power_mw, candidate, event, span)
        if values.size and np.isfinite(values).mean() >= MIN_COVERAGE:
            chosen.append(candidate)
        if len(chosen) == wanted:
            break
    return chosen


def _mean_profile(
    power_mw: pd.Series, days: list[date], event: Event, span: pd.DatetimeIndex
) -> np.ndarray:
    stack = np.vstack([_profile(power_mw, d, event, span) for d in days])
    return np.nanmean(stack, axis=0)


def ercot_middle_8_of_10(
    power_mw: pd.Series, event: Event, excluded: frozenset[date]
) -> Baseline | None:
    span = event.minutes()
    days = like_days(power_mw, event, excluded, LIKE_DAYS)
    if len(days) < LIKE_DAYS:
        return None
    energy = [np.nansum(_profile(power_mw, d, event, span)) for d in days]
    order = np.argsort(energy, kind="stable")
    middle = [days[k] for k in order[1:-1]]
    return Baseline(
        "ercot_middle_8_of_10",
        _mean_profile(power_mw, middle, event, span),
        f"days {', '.join(d.isoformat() for d in sorted(middle))}",
    )


def caiso_10_in_10(power_mw: pd.Series, event: Event, excluded: frozenset[date]) -> Baseline | None:
    span = event.minutes()
    day = pd.Timestamp(event.start).tz_convert(event.timezone).date()
    wanted = WEEKEND_LIKE_DAYS if day.weekday() >= 5 else LIKE_DAYS
    days = like_days(power_mw, event, excluded, wanted)
    if len(days) < wanted:
        return None
    profile = _mean_profile(power_mw, days, event, span)
    start = pd.Timestamp(event.start).floor("min")
    window = pd.date_range(
        start - pd.Timedelta(hours=4), start - pd.Timedelta(hours=1), freq="1min", inclusive="left"
    )
    actual = power_mw.reindex(window).to_numpy(dtype=float)
    usual = _mean_profile(power_mw, days, event, window)
    factor, note = 1.0, "no same-day adjustment (no readings before the event)"
    if np.isfinite(actual).any() and np.nanmean(usual) > 0:
        raw = float(np.nanmean(actual) / np.nanmean(usual))
        factor = float(np.clip(raw, 1 - ADJUSTMENT_CAP, 1 + ADJUSTMENT_CAP))
        note = f"same-day adjustment {raw:.3f}, applied {factor:.3f}"
    return Baseline("caiso_10_in_10", profile * factor, note)


def ercot_regression(
    power_mw: pd.Series, event: Event, excluded: frozenset[date]
) -> Baseline | None:
    """Least squares of hourly mean power on hour-of-day and weekend dummies over the last
    30 event-free days, evaluated at the event's hours."""
    tz = event.timezone
    start = pd.Timestamp(event.start)
    day = start.tz_convert(tz).date()
    history = power_mw[
        (power_mw.index < start.tz_convert(tz).normalize().tz_convert("UTC"))
        & (power_mw.index >= start - pd.Timedelta(days=REGRESSION_DAYS + 1))
    ]
    hourly = history.resample("1h").mean().dropna()
    local = hourly.index.tz_convert(tz)
    keep = np.array([d not in excluded and d != day for d in local.date])
    hourly, local = hourly[keep], local[keep]
    if len(hourly) < 24 * 7:
        return None

    def design(index: pd.DatetimeIndex) -> np.ndarray:
        hours = np.eye(24)[index.hour]
        weekend = (index.weekday >= 5).astype(float)[:, None]
        return np.hstack([hours, weekend])

    coef, *_ = np.linalg.lstsq(design(local), hourly.to_numpy(), rcond=None)
    span = event.minutes()
    return Baseline(
        "ercot_regression", design(span.tz_convert(tz)) @ coef, f"{len(hourly)} hours of history"
    )
