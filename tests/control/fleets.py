"""Small fleets for the decision's tests, built from term sheets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from surplus.contracts import TermSheet
from surplus.control.fleet import Fleet, FleetState
from surplus.control.grid import GridSnapshot, ZoneInputs, ZoneState, zone_inputs

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def sheet(
    site: int, zone: str = "N", kind: str = "bitcoin_mining", mw: float = 100.0, **rights: Any
) -> TermSheet:
    return TermSheet(
        id=f"t{site}",
        operator="op",
        site_id=site,
        zone=zone,
        load_kind=kind,  # type: ignore[arg-type]
        contracted_mw=mw,
        curtailment=rights,
    )


def zones(spare: dict[str, float], prices: dict[str, float] | None = None) -> ZoneInputs:
    states = {z: ZoneState(z, mw, T0, (prices or {}).get(z)) for z, mw in spare.items()}
    return zone_inputs(GridSnapshot(T0, states), sorted(spare), T0, 30)


def fleet(*sheets: TermSheet) -> tuple[Fleet, FleetState]:
    names = sorted({s.zone for s in sheets})
    built = Fleet.from_terms(list(sheets), names)
    return built, FleetState.idle(built)


def with_state(state: FleetState, **changes: Any) -> FleetState:
    values = {k: np.array(v, dtype=getattr(state, k).dtype) for k, v in changes.items()}
    return FleetState(**{**vars(state), **values})
