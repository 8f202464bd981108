"""The under-frequency trigger: when system frequency falls below the threshold, miners
shed at once, without waiting for the planner or the next control cycle.

A pure state machine over readings. It trips on one reading below `trip_hz` and restores
only after frequency has stayed at or above `restore_hz` for `restore_hold_s`, so a
frequency hovering at the threshold does not switch thousands of machines on and off.
Default threshold: 49.75 Hz, 0.5 % below the 50 Hz nominal, the same fraction as the
59.7 Hz at which ERCOT's load resources trip on their under-frequency relays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from surplus.control.grid import FrequencyReading

Action = Literal["trip", "restore"]


@dataclass(frozen=True)
class FrequencyRule:
    trip_hz: float = 49.75
    restore_hz: float = 49.9
    restore_hold_s: float = 300.0

    def __post_init__(self) -> None:
        if not 45.0 < self.trip_hz < self.restore_hz <= 50.5:
            raise ValueError("expected 45 < trip_hz < restore_hz <= 50.5")


@dataclass(frozen=True)
class FrequencyState:
    tripped_at: datetime | None = None
    recovered_since: datetime | None = None

    @property
    def tripped(self) -> bool:
        return self.tripped_at is not None


def step(
    rule: FrequencyRule, state: FrequencyState, reading: FrequencyReading
) -> tuple[FrequencyState, Action | None]:
    """The state after `reading`, and the action it calls for (if any).

    >>> from datetime import UTC, timedelta
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> rule = FrequencyRule(restore_hold_s=60)
    >>> s, act = step(rule, FrequencyState(), FrequencyReading(49.6, t)); act
    'trip'
    >>> s, act = step(rule, s, FrequencyReading(49.95, t + timedelta(seconds=10))); act
    >>> s, act = step(rule, s, FrequencyReading(49.95, t + timedelta(seconds=70))); act
    'restore'
    """
    if not state.tripped:
        if reading.hz < rule.trip_hz:
            return FrequencyState(tripped_at=reading.observed_at), "trip"
        return state, None
    if reading.hz < rule.restore_hz:
        return FrequencyState(tripped_at=state.tripped_at), None
    since = state.recovered_since or reading.observed_at
    if (reading.observed_at - since).total_seconds() >= rule.restore_hold_s:
        return FrequencyState(), "restore"
    return FrequencyState(tripped_at=state.tripped_at, recovered_since=since), None
