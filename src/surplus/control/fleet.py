"""The enrolled sites as arrays, one element per site, for a vectorised decision.

`Fleet` holds what the contracts fix (zone, class, floor, limits); `FleetState` what
changes between cycles (expected draw, current curtailment, time in the current event,
budget used, whether the site is delivering what it was told). Both are plain numpy
arrays, built at the edge from term sheets and the controller's ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from surplus.contracts import TermSheet

MINER, DATA_CENTRE = 0, 1
KIND_CODES = {"miner": MINER, "ai_data_centre": DATA_CENTRE}
KIND_NAMES = {code: name for name, code in KIND_CODES.items()}


@dataclass(frozen=True)
class Fleet:
    """Contract facts per site. Times in seconds, power in MW, energy in MWh; `price_above`
    is NaN for sites without a curtail-on-price clause; `notice_s` 0 means orders apply at
    once; a `firm` site is curtailed on price only, never for capacity."""

    site_id: np.ndarray
    zone: np.ndarray
    kind: np.ndarray
    allocated_mw: np.ndarray
    flexible_share: np.ndarray
    firm: np.ndarray
    priority: np.ndarray
    notice_s: np.ndarray
    max_event_s: np.ndarray
    min_rest_s: np.ndarray
    budget_s: np.ndarray
    budget_mwh: np.ndarray
    price_above: np.ndarray
    frequency_trip: np.ndarray
    response_s: np.ndarray
    tolerance_mw: np.ndarray

    def __len__(self) -> int:
        return len(self.site_id)

    @classmethod
    def from_terms(cls, sheets: Sequence[TermSheet], zones: Sequence[str]) -> Fleet:
        """Arrays from term sheets (each enrolled: with its register site id); `zones`
        fixes the zone index order."""
        index = {name: i for i, name in enumerate(zones)}
        rights = [sheet.curtailment for sheet in sheets]

        def floats(values: Sequence[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=float)

        return cls(
            site_id=np.array([s.registered_site_id() for s in sheets], dtype=np.int64),
            zone=np.array([index[s.zone] for s in sheets], dtype=np.int64),
            kind=np.array([KIND_CODES[s.kind] for s in sheets], dtype=np.int8),
            allocated_mw=floats([s.allocated_mw for s in sheets]),
            flexible_share=floats([r.flexible_share for r in rights]),
            firm=np.array([r.firm for r in rights], dtype=bool),
            priority=np.array([r.priority for r in rights], dtype=np.int64),
            notice_s=floats([r.notice_minutes * 60 for r in rights]),
            max_event_s=floats([r.longest_event_hours * 3600 for r in rights]),
            min_rest_s=floats([r.min_rest_minutes * 60 for r in rights]),
            budget_s=floats([r.max_hours_per_year * 3600 for r in rights]),
            budget_mwh=floats([s.energy_budget_mwh for s in sheets]),
            price_above=floats([s.curtail_above_price_pkr_per_mwh for s in sheets]),
            frequency_trip=np.array([s.trips_on_under_frequency for s in sheets], dtype=bool),
            response_s=floats([s.response_s for s in sheets]),
            tolerance_mw=floats([s.telemetry.tolerance_share * s.allocated_mw for s in sheets]),
        )


@dataclass(frozen=True)
class FleetState:
    """Per site, now. `demand_mw`: what the site would draw uncurtailed (its last free
    metered power, else its contract). `curtail_mw`: the reduction its live order asks
    for (0 without one). `event_s`: seconds its current event has lasted (NaN: none);
    `rest_s`: seconds since its last event ended (inf: never). `used_s`, `used_mwh`:
    curtailed seconds and MWh this contract year. `unreliable`: the site missed its last
    target; it keeps its order and counts only for `delivered_mw`, its metered reduction.
    `online`: its agent is heard from. `pending`: its order was sent but applies only
    after its notice."""

    demand_mw: np.ndarray
    curtail_mw: np.ndarray
    event_s: np.ndarray
    rest_s: np.ndarray
    used_s: np.ndarray
    used_mwh: np.ndarray
    unreliable: np.ndarray
    delivered_mw: np.ndarray
    online: np.ndarray
    pending: np.ndarray

    @classmethod
    def idle(cls, fleet: Fleet) -> FleetState:
        """Every site free, running at its contract, with its whole budget."""
        n = len(fleet)
        return cls(
            demand_mw=fleet.allocated_mw.copy(),
            curtail_mw=np.zeros(n),
            event_s=np.full(n, np.nan),
            rest_s=np.full(n, np.inf),
            used_s=np.zeros(n),
            used_mwh=np.zeros(n),
            unreliable=np.zeros(n, dtype=bool),
            delivered_mw=np.zeros(n),
            online=np.ones(n, dtype=bool),
            pending=np.zeros(n, dtype=bool),
        )
