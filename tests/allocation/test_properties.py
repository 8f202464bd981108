"""Properties of every allocation, on random small grids and applications.

Verification is repeated here with an independent re-dispatch (`helpers.zone_dispatch`,
zones as copper plates behind an optional system-wide limit), against the grid as it was
before the allocator learned anything.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surplus.allocation import AllocationSettings, Application, Phase, allocate, verify
from surplus.allocation.verification import Grant
from tests.allocation.helpers import tiny_dataset, tiny_grid, zone_dispatch

ZONES = ("alpha", "beta", "gamma")
RULES = ("proposed_fixed_23", "industrial_b3_27", "dynamic")


@st.composite
def cases(draw: st.DrawFn) -> tuple:  # type: ignore[type-arg]
    n_zones = draw(st.integers(1, 3))
    zones = ZONES[:n_zones]
    hours = 24
    spare = draw(
        st.lists(
            st.floats(0, 200, allow_nan=False), min_size=hours * n_zones, max_size=hours * n_zones
        )
    )
    price = draw(
        st.lists(st.floats(5_000, 30_000), min_size=hours * n_zones, max_size=hours * n_zones)
    )
    system = draw(st.one_of(st.none(), st.lists(st.floats(0, 300), min_size=hours, max_size=hours)))
    apps = []
    for k in range(draw(st.integers(1, 7))):
        share = draw(st.sampled_from([0.0, 0.05, 0.1, 0.3]))
        requested = draw(st.floats(1, 150))
        apps.append(
            Application(
                application_id=f"A{k:02d}",
                operator=draw(st.sampled_from(["op1", "op2", "op3"])),
                kind=draw(st.sampled_from(["miner", "ai_data_centre"])),
                requested_mw=requested,
                min_mw=draw(st.sampled_from([0.0, 0.5, 1.0])) * requested,
                sites=tuple(
                    draw(st.lists(st.sampled_from(zones), min_size=1, max_size=2, unique=True))
                ),
                max_curtailment_share=share,
                longest_event_hours=0 if share == 0 else draw(st.sampled_from([3, 24])),
                notice_minutes=5,
                accepts_price_curtailment=True,
                tariff_rule=draw(st.sampled_from(RULES)),
                start_date=date(2027, 1, 1),
                ramp_mw_per_min=10.0,
            )
        )
    quota = draw(st.floats(20, 400))
    cap = draw(st.one_of(st.none(), st.floats(20, 200)))
    objective = draw(st.sampled_from(["benefit", "mw"]))
    grid = tiny_grid(np.array(spare), zones, np.array(price))
    run = zone_dispatch(grid, None if system is None else np.array(system))
    config = AllocationSettings(
        phases=(Phase("one", quota),), operator_cap_mw=cap, objective=objective
    )
    return grid, apps, config, run


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_allocation_keeps_its_promises(case: tuple) -> None:  # type: ignore[type-arg]
    grid, apps, config, run = case
    result = allocate(apps, grid, tiny_dataset(), config, run=run)  # type: ignore[arg-type]
    granted = [d for d in result.decisions if d.allocated_mw > 0]
    quota = config.phases[0].quota_mw
    assert sum(d.allocated_mw for d in granted) <= quota + 1e-6
    for d in result.decisions:
        assert 0 <= d.allocated_mw <= d.application.requested_mw + 1e-9
        if d.allocated_mw > 0:
            assert d.allocated_mw >= d.application.min_mw - 1e-9
            assert d.site in d.application.sites
        assert d.reason
    if config.operator_cap_mw is not None:
        for operator in {a.operator for a in apps}:
            held = sum(d.allocated_mw for d in granted if d.application.operator == operator)
            assert held <= config.operator_cap_mw + 1e-6
    # Firm loads only where the zone (as first given) has firm headroom for all of them.
    firm = grid.firm_headroom_mw()
    for z, zone in enumerate(grid.zones):
        firm_here = sum(d.allocated_mw for d in granted if d.application.firm and d.zone == zone)
        assert firm_here <= firm[z] + 1e-6
    # Never curtailed beyond the offer: the allocator's own check and an independent one.
    assert result.verification.passes
    grants = [Grant(d.application, d.site, d.zone, d.allocated_mw) for d in granted]  # type: ignore[arg-type]
    again = verify(tiny_dataset(), grid, grants, run)  # type: ignore[arg-type]
    for v in again.grants:
        assert v.total_share <= v.grant.application.max_curtailment_share + 1e-6
        assert v.capacity.longest_event_hours <= v.grant.application.longest_event_hours
        if v.grant.application.firm:
            assert v.capacity.curtailed_hours_per_year == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.randoms(use_true_random=False))
def test_permuting_the_applications_changes_nothing(case: tuple, random) -> None:  # type: ignore[no-untyped-def, type-arg]
    grid, apps, config, run = case
    shuffled = list(apps)
    random.shuffle(shuffled)
    first = allocate(apps, grid, tiny_dataset(), config, run=run)  # type: ignore[arg-type]
    second = allocate(shuffled, grid, tiny_dataset(), config, run=run)  # type: ignore[arg-type]

    def key(result):  # type: ignore[no-untyped-def]
        return [
            (d.application.application_id, d.site, d.allocated_mw, d.reason)
            for d in result.decisions
        ]

    assert key(first) == key(second)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(), st.integers(2, 4))
def test_equal_applications_are_treated_equally(case: tuple, copies: int) -> None:  # type: ignore[type-arg]
    """Copies of a one-site application get the same MW when they have no minimum size
    (splitting their total evenly keeps every constraint and the objective); with a minimum
    the grants go in id order, largest first."""
    grid, apps, config, run = case
    one_site = {"sites": apps[0].sites[:1]}
    twins = [
        apps[0].model_copy(update={"application_id": f"T{k}", **one_site}) for k in range(copies)
    ]
    result = allocate([*apps[1:], *twins], grid, tiny_dataset(), config, run=run)  # type: ignore[arg-type]
    got = [d.allocated_mw for d in result.decisions if d.application.application_id.startswith("T")]
    if apps[0].min_mw == 0:
        assert max(got) - min(got) <= 2e-3
    else:
        assert got == sorted(got, reverse=True)
