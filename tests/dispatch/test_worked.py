"""Tiny systems whose dispatch, prices and spare capacity are worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from surplus.dispatch import DispatchError, FlexibleLoad, dispatch
from surplus.grid.model import ReserveRule
from tests.dispatch.systems import hours, make_dataset, two_zones_congested


def approx(value: object) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


def test_congested_corridor_splits_prices_and_spare() -> None:
    result = dispatch(two_zones_congested())
    # Hour 0: south needs 300, the corridor brings 200 from the cheap plant, the dear one
    # makes 100; hour 1: south needs 150, all of it comes north→south.
    assert result.generation_mw["cheap"].tolist() == approx([300.0, 250.0])
    assert result.generation_mw["dear"].tolist() == approx([100.0, 0.0])
    assert result.flow_mw["ns"].tolist() == approx([200.0, 150.0])
    assert result.congested["ns"].tolist() == [True, False]
    assert result.price_pkr_per_mwh["north"].tolist() == approx([10_000.0, 10_000.0])
    assert result.price_pkr_per_mwh["south"].tolist() == approx([30_000.0, 10_000.0])
    assert result.objective_pkr == approx(300 * 10_000 + 100 * 30_000 + 250 * 10_000)
    # North: 200 MW left in the cheap plant, plus the dear plant through the reversed
    # corridor (100 MW back-limit + 200 MW flow undone = 300 MW, and 300 MW spare in it).
    # South: the dear plant's 300 MW; the corridor is full.
    assert result.spare_mw["north"].tolist() == approx([500.0, 500.0])
    assert result.spare_mw["south"].tolist() == approx([300.0, 400.0 + 50.0])
    assert result.unserved_mw.to_numpy().sum() == approx(0.0)


def test_shortage_sheds_load_at_the_value_of_lost_load() -> None:
    data = make_dataset(
        ["a"],
        [{"plant": "g", "zone": "a", "capacity_mw": 100.0, "variable_cost_pkr_per_mwh": 10_000.0}],
        {"a": [120.0]},
        voll_pkr_per_mwh=100_000.0,
    )
    result = dispatch(data)
    assert result.unserved_mw["a"].iloc[0] == approx(20.0)
    assert result.price_pkr_per_mwh["a"].iloc[0] == approx(100_000.0)
    assert result.spare_mw["a"].iloc[0] == approx(0.0)
    assert result.objective_pkr == approx(100 * 10_000 + 20 * 100_000)


def test_reserve_holds_back_the_reserve_plant() -> None:
    data = make_dataset(
        ["a"],
        [
            {
                "plant": "spin",
                "zone": "a",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
            },
            {
                "plant": "solo",
                "zone": "a",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 20_000.0,
                "provides_reserve": False,
            },
        ],
        {"a": [100.0]},
        reserve=ReserveRule(largest_unit=False, share_of_demand=0.0, min_mw=30.0),
    )
    result = dispatch(data)
    assert result.generation_mw.iloc[0].tolist() == approx([70.0, 30.0])
    assert result.reserve_held_mw.iloc[0] == approx(30.0)
    assert result.reserve_mw.iloc[0] == approx(30.0)
    assert result.price_pkr_per_mwh["a"].iloc[0] == approx(20_000.0)
    # Only the plant outside the reserve can take more load.
    assert result.spare_mw["a"].iloc[0] == approx(70.0)


def test_hydro_budget_displaces_the_dearest_energy_first() -> None:
    # Two January hours; a 37,200 MWh January budget pro-rated to 2 of 744 hours = 100 MWh.
    data = make_dataset(
        ["a"],
        [
            {
                "plant": "dam",
                "zone": "a",
                "fuel": "hydro",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 0.0,
            },
            {
                "plant": "coal",
                "zone": "a",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
            },
            {
                "plant": "oil",
                "zone": "a",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"a": [150.0, 80.0]},
        hydro_budgets=[("dam", 1, 37_200.0)],
    )
    result = dispatch(data)
    assert result.generation_mw["dam"].sum() == approx(100.0)
    assert result.generation_mw["oil"].sum() == approx(0.0)
    assert result.objective_pkr == approx(130 * 10_000)
    # The water is worth the coal it displaces in both hours.
    assert result.price_pkr_per_mwh["a"].tolist() == approx([10_000.0, 10_000.0])
    # No water left: spare is thermal headroom only, 200 − (demand − hydro) per hour.
    assert result.spare_mw["a"].sum() == approx(400 - 230 + 100)


def test_must_run_output_sets_a_floor() -> None:
    plants = [
        {
            "plant": "nuke",
            "zone": "a",
            "capacity_mw": 100.0,
            "variable_cost_pkr_per_mwh": 20_000.0,
            "must_run": 0.8,
        },
        {"plant": "coal", "zone": "a", "capacity_mw": 100.0, "variable_cost_pkr_per_mwh": 10_000.0},
    ]
    result = dispatch(make_dataset(["a"], plants, {"a": [150.0]}))
    assert result.generation_mw.iloc[0].tolist() == approx([80.0, 70.0])
    assert result.spill_mw["a"].iloc[0] == approx(0.0)
    assert result.events.empty


def test_must_run_output_beyond_demand_is_spilled_at_its_penalty() -> None:
    plants = [
        {
            "plant": "nuke",
            "zone": "a",
            "capacity_mw": 100.0,
            "variable_cost_pkr_per_mwh": 20_000.0,
            "must_run": 0.8,
        },
        {"plant": "coal", "zone": "a", "capacity_mw": 100.0, "variable_cost_pkr_per_mwh": 10_000.0},
    ]
    # Demand 50 MW against an 80 MW floor: the coal plant stops, 30 MW of the floor is
    # spilled at the default penalty (a tenth of the 100,000 value of lost load).
    result = dispatch(make_dataset(["a"], plants, {"a": [50.0]}))
    assert result.generation_mw.iloc[0].tolist() == approx([50.0, 0.0])
    assert result.spill_mw["a"].iloc[0] == approx(30.0)
    assert result.objective_pkr == approx(50 * 20_000 + 30 * 10_000)
    # One more MWh of demand burns 20,000 of fuel and saves 10,000 of penalty.
    assert result.price_pkr_per_mwh["a"].iloc[0] == approx(10_000.0)
    assert result.events[["kind", "where"]].values.tolist() == [["spill", "a"]]
    assert result.events["mw"].iloc[0] == approx(30.0)
    assert "must-run output in a (80 MW) exceeds" in result.events["cause"].iloc[0]


def test_flexible_load_takes_what_is_left_and_never_sheds_anyone() -> None:
    data = two_zones_congested()
    miners = FlexibleLoad("miners", "south", 500.0)
    result = dispatch(data, [miners])
    # South can receive 200 (corridor) + 400 (dear plant); consumers take 300 then 150.
    assert result.flexible_served_mw["miners"].tolist() == approx([300.0, 450.0])
    assert result.unserved_mw.to_numpy().sum() == approx(0.0)
    assert result.spare_mw["south"].tolist() == approx([0.0, 0.0])
    value = 30_000.0 + 0.01 * (100_000.0 - 30_000.0)
    assert result.price_pkr_per_mwh["south"].tolist() == approx([value, value])


def test_flexible_load_leaves_the_reserve_alone() -> None:
    data = make_dataset(
        ["a"],
        [{"plant": "g", "zone": "a", "capacity_mw": 100.0, "variable_cost_pkr_per_mwh": 1_000.0}],
        {"a": [50.0]},
        reserve=ReserveRule(largest_unit=False, min_mw=20.0),
    )
    result = dispatch(data, [FlexibleLoad("dc", "a", 100.0, 50_000.0)])
    assert result.flexible_served_mw["dc"].iloc[0] == approx(30.0)
    assert result.reserve_shortfall_mw.iloc[0] == approx(0.0)
    assert result.objective_pkr == approx(80 * 1_000 - 30 * 50_000)


def test_reverse_flow_is_negative_and_limited_by_the_reverse_capacity() -> None:
    data = make_dataset(
        ["north", "south"],
        [
            {
                "plant": "cheap",
                "zone": "south",
                "capacity_mw": 500.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
            },
            {
                "plant": "dear",
                "zone": "north",
                "capacity_mw": 400.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"north": [300.0], "south": [0.0]},
        corridors=[
            {
                "corridor": "ns",
                "from_zone": "north",
                "to_zone": "south",
                "capacity_mw": 200.0,
                "reverse_capacity_mw": 120.0,
            }
        ],
    )
    result = dispatch(data)
    assert result.flow_mw["ns"].iloc[0] == approx(-120.0)
    assert bool(result.congested["ns"].iloc[0])
    assert result.price_pkr_per_mwh.iloc[0].tolist() == approx([30_000.0, 10_000.0])
    # North: the dear plant's 220 MW (the corridor is at its back-limit). South: the cheap
    # plant's 380 MW plus the dear plant's 220 MW, which the corridor (320 MW of room
    # from −120 to +200) can carry.
    assert result.spare_mw.iloc[0].tolist() == approx([220.0, 380.0 + 220.0])


def test_bad_flexible_loads_are_refused() -> None:
    data = two_zones_congested()
    with pytest.raises(DispatchError, match="not a zone"):
        dispatch(data, [FlexibleLoad("x", "east", 1.0)])
    with pytest.raises(DispatchError, match="value of lost load"):
        dispatch(data, [FlexibleLoad("x", "south", 1.0, 100_000.0)])
    with pytest.raises(DispatchError, match="unique"):
        dispatch(data, [FlexibleLoad("x", "south", 1.0), FlexibleLoad("x", "north", 1.0)])
    with pytest.raises(DispatchError, match="≥ 0"):
        dispatch(data, [FlexibleLoad("x", "south", -1.0)])


def test_identical_plants_share_output_by_capacity() -> None:
    twins = [
        {"plant": f"t{k}", "zone": "a", "capacity_mw": cap, "variable_cost_pkr_per_mwh": 5_000.0}
        for k, cap in enumerate([100.0, 300.0])
    ]
    result = dispatch(make_dataset(["a"], twins, {"a": [200.0]}))
    assert result.generation_mw.iloc[0].tolist() == approx([50.0, 150.0])
    assert np.allclose(result.utilisation().to_numpy(), [0.5, 0.5])


def test_budgets_follow_local_months_across_a_clock_change() -> None:
    # Berlin's March 2025 has 743 hours (clocks go forward on the 30th); the window holds
    # all of March and 72 hours of April, whose budget is pro-rated to 72 of 720 hours.
    index = hours(743 + 72, start="2025-03-01T00:00+01:00")
    data = make_dataset(
        ["a"],
        [
            {
                "plant": "dam",
                "zone": "a",
                "fuel": "hydro",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 0.0,
            },
            {
                "plant": "gas",
                "zone": "a",
                "capacity_mw": 200.0,
                "variable_cost_pkr_per_mwh": 20_000.0,
            },
        ],
        {"a": np.full(len(index), 150.0)},
        hydro_budgets=[("dam", 3, 30_000.0), ("dam", 4, 36_000.0)],
        index=index,
        timezone="Europe/Berlin",
    )
    result = dispatch(data)
    month = result.generation_mw.index.tz_convert("Europe/Berlin").month
    dam = result.generation_mw["dam"].groupby(month).sum()
    assert (month == 3).sum() == 743
    assert dam.loc[3] == approx(30_000.0)
    assert dam.loc[4] == approx(36_000.0 * 72 / 720)
