"""Grid state as the controller sees it: per zone, the room left for flexible load and the
price, each with the time it was observed; and the system frequency.

Sign convention: `spare_mw` is how much flexible load the zone can carry now, the loads'
own draw excluded (the dispatch's spare capacity). The flexible load running in the zone
beyond it is the shortfall that must come off; a negative value means households are short
even with every flexible load off.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

NOMINAL_HZ = 50.0


@dataclass(frozen=True)
class ZoneState:
    zone: str
    spare_mw: float
    observed_at: datetime
    price_pkr_per_mwh: float | None = None
    source: str = ""


@dataclass(frozen=True)
class FrequencyReading:
    hz: float
    observed_at: datetime
    source: str = ""


@dataclass(frozen=True)
class GridSnapshot:
    """What one feed knows at `at`. A zone absent from `zones` is missing (fail safe)."""

    at: datetime
    zones: Mapping[str, ZoneState] = field(default_factory=dict)
    frequency: FrequencyReading | None = None


@dataclass(frozen=True)
class ZoneInputs:
    """The zones' state as arrays for the decision, stale data already made safe.

    `stale[z]` marks a zone whose data was missing or older than the limit: its spare is
    set to zero, so every flexible load in it is curtailed within its contract (fail safe).
    """

    names: tuple[str, ...]
    spare_mw: np.ndarray
    price_pkr_per_mwh: np.ndarray
    stale: np.ndarray

    @property
    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}


def zone_inputs(
    snapshot: GridSnapshot, zones: Sequence[str], now: datetime, stale_after_s: float
) -> ZoneInputs:
    """Arrays over `zones` (the enrolled sites' zones) with the fail-safe rule applied:
    missing, not finite, or observed more than `stale_after_s` before `now` → stale.

    >>> from datetime import UTC
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> s = GridSnapshot(t, {"a": ZoneState("a", 40.0, t)})
    >>> z = zone_inputs(s, ["a", "b"], t, 30)
    >>> z.spare_mw.tolist(), z.stale.tolist()
    ([40.0, 0.0], [False, True])
    """
    spare = np.zeros(len(zones))
    price = np.full(len(zones), np.nan)
    stale = np.ones(len(zones), dtype=bool)
    for i, name in enumerate(zones):
        state = snapshot.zones.get(name)
        if state is None or not math.isfinite(state.spare_mw):
            continue
        age_s = (now - state.observed_at).total_seconds()
        if age_s > stale_after_s:
            continue
        spare[i] = state.spare_mw
        stale[i] = False
        if state.price_pkr_per_mwh is not None and math.isfinite(state.price_pkr_per_mwh):
            price[i] = state.price_pkr_per_mwh
    return ZoneInputs(tuple(zones), spare, price, stale)
