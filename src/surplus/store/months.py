"""Calendar-month arithmetic in UTC for the monthly partitions of `readings`."""

from __future__ import annotations

from datetime import UTC, datetime


def month_start(moment: datetime) -> datetime:
    """The first instant (UTC) of the month holding `moment`.

    >>> month_start(datetime(2024, 2, 29, 23, 59, tzinfo=UTC)).isoformat()
    '2024-02-01T00:00:00+00:00'
    """
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, 1, tzinfo=UTC)


def add_months(start: datetime, months: int) -> datetime:
    """`start` (a month start) moved by whole months, forward or back.

    >>> add_months(datetime(2024, 11, 1, tzinfo=UTC), 3).isoformat()
    '2025-02-01T00:00:00+00:00'
    """
    index = start.year * 12 + (start.month - 1) + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(start: datetime) -> str:
    """`readings_y2026m11` for November 2026."""
    return f"readings_y{start.year:04d}m{start.month:02d}"


def parse_partition_name(name: str) -> datetime | None:
    """The month a partition holds, or None for a table not named by `partition_name`."""
    if len(name) != len("readings_y2026m11") or not name.startswith("readings_y"):
        return None
    year, month = name[10:14], name[15:17]
    if name[14] != "m" or not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        return None
    return datetime(int(year), int(month), 1, tzinfo=UTC)
