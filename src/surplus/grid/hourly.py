"""Parsing hourly tables: a complete, DST-safe hourly index and numeric columns.

Stamps carry their UTC offset and are converted to UTC at once, so a 23- or 25-hour local day
is just another run of consecutive UTC hours.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from surplus.errors import Problem
from surplus.grid.columns import IDENTIFIER, Collector
from surplus.grid.files import RawTable
from surplus.grid.schema import Table

HAS_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")
MAX_LISTED_STAMPS = 5


def year_index(year: int, timezone: str) -> pd.DatetimeIndex:
    """Start of every hour of a local calendar year, in UTC (8,760 or 8,784 stamps)."""
    start = pd.Timestamp(year=year, month=1, day=1, tz=timezone)
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz=timezone)
    index = pd.date_range(
        start.tz_convert("UTC"), end.tz_convert("UTC"), freq="h", inclusive="left"
    )
    return index.rename("timestamp")


def _parse_stamps(raw: RawTable, found: Collector) -> pd.Series:
    text = raw.frame["timestamp"]
    stamps = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")

    def refuse(rows: pd.Series, expected: str) -> None:
        """Report each flagged row and blank its stamp, so later checks skip it."""
        for position in np.flatnonzero(rows.to_numpy()):
            found.add(
                Problem(
                    raw.file, raw.row(position), "timestamp", expected, repr(text.iloc[position])
                )
            )
            stamps.iloc[position] = pd.NaT

    refuse(stamps.isna(), "an ISO 8601 time with UTC offset, e.g. 2025-01-01T00:00+05:00")
    refuse(
        ~text.str.contains(HAS_OFFSET) & stamps.notna(),
        "an explicit UTC offset (naive times are ambiguous)",
    )
    refuse(stamps.notna() & (stamps != stamps.dt.floor("h")), "the start of an hour")
    return stamps


def _check_index(
    raw: RawTable, stamps: pd.Series, expected: pd.DatetimeIndex, found: Collector
) -> None:
    valid = stamps.dropna()
    duplicated = valid.duplicated(keep="first")
    for position in valid.index[duplicated.to_numpy()]:
        found.add(
            Problem(
                raw.file,
                raw.row(position),
                "timestamp",
                "each hour once",
                f"{raw.frame['timestamp'].iloc[position]!r} repeated",
            )
        )
    outside = ~valid.isin(expected)
    for position in valid.index[outside.to_numpy()]:
        found.add(
            Problem(
                raw.file,
                raw.row(position),
                "timestamp",
                f"an hour from {expected[0]} to {expected[-1]} (UTC)",
                repr(raw.frame["timestamp"].iloc[position]),
            )
        )
    if stamps.isna().any():
        return  # the missing hours would only repeat the unreadable rows
    missing = expected.difference(pd.DatetimeIndex(valid))
    if len(missing):
        listed = ", ".join(str(stamp) for stamp in missing[:MAX_LISTED_STAMPS])
        more = (
            f" and {len(missing) - MAX_LISTED_STAMPS} more"
            if len(missing) > MAX_LISTED_STAMPS
            else ""
        )
        found.add(
            Problem(
                raw.file,
                None,
                "timestamp",
                f"every hour of the year ({len(expected)} rows)",
                f"{len(missing)} missing: {listed}{more} (UTC)",
            )
        )


def _parse_values(raw: RawTable, table: Table, name: str, found: Collector) -> pd.Series:
    text = raw.frame[name]
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() | ~np.isfinite(values)
    if table.value_minimum is not None:
        bad |= values < table.value_minimum
    if table.value_maximum is not None:
        bad |= values > table.value_maximum
    if bad.any():
        bounds = []
        if table.value_minimum is not None:
            bounds.append(f">= {table.value_minimum:g}")
        if table.value_maximum is not None:
            bounds.append(f"<= {table.value_maximum:g}")
        expected = f"a number {' and '.join(bounds)} {table.value_unit}".strip()
        for position in np.flatnonzero(bad.to_numpy()):
            found.add(
                Problem(
                    raw.file,
                    raw.row(position),
                    name,
                    expected,
                    repr(text.iloc[position]) if text.iloc[position] else "an empty cell",
                )
            )
    return values.astype(float)


def parse_hourly(
    raw: RawTable, table: Table, expected: pd.DatetimeIndex | None, found: Collector
) -> pd.DataFrame:
    """Hours × columns frame on the UTC index, sorted by time; rows that fail are dropped.

    `expected` is the dataset year's index; None (when dataset.toml is unreadable) checks the
    cells but not the index's completeness.
    """
    if "timestamp" not in raw.frame.columns:
        found.add(
            Problem(
                raw.file, None, "timestamp", "a column 'timestamp'", "no such column in the header"
            )
        )
        return pd.DataFrame(index=expected)
    stamps = _parse_stamps(raw, found)
    if expected is not None:
        _check_index(raw, stamps, expected, found)
    columns = {}
    for name in raw.frame.columns:
        if name == "timestamp":
            continue
        if not IDENTIFIER.match(name):
            found.add(
                Problem(
                    raw.file, 1, name, "a column name of letters, digits, '_' and '-'", repr(name)
                )
            )
            continue
        columns[name] = _parse_values(raw, table, name, found)
    frame = pd.DataFrame(columns, index=raw.frame.index)
    frame.index = pd.DatetimeIndex(stamps, name="timestamp")
    frame = frame[frame.index.notna() & ~frame.index.duplicated()]
    return frame.sort_index() if expected is None else frame.reindex(expected)
