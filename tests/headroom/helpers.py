"""Small histories for the headroom tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from surplus.headroom.timeline import HourCalendar, hour_calendar


def hourly(
    start: str, values: dict[str, list[float]] | list[float], tz: str = "UTC"
) -> pd.DataFrame:
    frame = pd.DataFrame(values if isinstance(values, dict) else {"a": values})
    frame.index = pd.date_range(start, periods=len(frame), freq="h", tz=tz)
    return frame


def calendar_of(frame: pd.DataFrame, tz: str = "UTC") -> HourCalendar:
    return hour_calendar(pd.DatetimeIndex(frame.index), [tz] * frame.shape[1])


def spare_matrix(frame: pd.DataFrame) -> np.ndarray:
    return frame.to_numpy(dtype=float)
