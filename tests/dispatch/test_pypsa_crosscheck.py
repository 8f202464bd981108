"""The same problem solved by PyPSA (through `surplus.grid.pypsa_export`) costs the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from surplus.dispatch import dispatch
from surplus.dispatch.model import CARRY_COST_PKR_PER_MW
from surplus.dispatch.system import RESERVE_SHORTFALL_FACTOR
from surplus.grid import pypsa_export
from surplus.grid.model import Dataset, ReserveRule
from tests.dispatch.systems import (
    deliverable_grid,
    make_dataset,
    synthetic_grid,
    two_zones_congested,
)

pypsa = pytest.importorskip("pypsa")


def _pypsa_unserved_mwh(network: object) -> float:
    output = network.generators_t.p  # type: ignore[attr-defined]
    return float(output.filter(like="shed-").to_numpy().sum())


def _cross_check(data: Dataset) -> None:
    ours = dispatch(data)
    network = pypsa_export.to_pypsa(data)
    theirs = pypsa_export.optimize(network)
    assert ours.objective_pkr == pytest.approx(theirs, rel=1e-6)
    demand_mwh = float(data.demand_mw.to_numpy().sum())
    unserved = float(ours.unserved_mw.to_numpy().sum())
    assert unserved == pytest.approx(_pypsa_unserved_mwh(network), abs=1e-6 * demand_mwh + 1e-6)


def _reserve_and_hydro() -> Dataset:
    return make_dataset(
        ["a", "b"],
        [
            {
                "plant": "dam",
                "zone": "a",
                "fuel": "hydro",
                "capacity_mw": 300.0,
                "variable_cost_pkr_per_mwh": 0.0,
                "availability": "water",
            },
            {
                "plant": "coal",
                "zone": "b",
                "capacity_mw": 250.0,
                "variable_cost_pkr_per_mwh": 12_000.0,
                "must_run": 0.3,
            },
            {
                "plant": "oil",
                "zone": "b",
                "capacity_mw": 150.0,
                "variable_cost_pkr_per_mwh": 40_000.0,
            },
            {
                "plant": "sun",
                "zone": "b",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 0.0,
                "availability": "sun",
                "provides_reserve": False,
            },
        ],
        {"a": [50.0, 80.0, 120.0, 90.0], "b": [300.0, 420.0, 480.0, 260.0]},
        corridors=[
            {
                "corridor": "ab",
                "from_zone": "a",
                "to_zone": "b",
                "capacity_mw": 150.0,
                "reverse_capacity_mw": 60.0,
            }
        ],
        availability={"water": [0.9, 0.9, 0.8, 0.8], "sun": [0.0, 0.6, 0.9, 0.2]},
        hydro_budgets=[("dam", 1, 744 * 100.0)],
        reserve=ReserveRule(largest_unit=True, share_of_demand=0.05),
    )


@pytest.mark.parametrize(
    "build",
    [two_zones_congested, lambda: synthetic_grid(n_hours=24), deliverable_grid],
    ids=["congested", "synthetic-day", "regions-slow-fuel-spill"],
)
def test_small_systems_cost_the_same_in_pypsa(build: object) -> None:
    _cross_check(build())  # type: ignore[operator]


@pytest.mark.slow
def test_one_month_of_pakistan_costs_the_same_in_pypsa() -> None:
    from surplus.grid import load_dataset

    data = load_dataset().subset("2025-02-01T00:00+05:00", "2025-03-01T00:00+05:00")
    _cross_check(data)


def test_shortfall_price_and_carrying_cost_are_shared_with_the_export() -> None:
    assert pypsa_export.RESERVE_SHORTFALL_FACTOR == RESERVE_SHORTFALL_FACTOR
    assert pypsa_export.CARRY_COST_PKR_PER_MW == CARRY_COST_PKR_PER_MW


def test_exported_file_poses_the_same_problem(tmp_path: Path) -> None:
    """Reserve, must-run, a reverse limit and a hydro budget, solved from the netCDF file."""
    data = _reserve_and_hydro()
    path = pypsa_export.export_pypsa(data, tmp_path / "grid.nc")
    network = pypsa.Network(str(path))
    assert sorted(network.buses.index) == ["a", "b"]
    assert set(network.generators.index) >= {"dam", "coal", "oil", "sun", "shed-a", "shed-b"}
    assert network.links.loc["ab", "p_min_pu"] == pytest.approx(-60.0 / 150.0)
    # Must-run floors are soft (spilled at a penalty), so they travel in the meta.
    assert network.meta["must_run"] == {"coal": pytest.approx(0.3)}
    assert "coal" not in network.generators_t.p_min_pu.columns
    assert network.meta["hydro_budgets"] == [["dam", 0, 4, pytest.approx(400.0)]]
    ours = dispatch(data)
    assert pypsa_export.optimize(network) == pytest.approx(ours.objective_pkr, rel=1e-6)
    unserved = float(ours.unserved_mw.to_numpy().sum())
    assert unserved == pytest.approx(_pypsa_unserved_mwh(network), abs=1e-6)


def test_the_deliverable_grid_exercises_every_new_rule() -> None:
    """So that its cross-check means something: reserve crosses regions, slow plants spin,
    a fuel limit binds and must-run output is spilled."""
    data = deliverable_grid()
    result = dispatch(data)
    assert result.reserve_transfer_mw.abs().to_numpy().max() > 1.0
    assert result.spill_mw.to_numpy().sum() > 1.0
    rlng = data.operating_plants["fuel"] == "rlng"
    assert result.generation_mw.loc[:, rlng].to_numpy().sum() == pytest.approx(500.0 * 48, rel=1e-6)
    slow = data.plant_reserve()["kind"] == "slow"
    assert slow.sum() > 5
