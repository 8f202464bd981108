"""The shape of what `dispatch` hands forward, and the tables derived from it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import surplus.dispatch
from surplus.dispatch import DispatchResult, FlexibleLoad, dispatch
from tests.dispatch.systems import make_dataset, synthetic_grid, two_zones_congested


def test_public_names_are_listed() -> None:
    for name in surplus.dispatch.__all__:
        assert hasattr(surplus.dispatch, name)


def test_result_fields_are_the_agreed_ones() -> None:
    names = {field.name for field in dataclasses.fields(DispatchResult)} | {
        name for name in dir(DispatchResult) if not name.startswith("_")
    }
    assert names >= {
        "price_pkr_per_mwh",
        "unserved_mw",
        "spare_mw",
        "generation_mw",
        "flow_mw",
        "congested",
        "reserve_mw",
        "flexible_served_mw",
        "objective_pkr",
        "spare_at_cost_mw",
    }


def test_spare_with_flexible_loads_is_measured_once_when_first_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import surplus.dispatch.run as run

    calls: list[int] = []
    measure = run.spare_mw

    def counted(system, solution):  # type: ignore[no-untyped-def]
        calls.append(len(solution.hours))
        return measure(system, solution)

    monkeypatch.setattr(run, "spare_mw", counted)
    data = two_zones_congested()
    base = dispatch(data)
    measured_with_base = len(calls)
    assert measured_with_base > 0  # without flexible loads: measured as months are solved
    loads = [FlexibleLoad("miner", "south", 50.0)]
    joint = dispatch(data, loads, base=base)
    assert len(calls) == measured_with_base
    first = joint.spare_mw
    assert len(calls) == 2 * measured_with_base
    assert joint.spare_at_cost_mw.shape == first.shape
    assert len(calls) == 2 * measured_with_base
    assert (first.to_numpy() <= base.spare_mw.to_numpy() + 1e-6).all()


def test_frames_are_hours_by_names_on_the_utc_index() -> None:
    data = two_zones_congested()
    result = dispatch(data)
    for frame in (result.price_pkr_per_mwh, result.unserved_mw, result.spare_mw):
        assert list(frame.columns) == ["north", "south"]
    assert list(result.generation_mw.columns) == ["cheap", "dear"]
    assert list(result.flow_mw.columns) == ["ns"]
    assert result.congested.dtypes.eq(bool).all()
    for frame in (result.generation_mw, result.flow_mw, result.reserve_mw.to_frame()):
        assert frame.index.equals(data.snapshots)
        assert str(frame.index.tz) == "UTC"
    assert result.flexible_served_mw.shape == (2, 0)


def test_only_operating_plants_are_dispatched() -> None:
    plants = [
        {
            "plant": "old",
            "zone": "a",
            "capacity_mw": 100.0,
            "variable_cost_pkr_per_mwh": 1.0,
            "status": "retired",
        },
        {"plant": "new", "zone": "a", "capacity_mw": 100.0, "variable_cost_pkr_per_mwh": 9.0},
    ]
    result = dispatch(make_dataset(["a"], plants, {"a": [60.0]}))
    assert list(result.generation_mw.columns) == ["new"]
    assert result.generation_mw["new"].iloc[0] == pytest.approx(60.0)


def test_progress_is_reported_per_month() -> None:
    calls: list[tuple[int, int]] = []
    dispatch(
        synthetic_grid(n_hours=24 * 40, n_plants=16), progress=lambda d, n: calls.append((d, n))
    )
    assert calls == [(1, 2), (2, 2)]


def test_utilisation_and_summary_add_up() -> None:
    result = dispatch(synthetic_grid(n_hours=24 * 40, n_plants=16))
    generation = result.generation_mw
    utilisation = result.utilisation()
    expected = generation.sum() / (result.capacity_mw * len(generation))
    pd.testing.assert_series_equal(utilisation, expected.rename("utilisation"))
    monthly = result.utilisation_by_month()
    assert list(monthly.index) == [1, 2]
    hours = generation.index.tz_convert("Asia/Karachi").month.value_counts().sort_index()
    weighted = (monthly.mul(hours.to_numpy(), axis=0)).sum() / hours.sum()
    assert np.allclose(weighted.to_numpy(), utilisation.to_numpy())
    summary = result.summary()
    assert summary.unserved_energy_mwh == pytest.approx(result.unserved_mw.to_numpy().sum())
    spare = summary.spare_energy_mwh_by_zone_month
    assert spare.to_numpy().sum() == pytest.approx(result.spare_mw.to_numpy().sum())
    assert summary.generation_cost_pkr <= summary.objective_pkr + 1e-6


def test_new_frames_have_their_shape_and_spare_comes_in_two_kinds() -> None:
    data = two_zones_congested()
    result = dispatch(data)
    assert list(result.spill_mw.columns) == ["north", "south"]
    assert list(result.spare_at_cost_mw.columns) == ["north", "south"]
    assert list(result.region_reserve_mw.columns) == ["system"]
    assert result.reserve_transfer_mw.shape == (2, 0)  # one region: nothing crosses
    assert list(result.events.columns) == ["timestamp", "kind", "where", "mw", "cause"]
    spare = result.spare()
    assert spare.physical.equals(result.spare_mw)
    assert spare.cost_cap_pkr_per_mwh == float("inf")  # the dataset declares no cap
    assert spare.at_cost.equals(spare.physical)
