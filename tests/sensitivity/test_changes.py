"""Each key's change on small systems worked by hand; the function is pure; and the changed
system dispatches as the arithmetic says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surplus.dispatch import dispatch
from surplus.grid.model import Dataset
from surplus.sensitivity import apply_changes, parse_setting, resolve_settings
from tests.dispatch.systems import make_dataset, two_zones_congested


def changed(dataset: Dataset, *texts: str) -> tuple[Dataset, list[str]]:
    changes = resolve_settings(dataset, [parse_setting(t) for t in texts])
    result, applied = apply_changes(dataset, changes)
    return result, [a.change for a in applied]


def hydro_system() -> Dataset:
    """A reservoir plant with a January budget, a river plant sharing its profile with a
    thermal plant, and one zone of 100 MW for 4 hours."""
    return make_dataset(
        ["z"],
        [
            {"plant": "dam", "zone": "z", "fuel": "hydro", "capacity_mw": 200.0,
             "variable_cost_pkr_per_mwh": 100.0, "availability": "flow"},
            {"plant": "river", "zone": "z", "fuel": "hydro", "capacity_mw": 50.0,
             "variable_cost_pkr_per_mwh": 100.0, "availability": "flow", "must_run": 1.0},
            {"plant": "coal", "zone": "z", "fuel": "coal_imported", "capacity_mw": 300.0,
             "variable_cost_pkr_per_mwh": 15_000.0, "availability": "flow"},
        ],
        {"z": [100.0, 100.0, 100.0, 100.0]},
        availability={"flow": [0.5, 0.5, 1.0, 1.0]},
        hydro_budgets=[("dam", 1, 120.0)],
    )  # fmt: skip


def test_a_corridor_at_50_percent_halves_both_limits_and_the_dispatch_follows() -> None:
    base = two_zones_congested()
    half, sentences = changed(base, "corridor.ns=50%")
    assert half.corridors.loc["ns", ["capacity_mw", "reverse_capacity_mw"]].tolist() == [100, 50]
    assert base.corridors.loc["ns", "capacity_mw"] == 200  # the input is untouched
    assert sentences == [
        "corridor limit of ns set to 50 % of the base: forward 200 MW → 100 MW, "
        "reverse 100 MW → 50 MW"
    ]
    # Hour 0: south needs 300 MW; 100 MW can come north→south, so the dear plant makes 200.
    result = dispatch(half)
    assert result.flow_mw["ns"].iloc[0] == pytest.approx(100.0)
    assert result.generation_mw["dear"].iloc[0] == pytest.approx(200.0)


def test_a_corridor_in_mw_and_one_direction_only() -> None:
    base = two_zones_congested()
    both, _ = changed(base, "corridor.ns=150")
    assert both.corridors.loc["ns", ["capacity_mw", "reverse_capacity_mw"]].tolist() == [150, 150]
    back, _ = changed(base, "corridor.ns.reverse=+20%")
    assert back.corridors.loc["ns", ["capacity_mw", "reverse_capacity_mw"]].tolist() == [200, 120]


def test_demand_of_every_zone_or_one_zone() -> None:
    base = two_zones_congested()
    more, sentences = changed(base, "demand=+15%")
    assert more.demand_mw.to_numpy() == pytest.approx(base.demand_mw.to_numpy() * 1.15)
    # 100+300 and 100+150 MW over two hours: 650 MWh → 747.5 MWh; peak 400 → 460 MW.
    assert sentences == ["demand in every zone +15 %: 1 GWh → 1 GWh a year, peak 400 MW → 460 MW"]
    south, _ = changed(base, "demand.south=50%")
    assert south.demand_mw["south"].tolist() == [150.0, 75.0]
    assert south.demand_mw["north"].tolist() == [100.0, 100.0]


def test_a_dry_year_scales_budgets_and_river_flows_not_a_thermal_plant_on_their_profile() -> None:
    base = hydro_system()
    dry, sentences = changed(base, "hydro=80%")
    assert dry.hydro_budgets["energy_mwh"].tolist() == [96.0]
    # River: 50 MW × (0.5, 0.5, 1, 1) = 150 MWh available → 120 MWh.
    assert dry.available_mw()["river"].tolist() == [20.0, 20.0, 40.0, 40.0]
    assert dry.available_mw()["coal"].tolist() == base.available_mw()["coal"].tolist()
    assert dry.available_mw()["dam"].tolist() == base.available_mw()["dam"].tolist()
    assert "reservoir budgets" in sentences[0] and "other hydro" in sentences[0]
    # The dispatch: the river must run (120 MWh); the dam gets January's 96 MWh pro rata for
    # the 4 hours of its 744 the system covers; coal makes the rest.
    result = dispatch(dry)
    dam_mwh = 96.0 * 4 / 744
    assert result.generation_mw["river"].sum() == pytest.approx(120.0)
    assert result.generation_mw["dam"].sum() == pytest.approx(dam_mwh)
    assert result.generation_mw["coal"].sum() == pytest.approx(400.0 - 120.0 - dam_mwh)


def test_a_wet_year_never_makes_a_river_plant_exceed_its_capacity() -> None:
    wet, _ = changed(hydro_system(), "hydro.river=+150%")
    assert wet.available_mw()["river"].max() == pytest.approx(50.0)


def test_a_plant_out_derated_or_capped() -> None:
    base = hydro_system()
    out, sentences = changed(base, "plant.coal=out")
    assert out.available_mw()["coal"].sum() == 0.0
    # 300 MW × (0.5, 0.5, 1, 1) = 900 MWh available before.
    assert sentences == ["plant coal (300 MW) out all year: energy available 1 GWh → 0 GWh"]
    half, _ = changed(base, "plant.coal=50%")
    assert half.available_mw()["coal"].tolist() == [75.0, 75.0, 150.0, 150.0]
    capped, _ = changed(base, "plant.coal=200")
    assert capped.available_mw()["coal"].tolist() == [150.0, 150.0, 200.0, 200.0]
    # The plants sharing the profile keep it.
    assert capped.available_mw()["dam"].tolist() == base.available_mw()["dam"].tolist()


def test_several_plants_capped_at_once_each_by_its_own_capacity() -> None:
    base = hydro_system()
    capped, _ = changed(base, "plant.*=100")
    available = capped.available_mw()
    assert available["dam"].tolist() == [100.0, 100.0, 100.0, 100.0]  # 200 MW × flow
    assert available["river"].tolist() == [25.0, 25.0, 50.0, 50.0]  # never above 100 MW
    assert available["coal"].tolist() == [100.0, 100.0, 100.0, 100.0]
    assert list(base.availability.columns) == ["flow"]


def test_changes_apply_in_order_and_a_later_setting_of_the_same_key_wins() -> None:
    base = two_zones_congested()
    settings = [parse_setting(t) for t in ("demand=+10%", "corridor.ns=50%", "demand=200%")]
    changes = resolve_settings(base, settings)
    assert [c.setting.text for c in changes] == ["corridor.ns=50%", "demand=200%"]
    result, applied = apply_changes(base, changes)
    assert result.demand_mw.to_numpy() == pytest.approx(2 * base.demand_mw.to_numpy())
    assert len(applied) == 2


def test_star_reaches_every_name() -> None:
    base = hydro_system()
    out, _ = changed(base, "plant.*=out")
    assert out.available_mw().to_numpy().sum() == 0.0


def test_apply_is_pure() -> None:
    base = hydro_system()
    before = {name: getattr(base, name).copy() for name in ("plants", "availability",
              "hydro_budgets", "demand_mw", "corridors")}  # fmt: skip
    changed(base, "hydro=50%", "plant.coal=out", "demand=+20%")
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(base, name), frame)


def test_a_dry_year_on_the_embedded_dataset_lowers_hydro_energy_by_its_share() -> None:
    from surplus.grid.calibration import available_energy_gwh
    from surplus.grid.load import load_dataset

    base = load_dataset()
    dry, _ = changed(base, "hydro=80%")
    assert available_energy_gwh("hydro")(dry) == pytest.approx(
        0.8 * available_energy_gwh("hydro")(base), rel=1e-6
    )
    assert np.array_equal(dry.demand_mw.to_numpy(), base.demand_mw.to_numpy())
