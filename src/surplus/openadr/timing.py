"""When an event ends, from its intervalPeriod and intervals (User Guide 7.3), for `active=`.

Durations use 365-day years and 30-day months; "P9999Y" means never ending, and a start
of 0001-01-01 means "now". An event whose end cannot be worked out (no start, a "now"
start) counts as active. `end_instant` is what the events table keeps in `ends_at`, so
`active=true` is a SQL condition and pages are cut in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from surplus.openadr.models import DURATION_RE

FOREVER = timedelta(days=9999 * 365)


def parse_duration(text: str) -> timedelta:
    """ISO 8601 duration as a timedelta.

    >>> parse_duration("PT1H30M")
    datetime.timedelta(seconds=5400)
    """
    match = DURATION_RE.match(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    sign, years, months, days, unit, hours, minutes, seconds = match.groups()
    if years and int(years) >= 9999:
        return FOREVER
    day_count = int(years or 0) * 365 + int(months or 0) * 30
    day_count += int(days or 0) * (7 if unit == "W" else 1)
    span = timedelta(
        days=day_count,
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=float(seconds or 0),
    )
    return -span if sign else span


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))


def event_end(event: dict[str, Any]) -> datetime | None:
    """The latest end of the event's intervals, or None when it has no determinable end."""
    period = event.get("intervalPeriod") or {}
    default_start = period.get("start")
    default_duration = parse_duration(period.get("duration", "PT0S"))
    ends: list[datetime] = []
    for index, interval in enumerate(event.get("intervals") or []):
        own = interval.get("intervalPeriod") or {}
        start_text = own.get("start")
        duration = parse_duration(own["duration"]) if "duration" in own else default_duration
        if start_text is None:
            if default_start is None:
                return None
            start = _parse_time(default_start) + index * default_duration
        else:
            start = _parse_time(start_text)
        if duration >= FOREVER or start.year < 2:
            return None
        ends.append(start + duration)
    if not ends:
        if default_start is None or default_duration >= FOREVER:
            return None
        start = _parse_time(default_start)
        return None if start.year < 2 else start + default_duration
    return max(ends)


def end_instant(event: dict[str, Any]) -> datetime | None:
    """The event's end in UTC, or None when it never ends or its end cannot be worked out
    (a malformed or overflowing period, a local time with no offset): such events stay
    active.

    >>> end_instant({"intervalPeriod": {"start": "2026-11-24T19:00:00+05:00",
    ...     "duration": "PT1H"}})
    datetime.datetime(2026, 11, 24, 15, 0, tzinfo=datetime.timezone.utc)
    """
    try:
        end = event_end(event)
        if end is None or end.tzinfo is None or end.utcoffset() is None:
            return None
        return end.astimezone(UTC)
    except (ValueError, OverflowError, TypeError, KeyError):
        return None


def has_ended(event: dict[str, Any], now: datetime) -> bool:
    end = end_instant(event)
    return end is not None and end <= now
