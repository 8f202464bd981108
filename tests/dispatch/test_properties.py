"""Invariants of the dispatch on random small systems."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surplus.dispatch import DispatchResult, FlexibleLoad, dispatch
from surplus.grid.model import Dataset
from tests.dispatch.systems import small_systems

TOLERANCE_MW = 1e-6
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _dispatch(data: Dataset, loads: list[FlexibleLoad] | None = None) -> DispatchResult:
    """Every limit has a priced slack, so a valid dataset never makes the dispatch fail."""
    return dispatch(data, loads or [])


def _net_import_mw(data: Dataset, result: DispatchResult) -> np.ndarray:
    net = np.zeros(result.unserved_mw.shape)
    zones = list(data.zones.index)
    for corridor, row in data.corridors.iterrows():
        flow = result.flow_mw[corridor].to_numpy()
        net[:, zones.index(row["to_zone"])] += flow
        net[:, zones.index(row["from_zone"])] -= flow
    return net


@SETTINGS
@given(st.one_of(small_systems(), small_systems(rich=True)))
def test_energy_balances_every_zone_hour(data: Dataset) -> None:
    zones = list(data.zones.index)
    loads = [FlexibleLoad("flex", zones[0], 100.0)]
    result = _dispatch(data, loads)
    plants = data.operating_plants
    generation = result.generation_mw.T.groupby(plants["zone"]).sum().T
    generation = generation.reindex(columns=zones, fill_value=0.0).to_numpy()
    flexible = np.zeros_like(generation)
    flexible[:, 0] = result.flexible_served_mw["flex"].to_numpy()
    supplied = generation + _net_import_mw(data, result) + result.unserved_mw.to_numpy()
    demand = data.demand_mw[zones].to_numpy() + flexible
    assert np.allclose(supplied, demand, atol=TOLERANCE_MW * 10)
    available = data.available_mw().to_numpy()
    assert (result.generation_mw.to_numpy() <= available + TOLERANCE_MW).all()


@SETTINGS
@given(small_systems())
def test_spare_is_never_negative_nor_beyond_reach(data: Dataset) -> None:
    result = _dispatch(data)
    spare = result.spare_mw.to_numpy()
    assert (spare >= 0).all()
    zones = list(data.zones.index)
    plants = data.operating_plants
    headroom = (data.available_mw() - result.generation_mw).clip(lower=0.0)
    in_zone = headroom.T.groupby(plants["zone"]).sum().T.reindex(columns=zones, fill_value=0.0)
    reach = in_zone.to_numpy().copy()
    for corridor, row in data.corridors.iterrows():
        flow = result.flow_mw[corridor].to_numpy()
        reach[:, zones.index(row["to_zone"])] += row["capacity_mw"] - flow
        reach[:, zones.index(row["from_zone"])] += row["reverse_capacity_mw"] + flow
    assert (spare <= reach + TOLERANCE_MW).all()
    assert (spare <= headroom.sum(axis=1).to_numpy()[:, None] + TOLERANCE_MW).all()


@settings(SETTINGS, max_examples=15)
@given(small_systems(max_hours=1, budgets=False))
def test_spare_is_exactly_what_a_new_load_could_take(data: Dataset) -> None:
    """Offer each zone, alone, a flexible load a little larger than its spare: the
    dispatch serves exactly the spare, and nobody else loses supply."""
    base = _dispatch(data)
    assume(base.unserved_mw.to_numpy().sum() < TOLERANCE_MW)
    for zone in data.zones.index:
        spare = float(base.spare_mw[zone].iloc[0])
        offered = FlexibleLoad("new", zone, spare + 10.0)
        again = dispatch(data, [offered])
        assert abs(float(again.flexible_served_mw["new"].iloc[0]) - spare) < 1e-5
        assert again.unserved_mw.to_numpy().sum() < TOLERANCE_MW
        assert again.reserve_shortfall_mw.sum() <= base.reserve_shortfall_mw.sum() + 1e-6


@SETTINGS
@given(small_systems(rich=True))
def test_every_valid_system_dispatches_and_says_why_it_is_penalised(data: Dataset) -> None:
    result = dispatch(data)
    events = result.events
    for kind, frame in (
        ("unserved", result.unserved_mw),
        ("spill", result.spill_mw),
        ("reserve_shortfall", result.region_reserve_shortfall_mw),
    ):
        listed = events.loc[events["kind"] == kind, "mw"].sum()
        assert abs(listed - frame.to_numpy().sum()) < 1e-5
        assert (frame.to_numpy() >= -TOLERANCE_MW).all()
    assert (events["cause"].str.len() > 20).all()
    floor = data.available_mw() * data.operating_plants["must_run"]
    spilled = (floor - result.generation_mw).clip(lower=0.0)
    by_zone = spilled.T.groupby(data.operating_plants["zone"]).sum().T
    assert np.allclose(by_zone.reindex(columns=data.zones.index, fill_value=0.0), result.spill_mw)


@settings(SETTINGS, max_examples=15)
@given(small_systems(max_hours=1, budgets=False, rich=True))
def test_spare_can_always_be_served_and_at_cost_is_part_of_it(data: Dataset) -> None:
    """With regions, slow plants and fuel limits, spare capacity is a lower bound: a new
    load of that size is always served in full, without shedding anyone. (Where reserve is
    already short, a new load that would make a slow plant run may be held back to let it
    spin instead: reserve comes first, so those hours are set aside.)"""
    base = _dispatch(data)
    assume(base.reserve_shortfall_mw.sum() < TOLERANCE_MW)
    spare = base.spare_mw.iloc[0]
    at_cost = base.spare_at_cost_mw.iloc[0]
    assert (at_cost <= spare + TOLERANCE_MW).all()
    for zone in data.zones.index:
        offered = FlexibleLoad("new", zone, float(spare[zone]), 0.99 * 250_000 / 2.5)
        again = dispatch(data, [offered])
        assert float(again.flexible_served_mw["new"].iloc[0]) >= float(spare[zone]) - 1e-5
        assert again.unserved_mw.to_numpy().sum() <= base.unserved_mw.to_numpy().sum() + 1e-6
