"""The fuel-limit and reserve-rule keys on small systems worked by hand: what each changes in
the dataset, the sentence the report prints, and what the dispatch then does."""

from __future__ import annotations

import pytest

from surplus.dispatch import dispatch
from surplus.errors import InputError
from surplus.grid.model import Dataset, ReserveRegion, ReserveRule
from tests.dispatch.systems import make_dataset
from tests.sensitivity.test_changes import changed


def approx(value: object) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


def gas_and_oil() -> Dataset:
    """80 MW for two January hours from RLNG (20,000/MWh) and oil (30,000/MWh), 100 MW each;
    RLNG may make 37,200 MWh in January, pro-rated to 2 of its 744 hours: 100 MWh."""
    return make_dataset(
        ["a"],
        [
            {"plant": "ccgt", "zone": "a", "fuel": "rlng", "capacity_mw": 100.0,
             "variable_cost_pkr_per_mwh": 20_000.0},
            {"plant": "boiler", "zone": "a", "fuel": "oil", "capacity_mw": 100.0,
             "variable_cost_pkr_per_mwh": 30_000.0},
        ],
        {"a": [80.0, 80.0]},
        fuel_limits=[("rlng", 1, 37_200.0), ("rlng", 2, 33_600.0)],
    )  # fmt: skip


def test_a_fuel_limit_at_half_halves_every_month_and_the_dispatch_follows() -> None:
    base = gas_and_oil()
    half, sentences = changed(base, "fuel_limit.rlng=50%")
    assert half.fuel_limits["energy_mwh"].tolist() == [18_600.0, 16_800.0]
    assert base.fuel_limits["energy_mwh"].tolist() == [37_200.0, 33_600.0]  # untouched
    assert sentences == ["fuel limit of rlng at 50 % of the base: 71 GWh a year → 35 GWh a year"]
    # 50 MWh of RLNG in the two hours; oil makes the other 110.
    result = dispatch(half)
    assert result.generation_mw["ccgt"].sum() == approx(50.0)
    assert result.generation_mw["boiler"].sum() == approx(110.0)


def test_a_fuel_limit_off_or_set_in_energy() -> None:
    free, sentences = changed(gas_and_oil(), "fuel_limit.rlng=off")
    assert len(free.fuel_limits) == 0
    assert sentences == ["fuel limit of rlng removed: 71 GWh a year → unlimited"]
    assert dispatch(free).generation_mw["ccgt"].sum() == approx(160.0)
    # Oil limited to 18.6 GWh a month: 50 MWh in the 2 of January's 744 hours. With RLNG's
    # 100 MWh, 150 of the 160 MWh are served and 10 MWh are shed.
    both, sentences = changed(gas_and_oil(), "fuel_limit.oil=18.6GWh")
    assert sentences == ["fuel limit of oil set to 18.6 GWh a month: unlimited → 223 GWh a year"]
    assert sorted(both.fuel_limits.query("fuel == 'oil'")["month"]) == list(range(1, 13))
    result = dispatch(both)
    assert result.generation_mw["boiler"].sum() == approx(50.0)
    assert result.unserved_mw["a"].sum() == approx(10.0)


def test_a_share_of_a_fuel_without_a_limit_is_refused_before_anything_runs() -> None:
    with pytest.raises(InputError) as error:
        changed(gas_and_oil(), "fuel_limit.oil=80%")
    assert str(error.value.problems[0]) == (
        "--set fuel_limit.oil=80%: expected a fuel with a limit to scale (rlng); for another "
        "fuel a monthly energy (1500GWh) or off, found '80%'"
    )
    # `*` scales the fuels that have a limit and leaves the others unlimited.
    every, sentences = changed(gas_and_oil(), "fuel_limit.*=+10%")
    assert every.fuel_limits["energy_mwh"].tolist() == approx([40_920.0, 36_960.0])
    assert sentences == ["fuel limit of rlng at +10 %: 71 GWh a year → 78 GWh a year"]
    free, sentences = changed(gas_and_oil(), "fuel_limit.*=off")
    assert len(free.fuel_limits) == 0
    assert sentences == ["fuel limit of rlng removed: 71 GWh a year → unlimited"]
    with pytest.raises(InputError, match=r"expected a fuel of .*: oil, rlng, or \* for all"):
        changed(gas_and_oil(), "fuel_limit.coal_local=off")


def steam(reserve: ReserveRule) -> Dataset:
    """100 MW of must-have nuclear (no reserve) and a 200 MW oil-fired steam plant that starts
    in 4 h and is stable from 40 %: at output g it spins min(200 − g, 1.5 g)."""
    return make_dataset(
        ["a"],
        [
            {"plant": "nuke", "zone": "a", "capacity_mw": 100.0,
             "variable_cost_pkr_per_mwh": 1_000.0, "provides_reserve": False},
            {"plant": "steam", "zone": "a", "capacity_mw": 200.0,
             "variable_cost_pkr_per_mwh": 30_000.0, "start_minutes": 240.0,
             "min_stable_share": 0.4},
        ],
        {"a": [100.0]},
        reserve=reserve,
    )  # fmt: skip


def test_the_system_reserve_scaled_or_set_moves_the_steam_plant() -> None:
    base = steam(ReserveRule(False, 0.0, 60.0))
    # 60 MW of reserve: steam spins 1.5 g ≥ 60, so g = 40 and nuclear backs down to 60.
    assert dispatch(base).generation_mw.iloc[0].tolist() == approx([60.0, 40.0])
    half, sentences = changed(base, "reserve=50%")
    assert sentences == [
        "reserve requirement of every region at 50 % of the base: 60 MW → 30 MW an hour"
    ]
    assert dispatch(half).generation_mw.iloc[0].tolist() == approx([80.0, 20.0])
    set_90, _ = changed(base, "reserve.system=90")
    assert set_90.info.reserve == ReserveRule(False, 0.0, 90.0)
    assert dispatch(set_90).generation_mw.iloc[0].tolist() == approx([40.0, 60.0])


def test_a_longer_response_time_makes_the_steam_plant_quick() -> None:
    base = steam(ReserveRule(False, 0.0, 60.0))
    slower, sentences = changed(base, "reserve.response_minutes=240min")
    assert sentences == [
        "reserve must respond within 15 → 240 minutes: quick-start capacity 0 MW → 200 MW"
    ]
    # Starting within 4 h, idle steam holds all 200 MW: nuclear serves the whole demand.
    assert dispatch(slower).generation_mw.iloc[0].tolist() == approx([100.0, 0.0])


def behind_a_corridor(rule: ReserveRule) -> Dataset:
    """Slow coal (stable from 50 %: spins up to its output) in south feeds north's 100 MW over
    110 MW of corridor; north has a 30 MW quick gas plant."""
    return make_dataset(
        ["north", "south"],
        [
            {"plant": "coal", "zone": "south", "capacity_mw": 200.0,
             "variable_cost_pkr_per_mwh": 10_000.0, "start_minutes": 600.0,
             "min_stable_share": 0.5},
            {"plant": "gas", "zone": "north", "capacity_mw": 30.0,
             "variable_cost_pkr_per_mwh": 30_000.0},
        ],
        {"north": [100.0]},
        corridors=[{"corridor": "sn", "from_zone": "south", "to_zone": "north",
                    "capacity_mw": 110.0, "reverse_capacity_mw": 110.0}],
        reserve=rule,
    )  # fmt: skip


REGIONAL = ReserveRule(False, 0.0, 50.0, 15.0, (ReserveRegion("n", ("north",), min_mw=50.0),))


def test_a_regional_reserve_against_one_system_wide_pool() -> None:
    # North must hold 50 MW: gas 30 MW plus what the corridor's unused room brings in. Flow
    # f leaves 110 − f of room; shedding 10 MW frees 10 MW of room (see test_deliverable).
    regional = dispatch(behind_a_corridor(REGIONAL))
    assert regional.unserved_mw["north"].iloc[0] == approx(10.0)
    # One pool of 50 MW: the coal's spinning headroom counts wherever it is, so no one is shed.
    pooled, sentences = changed(behind_a_corridor(REGIONAL), "reserve.regions=off")
    assert pooled.info.reserve.regions == ()
    assert sentences == [
        "reserve held system-wide instead of in regions n (the largest of 50 MW, deliverable "
        "from any zone): requirement 50 MW → 50 MW an hour"
    ]
    result = dispatch(pooled)
    assert result.unserved_mw.to_numpy().sum() == approx(0.0)
    assert result.generation_mw.iloc[0].tolist() == approx([100.0, 0.0])


def test_one_regions_requirement_and_a_region_removed_before() -> None:
    lower, sentences = changed(behind_a_corridor(REGIONAL), "reserve.n=80%")
    assert sentences == [
        "reserve requirement of region n at 80 % of the base: 50 MW → 40 MW an hour"
    ]
    # 40 MW: gas 30 MW + 10 MW of room (flow 100 of 110): nothing is shed.
    assert dispatch(lower).unserved_mw.to_numpy().sum() == approx(0.0)
    with pytest.raises(InputError, match="reserve region of the changed dataset"):
        changed(behind_a_corridor(REGIONAL), "reserve.regions=off", "reserve.n=80%")
    with pytest.raises(InputError, match=r"expected a region of .*: n, or \* for all"):
        changed(behind_a_corridor(REGIONAL), "reserve.south=80%")
