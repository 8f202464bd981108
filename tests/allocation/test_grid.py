"""The allocator's view of the grid takes spare capacity at a cost from the dispatch.

A zone's price can sit under a tariff's cost cap while nothing within the cap is left to
serve a new load (the cheap plant's headroom is held as reserve, or a corridor is full): the
hour is then priced out, whatever the price says. These cases are built by hand: two zones,
three hours, a dispatch result whose spare at a cost differs from what the price implies.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from surplus.allocation import at_cost_spares, caps_of, grid_capacity
from surplus.allocation.rules import tariff_rules
from surplus.allocation.verification import Grant, verify
from surplus.dispatch import SpareCapacity
from tests.allocation.helpers import tiny_dataset, tiny_grid
from tests.allocation.test_hand import application

CAP = 21_340.0
HOURS = pd.date_range("2025-01-01", periods=3, freq="h", tz="UTC")
ZONES = ["north", "south"]


def frame(values: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(values, index=HOURS, columns=ZONES)


def result(at_cost: pd.DataFrame, cap: float = CAP) -> SimpleNamespace:
    physical = frame([[100.0, 50.0], [100.0, 50.0], [100.0, 50.0]])
    # Prices all under the cap: the stand-in would price no hour out.
    price = frame([[9_000.0, 12_000.0], [9_000.0, 21_000.0], [9_000.0, 12_000.0]])
    spare = SpareCapacity(physical, at_cost, cap)
    return SimpleNamespace(
        spare=lambda: spare,
        price_pkr_per_mwh=price,
        timezone="UTC",
        cost_cap_pkr_per_mwh=cap,
    )


def dataset() -> SimpleNamespace:
    zones = pd.DataFrame({"name": ["North", "South"]}, index=pd.Index(ZONES, name="zone"))
    plants = pd.DataFrame({"zone": ["north"]}, index=pd.Index(["coal"], name="plant"))
    return SimpleNamespace(
        zones=zones, operating_plants=plants, info=SimpleNamespace(name="hand", year=2025)
    )


def test_the_rule_with_the_dispatch_cap_is_priced_out_where_nothing_is_left_within_it() -> None:
    at_cost = frame([[100.0, 50.0], [100.0, 0.0], [40.0, 0.0]])
    grid = grid_capacity(dataset(), result(at_cost))  # type: ignore[arg-type]
    assert grid.spare_mw.tolist() == [[100.0, 50.0]] * 3
    out = grid.priced_out(CAP)
    # South has no MW within the cap in hours 2 and 3, though its price stays under it.
    assert out.tolist() == [[False, False], [False, True], [False, True]]
    assert grid.priced_out_share(CAP).tolist() == pytest.approx([0.0, 2 / 3])
    assert grid.at_cost_mw(CAP + 1e-9) is not None  # the same cap, computed another way
    # A rule whose cap was not measured falls back on the price (none above 25,220).
    assert not grid.priced_out(25_220.0).any()
    assert not grid.priced_out(None).any()


def test_spares_at_other_caps_are_plugged_in_by_their_cap() -> None:
    other = SpareCapacity(
        frame([[100.0, 50.0]] * 3), frame([[0.0, 50.0], [100.0, 50.0], [100.0, 50.0]]), 25_220.0
    )
    at_cost = frame([[100.0, 50.0]] * 3)
    grid = grid_capacity(dataset(), result(at_cost), [other])  # type: ignore[arg-type]
    assert grid.priced_out(25_220.0).tolist() == [[True, False], [False, False], [False, False]]
    assert not grid.priced_out(CAP).any()


def test_other_caps_are_measured_once_each_and_the_dispatchs_own_never() -> None:
    asked: list[float] = []

    def run(_data: object, cost_cap_pkr_per_mwh: float) -> SimpleNamespace:
        asked.append(cost_cap_pkr_per_mwh)
        return result(frame([[0.0, 0.0]] * 3), cost_cap_pkr_per_mwh)

    base = result(frame([[0.0, 0.0]] * 3))
    caps = caps_of(["proposed_fixed_23", "industrial_b3_27", "dynamic", "industrial_b3_27"])
    rules = tariff_rules()
    assert caps == (
        rules["proposed_fixed_23"].cost_cap_pkr_per_mwh,
        rules["industrial_b3_27"].cost_cap_pkr_per_mwh,
        None,
        rules["industrial_b3_27"].cost_cap_pkr_per_mwh,
    )
    spares = at_cost_spares(dataset(), base, caps, run=run)  # type: ignore[arg-type]
    # (27,000 − 1,000) × 0.97 = 25,220; the 23 rule's 21,340 is the dispatch's own cap.
    assert asked == [pytest.approx(25_220.0)]
    assert [s.cost_cap_pkr_per_mwh for s in spares] == [pytest.approx(25_220.0)]


@pytest.mark.parametrize(
    ("dearest_plant", "firm", "dynamic", "capped"),
    [
        # Firm: dearest + 1 % of (240,000 − dearest); dynamic: halfway between it and the
        # dearest plant; capped: at most its cap, 21,340.
        (30_000.0, 32_100.0, 31_050.0, CAP),
        # Every plant within the cap: the cap is no limit, the capped load bids as the other.
        (20_000.0, 22_200.0, 21_100.0, 21_100.0),
    ],
)
def test_a_capped_load_is_valued_at_its_cap_in_the_verification_dispatch(
    dearest_plant: float, firm: float, dynamic: float, capped: float
) -> None:
    grid = tiny_grid(np.full((4, 1), 100.0), ["north"])
    data = tiny_dataset()
    data.operating_plants = pd.DataFrame({"variable_cost_pkr_per_mwh": [dearest_plant]})
    values: dict[str, float] = {}

    def run(_data: object, flexible_loads: list) -> SimpleNamespace:  # type: ignore[type-arg]
        for load in flexible_loads:
            values[load.name.split(":", 1)[1]] = load.value_pkr_per_mwh
        served = pd.DataFrame({load.name: load.load_mw for load in flexible_loads})
        return SimpleNamespace(flexible_served_mw=served)

    grants = [
        Grant(application("A", tariff_rule="proposed_fixed_23"), "north", "north", 10.0),
        Grant(application("B"), "north", "north", 10.0),
        Grant(application("C", max_curtailment_share=0.0), "north", "north", 10.0),
    ]
    assert verify(data, grid, grants, run).passes  # type: ignore[arg-type]
    assert values == pytest.approx({"firm:none": firm, "flex:none": dynamic, "flex:21340": capped})
