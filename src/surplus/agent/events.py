"""What the site must do now, from the events it holds: pure functions of event JSON.

The binding limit is the lowest of every active interval's: `IMPORT_CAPACITY_LIMIT` in kW
as given, `SIMPLE` levels 1–3 as a share of the curtailable load (3 = down to the
contract floor). Events are kept per id, and an older copy of an event (by its
`modificationDateTime`) never replaces a newer one, so a repeated or late notification
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from surplus.openadr.timing import parse_duration

CONTROL_TYPES = ("IMPORT_CAPACITY_LIMIT", "SIMPLE")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


Span = tuple[datetime, datetime, dict[str, Any]]
_parsed: dict[tuple[str, str], list[Span]] = {}
_CACHE_SIZE = 10_000


def intervals(event: Mapping[str, Any]) -> list[Span]:
    """(start, end, payloads by type) of each interval, times resolved as the spec says:
    an interval's own period, else the event's, consecutive from its start. Parsed once
    per event version (id and modificationDateTime)."""
    key = (str(event.get("id")), str(event.get("modificationDateTime")))
    if event.get("id") is not None and event.get("modificationDateTime"):
        found = _parsed.get(key)
        if found is None:
            if len(_parsed) >= _CACHE_SIZE:
                _parsed.clear()
            found = _parsed[key] = _intervals(event)
        return found
    return _intervals(event)


def _intervals(event: Mapping[str, Any]) -> list[Span]:
    period = event.get("intervalPeriod") or {}
    default_start = period.get("start")
    default_span = parse_duration(period.get("duration", "PT0S"))
    found = []
    for position, interval in enumerate(event.get("intervals") or []):
        own = interval.get("intervalPeriod") or {}
        if "start" in own:
            start = _time(own["start"])
        elif default_start is not None:
            start = _time(default_start) + position * default_span
        else:
            continue
        span = parse_duration(own["duration"]) if "duration" in own else default_span
        payloads = {p.get("type"): p.get("values") or [] for p in interval.get("payloads") or []}
        found.append((start, start + span, payloads))
    return found


def limit_kw(
    event: Mapping[str, Any], now: datetime, floor_kw: float, full_kw: float
) -> float | None:
    """The import limit this event sets at `now`, or None when it sets none.

    >>> e = {"intervalPeriod": {"start": "2026-01-01T00:00:00Z", "duration": "PT1H"},
    ...      "intervals": [{"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT",
    ...                                             "values": [2500.0]}]}]}
    >>> limit_kw(e, _time("2026-01-01T00:30:00Z"), 100.0, 5000.0)
    2500.0
    >>> limit_kw(e, _time("2026-01-01T01:00:00Z"), 100.0, 5000.0) is None
    True
    """
    limits = []
    for start, end, payloads in intervals(event):
        if not start <= now < end:
            continue
        values = payloads.get("IMPORT_CAPACITY_LIMIT")
        if values and isinstance(values[0], int | float):
            limits.append(max(float(values[0]), 0.0))
        level = payloads.get("SIMPLE")
        if level and isinstance(level[0], int | float) and level[0] > 0:
            share = min(float(level[0]), 3.0) / 3.0
            limits.append(full_kw - share * (full_kw - floor_kw))
    return min(limits) if limits else None


def binding(
    events: Iterable[Mapping[str, Any]], now: datetime, floor_kw: float, full_kw: float
) -> tuple[float | None, str | None]:
    """The lowest limit any event sets now, and that event's id."""
    best: tuple[float | None, str | None] = (None, None)
    for event in events:
        limit = limit_kw(event, now, floor_kw, full_kw)
        if limit is not None and (best[0] is None or limit < best[0]):
            best = (limit, str(event.get("id")))
    return best


def ends_at(event: Mapping[str, Any]) -> datetime | None:
    spans = intervals(event)
    return max((end for _, end, _ in spans), default=None)


def is_control(event: Mapping[str, Any]) -> bool:
    """An event that can set a limit (not the programme's telemetry event)."""
    return any(
        payload.get("type") in CONTROL_TYPES
        for interval in event.get("intervals") or []
        for payload in interval.get("payloads") or []
    )


def newer(candidate: Mapping[str, Any], held: Mapping[str, Any] | None) -> bool:
    """Whether `candidate` is a later version than `held` (or `held` is absent)."""
    if held is None:
        return True
    new, old = candidate.get("modificationDateTime"), held.get("modificationDateTime")
    if not new or not old:
        return True
    return _time(str(new)) >= _time(str(old)) and candidate != held
