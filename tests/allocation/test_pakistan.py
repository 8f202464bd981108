"""The allocator on the embedded Pakistan dataset, verified by the real dispatch."""

from __future__ import annotations

import pandas as pd
import pytest

from surplus.allocation import (
    AllocationSettings,
    Phase,
    allocate,
    grid_capacity,
    known_sites,
    read_applications,
    verify,
)
from surplus.allocation.cli import sample_applications
from surplus.allocation.verification import Grant
from surplus.dispatch import dispatch
from surplus.grid import load_dataset


@pytest.fixture(scope="module")
def june():  # type: ignore[no-untyped-def]
    """Two weeks of June, when spare capacity is tightest on summer evenings."""
    dataset = load_dataset().subset(
        pd.Timestamp("2025-06-01", tz="Asia/Karachi"), pd.Timestamp("2025-06-15", tz="Asia/Karachi")
    )
    return dataset, dispatch(dataset)


def test_the_sample_ships_at_least_thirty_valid_applications() -> None:
    apps = read_applications(sample_applications(), known_sites(load_dataset()))
    assert len(apps) >= 30
    assert {a.kind for a in apps} == {"miner", "ai_data_centre"}
    assert sum(a.requested_mw for a in apps) > 2000  # more asked than the quota
    assert any(a.firm for a in apps) and any(not a.firm for a in apps)


def test_sample_on_june_is_verified_by_the_real_dispatch(june) -> None:  # type: ignore[no-untyped-def]
    dataset, base = june
    grid = grid_capacity(dataset, base)
    apps = read_applications(sample_applications(), grid.sites)
    settings = AllocationSettings(phases=(Phase("one", 1500.0),), operator_cap_mw=400.0)
    result = allocate(apps, grid, dataset, settings)
    granted = [d for d in result.decisions if d.allocated_mw > 0]
    assert granted
    assert sum(d.allocated_mw for d in granted) <= 1500.0 + 1e-6
    assert result.verification.passes
    assert 0 <= result.gap <= settings.mip_rel_gap + 1e-12
    # Once more with the real dispatch, on the grid as it was before the allocator learned.
    grants = [Grant(d.application, d.site, d.zone, d.allocated_mw) for d in granted]  # type: ignore[arg-type]
    again = verify(dataset, grid, grants, dispatch)
    for v in again.grants:
        assert v.total_share <= v.grant.application.max_curtailment_share + 1e-6, v.why
        if v.grant.application.firm:
            assert v.capacity.curtailed_hours_per_year == 0
    firm = grid.firm_headroom_mw()
    for z, zone in enumerate(grid.zones):
        assert (
            sum(d.allocated_mw for d in granted if d.application.firm and d.zone == zone)
            <= firm[z] + 1e-6
        )
