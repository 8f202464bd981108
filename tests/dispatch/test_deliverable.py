"""Deliverable reserve, fuel limits, spill, surplus at a cost and the flexible-load guarantee,
on tiny systems whose answers are worked out by hand in each test."""

from __future__ import annotations

import pytest

from surplus.dispatch import DispatchError, FlexibleLoad, dispatch
from surplus.grid.model import ReserveRegion, ReserveRule
from tests.dispatch.systems import make_dataset


def approx(value: object) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


def _north_region(min_mw: float) -> ReserveRule:
    """North holds its own reserve; south is in no region (requires none)."""
    return ReserveRule(False, 0.0, 0.0, 15.0, (ReserveRegion("n", ("north",), min_mw=min_mw),))


def _behind_a_corridor(corridor_mw: float) -> object:
    """A slow coal plant (starts in 10 h, stable from 50 %: spins up to its output) in a hub
    feeds 100 MW of northern demand over one corridor; north has a 30 MW quick gas plant
    and must hold 50 MW of reserve."""
    return make_dataset(
        ["north", "south"],
        [
            {
                "plant": "coal",
                "zone": "south",
                "capacity_mw": 200.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
                "start_minutes": 600.0,
                "min_stable_share": 0.5,
            },
            {
                "plant": "gas",
                "zone": "north",
                "capacity_mw": 30.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"north": [100.0]},
        corridors=[
            {
                "corridor": "sn",
                "from_zone": "south",
                "to_zone": "north",
                "capacity_mw": corridor_mw,
                "reverse_capacity_mw": corridor_mw,
            }
        ],
        reserve=_north_region(50.0),
    )


def test_reserve_behind_a_corridor_counts_only_in_its_unused_room() -> None:
    # With 150 MW of corridor, coal serves all 100 MW and 50 MW of room is left: the gas
    # plant's 30 MW plus 20 MW of the coal's spinning reserve carried north cover 50 MW.
    roomy = dispatch(_behind_a_corridor(150.0))
    assert roomy.generation_mw.iloc[0].tolist() == approx([100.0, 0.0])
    assert roomy.reserve_transfer_mw["sn"].iloc[0] == approx(20.0)
    assert roomy.unserved_mw.to_numpy().sum() == approx(0.0)
    # With 110 MW, flow f leaves 110 − f of room, and the gas plant's output moves flow
    # and room one for one, so north can count on 30 + 10 = 40 MW however it dispatches.
    # Shedding 10 MW (at the value of lost load) frees 10 MW of room; a reserve shortfall
    # would cost twice as much. So: 10 MW shed, 90 MW carried, 20 MW of room for reserve.
    tight = dispatch(_behind_a_corridor(110.0))
    assert tight.unserved_mw["north"].iloc[0] == approx(10.0)
    assert tight.flow_mw["sn"].iloc[0] == approx(90.0)
    assert tight.reserve_transfer_mw["sn"].iloc[0] == approx(20.0)
    assert tight.region_reserve_shortfall_mw.to_numpy().sum() == approx(0.0)
    # 20 MW carried at the carrying cost of 1 per MW-hour.
    assert tight.objective_pkr == approx(90 * 10_000 + 10 * 100_000 + 20 * 1.0)
    # Nothing more fits in north; south can take 90 MW (coal to 180 MW still spins 20 MW).
    assert tight.spare_mw.iloc[0].tolist() == approx([0.0, 90.0])
    event = tight.events.iloc[0]
    assert (event["kind"], event["where"], event["mw"]) == ("unserved", "north", approx(10.0))
    assert "sn can bring in at the limit" in event["cause"]


def _steam_for_reserve(slow: bool) -> object:
    """A 100 MW nuclear plant (no reserve) and a 200 MW oil-fired steam plant that starts in
    4 h and is stable from 40 % of its capacity; 100 MW of demand, 60 MW of reserve."""
    steam = {
        "plant": "steam",
        "zone": "a",
        "capacity_mw": 200.0,
        "variable_cost_pkr_per_mwh": 30_000.0,
    }
    if slow:
        steam |= {"start_minutes": 240.0, "min_stable_share": 0.4}
    nuclear = {
        "plant": "nuke",
        "zone": "a",
        "capacity_mw": 100.0,
        "variable_cost_pkr_per_mwh": 1_000.0,
        "provides_reserve": False,
    }
    return make_dataset(
        ["a"], [nuclear, steam], {"a": [100.0]}, reserve=ReserveRule(False, 0.0, 60.0)
    )


def test_cold_steam_holds_no_reserve_so_it_must_run() -> None:
    # As a quick-start plant, idle steam would hold all 200 MW: nuclear serves the demand.
    quick = dispatch(_steam_for_reserve(slow=False))
    assert quick.generation_mw.iloc[0].tolist() == approx([100.0, 0.0])
    # Slow, at output g it spins min(200 − g, g × 0.6 / 0.4): 60 MW needs g ≥ 40 MW, so
    # nuclear backs down to 60 MW and steam runs at 40 MW.
    slow = dispatch(_steam_for_reserve(slow=True), cost_cap_pkr_per_mwh=20_000.0)
    assert slow.generation_mw.iloc[0].tolist() == approx([60.0, 40.0])
    assert slow.reserve_held_mw.iloc[0] == approx(60.0)
    assert slow.objective_pkr == approx(60 * 1_000 + 40 * 30_000)
    # One more MWh comes from nuclear.
    assert slow.price_pkr_per_mwh["a"].iloc[0] == approx(1_000.0)
    # Physically: nuclear's 40 MW and the steam's 100 MW not spinning for reserve. At a
    # 20,000 cap the steam's energy is too dear: nuclear's 40 MW only.
    assert slow.spare_mw["a"].iloc[0] == approx(140.0)
    assert slow.spare_at_cost_mw["a"].iloc[0] == approx(40.0)
    spare = slow.spare()
    assert spare.cost_cap_pkr_per_mwh == 20_000.0
    assert spare.at_cost.equals(slow.spare_at_cost_mw)
    # Re-dispatched for a new load, the steam can rise to 140 MW and still spin 60 MW:
    # exactly the spare capacity.
    probe = dispatch(_steam_for_reserve(slow=True), [FlexibleLoad("probe", "a", 500.0, 90_000.0)])
    assert probe.flexible_served_mw["probe"].iloc[0] == approx(140.0)


def test_a_fuel_limit_caps_the_months_energy_from_that_fuel() -> None:
    data = make_dataset(
        ["a"],
        [
            {
                "plant": "ccgt",
                "zone": "a",
                "fuel": "rlng",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 20_000.0,
            },
            {
                "plant": "oil",
                "zone": "a",
                "fuel": "oil",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"a": [80.0, 80.0]},
        fuel_limits=[("rlng", 1, 37_200.0)],
    )
    result = dispatch(data, cost_cap_pkr_per_mwh=25_000.0)
    # January's 37,200 MWh pro-rated to 2 of its 744 hours: 100 MWh of RLNG; oil makes 60.
    assert result.generation_mw["ccgt"].sum() == approx(100.0)
    assert result.generation_mw["oil"].sum() == approx(60.0)
    assert result.objective_pkr == approx(100 * 20_000 + 60 * 30_000)
    assert result.price_pkr_per_mwh["a"].tolist() == approx([30_000.0, 30_000.0])
    # No gas left: only oil's unused 140 MWh over the two hours; none of it within the cap.
    assert result.spare_mw["a"].sum() == approx(140.0)
    assert result.spare_at_cost_mw["a"].sum() == approx(0.0)


def test_must_run_behind_a_full_corridor_is_spilled_and_explained() -> None:
    # 120 MW of must-run nuclear in a hub with 100 MW of corridor to 90 MW of demand... the
    # demand takes 90 MW, so 30 MW is spilled and the corridor is not the reason; with a
    # 50 MW corridor, 70 MW is spilled and the corridor is.
    def hub(corridor_mw: float) -> object:
        return make_dataset(
            ["hub", "city"],
            [
                {
                    "plant": "nuke",
                    "zone": "hub",
                    "capacity_mw": 120.0,
                    "variable_cost_pkr_per_mwh": 2_000.0,
                    "must_run": 1.0,
                    "provides_reserve": False,
                },
                {
                    "plant": "gas",
                    "zone": "city",
                    "capacity_mw": 100.0,
                    "variable_cost_pkr_per_mwh": 20_000.0,
                },
            ],
            {"city": [90.0]},
            corridors=[
                {
                    "corridor": "ring",
                    "from_zone": "hub",
                    "to_zone": "city",
                    "capacity_mw": corridor_mw,
                    "reverse_capacity_mw": corridor_mw,
                }
            ],
        )

    wide = dispatch(hub(100.0))
    assert wide.spill_mw["hub"].iloc[0] == approx(30.0)
    assert wide.events["cause"].iloc[0] == (
        "must-run output in hub (120 MW) exceeds its demand (0 MW) plus what ring carry "
        "away: the zones beyond ring take no more, their demand being met by it and by plants "
        "that must run or are kept running to hold reserve"
    )
    narrow = dispatch(hub(50.0))
    assert narrow.spill_mw["hub"].iloc[0] == approx(70.0)
    assert narrow.generation_mw.iloc[0].tolist() == approx([50.0, 40.0])
    # Penalty: a tenth of the 100,000 value of lost load per MWh spilled.
    assert narrow.objective_pkr == approx(50 * 2_000 + 40 * 20_000 + 70 * 10_000)
    assert narrow.events["cause"].iloc[0] == (
        "must-run output in hub (120 MW) exceeds its demand (0 MW) plus what ring can "
        "carry away at the limit"
    )


def _isolated_reserve(min_mw: float) -> object:
    """North's 100 MW of demand has only a dear oil plant; the cheap coal plant in south
    (no demand, no corridor) is reserve. One system-wide requirement."""
    return make_dataset(
        ["north", "south"],
        [
            {
                "plant": "oil",
                "zone": "north",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
            {
                "plant": "coal",
                "zone": "south",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
            },
        ],
        {"north": [100.0]},
        reserve=ReserveRule(False, 0.0, min_mw),
    )


def test_a_valuable_flexible_load_never_sheds_an_existing_consumer() -> None:
    data = _isolated_reserve(60.0)
    base = dispatch(data)
    assert base.spare_mw["south"].iloc[0] == approx(40.0)  # coal's 100 less 60 of reserve
    miners = FlexibleLoad("miners", "south", 100.0, 95_000.0)
    result = dispatch(data, [miners])
    # The load takes the 40 MW of coal above the reserve and sheds nobody.
    assert result.flexible_served_mw["miners"].iloc[0] == approx(40.0)
    assert result.unserved_mw.to_numpy().sum() == approx(0.0)
    assert result.objective_pkr == approx(40 * 10_000 + 100 * 30_000 - 40 * 95_000)
    # The plain optimum would serve all 100 MW with coal and restore the reserve by backing
    # the oil plant down 60 MW, shedding 60 MW of consumers: cheaper by the numbers, since
    # each such MWh earns 95,000 − 100,000 + 30,000 − 10,000 = 15,000. The rule forbids it.
    shedding = 100 * 10_000 + 40 * 30_000 + 60 * 100_000 - 100 * 95_000
    assert shedding < result.objective_pkr
    # Handing over the dispatch without the load gives the same caps, one solve fewer.
    again = dispatch(data, [miners], base=base)
    assert again.flexible_served_mw["miners"].iloc[0] == approx(40.0)
    with pytest.raises(DispatchError, match="same dataset without flexible loads"):
        dispatch(data, [miners], base=result)


def test_a_flexible_load_never_takes_the_reserve() -> None:
    data = _isolated_reserve(100.0)
    result = dispatch(data, [FlexibleLoad("miners", "south", 100.0, 95_000.0)])
    assert result.flexible_served_mw["miners"].iloc[0] == approx(0.0)
    assert result.unserved_mw.to_numpy().sum() == approx(0.0)
    assert result.reserve_shortfall_mw.iloc[0] == approx(0.0)


def test_pakistan_with_the_southern_ring_at_70_percent_spills_and_says_why() -> None:
    """The sensitivity that used to crash (`surplus assess --set corridor.southern_ring=70%`):
    must-run nuclear behind a narrower ring."""
    from surplus.grid import load_dataset
    from surplus.sensitivity import apply_changes, parse_setting, resolve_settings

    data = load_dataset().subset("2025-03-20T00:00+05:00", "2025-04-01T00:00+05:00")
    changes = resolve_settings(data, [parse_setting("corridor.southern_ring=70%")])
    narrower, _ = apply_changes(data, changes)
    assert narrower.corridors.loc["southern_ring", "capacity_mw"] == approx(700.0)
    result = dispatch(narrower)
    events = result.events[result.events["kind"] == "spill"]
    spill = events[events["where"] == "south_coast"]
    assert len(spill) > 0
    assert result.spill_mw["south_coast"].sum() == approx(spill["mw"].sum())
    assert spill["cause"].str.contains("must-run output in south_coast").all()
    assert spill["cause"].str.contains("southern_ring").all()
    # Elsewhere only RLNG's take-or-pay share, where the dispatch saves the month's limited
    # gas for hours where it is worth more than the spill penalty (pakistan-dataset.md).
    others = events[events["where"] != "south_coast"]
    assert others["cause"].str.endswith("exceeds the month's rlng fuel limit").all()
    assert result.spill_mw.drop(columns="south_coast").sum().sum() == approx(others["mw"].sum())
