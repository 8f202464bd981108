"""Where each hour falls: the year its curtailment rate is counted in, and the local month and
hour of day that decide seasons and the curtailment calendar.

The year and the local clock are kept apart on purpose. A year is an accounting period: it is
taken in one time zone for every region (the zone the history is written in, UTC for EIA-930),
so each year keeps its full 8,760 or 8,784 hours. Seasons and hours of day are what people
and planners live by, so they use each region's own civil time (daylight saving included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.errors import SurplusError

ONE_HOUR = pd.Timedelta(hours=1)


class HeadroomError(SurplusError):
    """The headroom method cannot run on what it was given."""


@dataclass(frozen=True, eq=False)
class HourCalendar:
    """Calendar of a time-sorted hourly history with one local clock per column.

    `year` is per hour; `month` (1-12) and `hour_of_day` (0-23) are hours × columns;
    `follows` is True where an hour comes exactly one hour after the previous row, so runs
    of curtailed hours never bridge a gap in the data.
    """

    year: np.ndarray
    month: np.ndarray
    hour_of_day: np.ndarray
    follows: np.ndarray

    @property
    def hours(self) -> int:
        return int(self.year.shape[0])

    def year_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct years (sorted) and each hour's position among them."""
        years, codes = np.unique(self.year, return_inverse=True)
        return years, codes.reshape(-1)


def check_hourly_index(index: pd.Index) -> pd.DatetimeIndex:
    """The index as a time-zone-aware, strictly increasing hourly index, or a clear error."""
    if not isinstance(index, pd.DatetimeIndex):
        raise HeadroomError("the history must be indexed by timestamps")
    if index.tz is None:
        raise HeadroomError("timestamps must carry a time zone (a naive timestamp is ambiguous)")
    if not index.is_monotonic_increasing:
        raise HeadroomError("timestamps must be sorted; sort the history first")
    if index.has_duplicates:
        raise HeadroomError("timestamps must be unique")
    if len(index) and (index != index.floor("h")).any():
        raise HeadroomError("timestamps must fall on whole hours")
    return index


def hour_calendar(
    index: pd.DatetimeIndex, local_timezones: Sequence[str], year_timezone: str | None = None
) -> HourCalendar:
    """Calendar for `index` with one local time zone per column.

    `year_timezone` defaults to the index's own zone.

    >>> idx = pd.date_range("2024-12-31 22:00", periods=3, freq="h", tz="UTC")
    >>> cal = hour_calendar(idx, ["UTC", "Asia/Karachi"])
    >>> cal.year.tolist(), cal.month[:, 1].tolist(), cal.hour_of_day[:, 1].tolist()
    ([2024, 2024, 2025], [1, 1, 1], [3, 4, 5])
    """
    index = check_hourly_index(index)
    year_zone = year_timezone or str(index.tz)
    year = np.asarray(index.tz_convert(year_zone).year, dtype=np.int32)
    months = np.empty((len(index), len(local_timezones)), dtype=np.int8)
    hours = np.empty_like(months)
    cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for j, zone in enumerate(local_timezones):
        if zone not in cache:
            local = index.tz_convert(zone)
            cache[zone] = (np.asarray(local.month), np.asarray(local.hour))
        months[:, j], hours[:, j] = cache[zone]
    follows = np.zeros(len(index), dtype=bool)
    if len(index) > 1:
        follows[1:] = (index[1:] - index[:-1]) == ONE_HOUR
    return HourCalendar(year=year, month=months, hour_of_day=hours, follows=follows)
