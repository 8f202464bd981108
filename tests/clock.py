"""Times for tests, always relative to the moment the test runs: a date written into a test
as "the future" expires, and the suite must pass on any date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


def from_now(hours: float = 0.0, tz: tzinfo = UTC) -> datetime:
    """Now plus `hours`, to the whole second, in `tz`."""
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0).astimezone(tz)


def rfc3339_from_now(hours: float = 0.0, tz: tzinfo = UTC) -> str:
    """`from_now` as an OpenADR date-time: `...Z` in UTC, `...+05:00` in Asia/Karachi."""
    text = from_now(hours, tz).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
