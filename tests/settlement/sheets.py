"""Term sheets for settlement tests: the simulated programme's sheet with the tariff,
telemetry or penalties a test needs."""

from __future__ import annotations

from datetime import date
from typing import Any

from surplus.contracts import TermSheet
from surplus.simulation.scenario import SIMULATED_TARIFF, simulated_sheet


def sheet(
    site_id: int = 1,
    allocated_mw: float = 10.0,
    tariff: dict[str, Any] | None = None,
    telemetry: dict[str, Any] | None = None,
    rights: dict[str, Any] | None = None,
    operator: str = "Op A",
    kind: str = "miner",
    zone: str = "mepco",
    response_minutes: float = 1.0,
) -> TermSheet:
    terms = SIMULATED_TARIFF.model_copy(update=tariff or {})
    base = simulated_sheet(
        site_id, operator, f"site-{site_id}", zone, kind,  # type: ignore[arg-type]
        allocated_mw, date(2020, 1, 1), rights or {}, response_minutes, terms,
    )  # fmt: skip
    data = base.model_dump()
    data["tariff"] = terms.model_dump()
    if telemetry:
        data["telemetry"] = {**data["telemetry"], **telemetry}
    return TermSheet.model_validate(data)


def fixed(rate: float, network: float, loss: float, **more: Any) -> dict[str, Any]:
    return {"rule": "fixed", "basis": "fixed", "rate_pkr_per_mwh": rate, "adder_pkr_per_mwh": None,
            "floor_pkr_per_mwh": None, "network_charge_pkr_per_mwh": network, "loss_share": loss,
            **more}  # fmt: skip
