"""A case small enough to solve by hand.

One zone, four hours (a "year" of four hours, so each hour is a quarter of the energy),
spare 100, 100, 100 and 20 MW; quota 150 MW; maximise MW.

- B, a data centre asking 50 MW firm: the zone's firm headroom is 20 MW.
- A, a miner asking 100 MW, accepting 25 % curtailment and events of 4 h.

Firm loads are served first, so A loses E(T) = ¼·Σ max(0, T − s_t) MW on average, with T =
A + B. For T ≥ 100: E = ¼(T − 20) + ¾(T − 100) = T − 80, and A's offer is E ≤ ¼·A, i.e.
¾A + B ≤ 80. Each MW of A uses ¾ of that room and each MW of B a whole one, so A takes all
100 MW and B gets 80 − 75 = 5 MW (total 105; the quota does not bind). Below T = 100 the
condition is B ≤ 20, worth at most 100 MW in all. A is then curtailed 5, 5, 5 and 85 MW:
100 MWh of 400, exactly its 25 %, in one event of 4 h.

One more MW of spare in every hour turns the condition into ¾A + B ≤ 81: one more MW for B,
so the zone's shadow price is 1 MW per MW.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from surplus.allocation import AllocationSettings, Application, Phase, allocate
from tests.allocation.helpers import tiny_dataset, tiny_grid, zone_dispatch


def application(app_id: str, **values: object) -> Application:
    base: dict[str, object] = {
        "application_id": app_id,
        "operator": f"op-{app_id}",
        "kind": "miner",
        "requested_mw": 100.0,
        "sites": ("north",),
        "max_curtailment_share": 0.25,
        "longest_event_hours": 4,
        "notice_minutes": 5,
        "accepts_price_curtailment": True,
        "tariff_rule": "dynamic",
        "start_date": date(2027, 1, 1),
        "ramp_mw_per_min": 10.0,
    }
    return Application.model_validate(base | values)


def test_the_hand_worked_optimum() -> None:
    grid = tiny_grid(np.array([100.0, 100.0, 100.0, 20.0]), ["north"])
    apps = [
        application("A"),
        application(
            "B",
            kind="ai_data_centre",
            requested_mw=50.0,
            max_curtailment_share=0.0,
            longest_event_hours=0,
        ),
    ]
    settings = AllocationSettings(
        phases=(Phase("one", 150.0),), objective="mw", operator_cap_mw=None
    )
    result = allocate(apps, grid, tiny_dataset(), settings, run=zone_dispatch(grid))  # type: ignore[arg-type]
    got = {d.application.application_id: d for d in result.decisions}
    assert got["A"].allocated_mw == pytest.approx(100.0, abs=1e-3)
    assert got["B"].allocated_mw == pytest.approx(5.0, abs=1e-3)
    assert result.objective_value == pytest.approx(105.0, abs=2e-3)
    assert got["A"].binding.kind == "none"
    assert got["B"].binding.kind == "headroom"
    assert got["B"].binding.shadow_price == pytest.approx(1.0, abs=1e-6)
    verified = got["A"].verified
    assert verified is not None
    assert verified.total_share == pytest.approx(0.25, abs=1e-5)
    assert verified.capacity.longest_event_hours == 4
    assert got["B"].verified is not None
    assert got["B"].verified.capacity.curtailed_hours_per_year == 0
    assert result.rounds == 1 and result.verification.passes
    assert "NORTH" in got["B"].reason and "shadow price" in got["B"].reason.lower()


def test_the_quota_binds_and_benefit_decides() -> None:
    """Plenty of spare, quota 60 MW: a miner on the fixed tariff earns the tariff's margin
    plus the reserve's coins, a data centre on the dynamic tariff the adder alone, so the
    miner is served first and the centre gets the rest."""
    grid = tiny_grid(np.full(4, 500.0), ["north"])
    apps = [
        application("M", requested_mw=40.0, tariff_rule="proposed_fixed_23"),
        application("D", kind="ai_data_centre", requested_mw=40.0),
    ]
    settings = AllocationSettings(phases=(Phase("one", 60.0),), operator_cap_mw=None)
    result = allocate(apps, grid, tiny_dataset(), settings, run=zone_dispatch(grid))  # type: ignore[arg-type]
    got = {d.application.application_id: d for d in result.decisions}
    assert got["M"].benefit_pkr_per_mw_year > got["D"].benefit_pkr_per_mw_year > 0
    assert got["M"].allocated_mw == pytest.approx(40.0)
    assert got["D"].allocated_mw == pytest.approx(20.0, abs=1e-3)
    assert got["D"].binding.kind == "quota"
    # The quota's shadow price is the benefit of the marginal MW: the data centre's.
    assert got["D"].binding.shadow_price == pytest.approx(
        got["D"].benefit_pkr_per_mw_year, rel=1e-6
    )


def test_dynamic_margin_is_the_adder_grossed_up_for_losses() -> None:
    """At a marginal cost of Rs 10,000/MWh (above the floor) the dynamic tariff earns its
    adder over the cost to serve: 1,000 / 0.97 PKR per MWh, 8,760 hours a year."""
    grid = tiny_grid(np.full(4, 500.0), ["north"])
    from surplus.allocation import net_benefit_table

    table = net_benefit_table(grid)
    assert table[("dynamic", "ai_data_centre")][0] == pytest.approx(1000 / 0.97 * 8760, rel=1e-9)
    # The fixed Rs 23/kWh all-in earns 23,000 − (10,000 / 0.97 + 1,000) per MWh.
    fixed = 23_000 - (10_000 / 0.97 + 1_000)
    assert table[("proposed_fixed_23", "ai_data_centre")][0] == pytest.approx(
        fixed * 8760, rel=1e-9
    )
