"""Small fleets for the decision's tests, built from term sheets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from surplus.contracts import LoadKind, TariffTerms, TermSheet
from surplus.control.fleet import Fleet, FleetState
from surplus.control.grid import GridSnapshot, ZoneInputs, ZoneState, zone_inputs
from surplus.simulation.scenario import SIMULATED_TARIFF, simulated_sheet

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def sheet(
    site: int,
    zone: str = "N",
    kind: LoadKind = "miner",
    mw: float = 100.0,
    price_cap: float | None = None,
    **rights: Any,
) -> TermSheet:
    """A term sheet with `rights` (CurtailmentRights fields) over the defaults; with
    `price_cap`, a fixed tariff whose cost cap it is and curtailment on price."""
    tariff = SIMULATED_TARIFF
    if price_cap is not None:
        tariff = TariffTerms(
            rule="proposed_fixed_23",
            basis="fixed",
            description="test",
            rate_pkr_per_mwh=23_000.0,
            network_charge_pkr_per_mwh=1_000.0,
            loss_share=0.03,
            cost_cap_pkr_per_mwh=price_cap,
        )
        rights = {"on_price": True, **rights}
    return simulated_sheet(
        site, "op", f"site-{site}", zone, kind, mw, date(2000, 1, 1), rights,
        response_minutes=1.0, tariff=tariff,
    )  # fmt: skip


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
