"""Warm starts change how fast a month solves, never its optimum."""

from __future__ import annotations

import numpy as np
import pytest

from surplus.dispatch import dispatch
from surplus.dispatch.solve import MonthSolver, Solution, solve
from surplus.dispatch.system import prepare
from tests.dispatch.systems import synthetic_grid


def test_warm_started_months_match_cold_ones() -> None:
    # Months of 31, 28 and 31 days, then part of one: the basis is stretched and cut.
    system = prepare(synthetic_grid(n_hours=24 * 100, n_plants=30, seed=3))
    warm = solve(system)
    cold = Solution.join([MonthSolver(system).solve(hours) for hours in system.blocks()])
    assert warm.objective_pkr == pytest.approx(cold.objective_pkr, rel=1e-9)
    assert np.allclose(warm.unserved_mw.sum(), cold.unserved_mw.sum(), atol=1e-6)


def test_pipelined_dispatch_matches_the_plain_solve() -> None:
    data = synthetic_grid(n_hours=24 * 45, n_plants=20, seed=5)
    result = dispatch(data)
    plain = solve(prepare(data))
    assert result.objective_pkr == pytest.approx(plain.objective_pkr, rel=1e-9)
    assert len(result.spare_mw) == len(data.snapshots)


def test_only_changed_bounds_are_handed_over_yet_every_bound_is_the_months() -> None:
    # 31, 28 and 31 days and a part month: padding hours switch on and off between months.
    system = prepare(synthetic_grid(n_hours=24 * 100, n_plants=30, seed=4))
    solver = MonthSolver(system)
    for hours in system.blocks():
        solver.solve(hours)
        assert solver.highs is not None and solver.last is not None
        held = solver.highs.getLp()
        assert np.array_equal(np.asarray(held.col_lower_), solver.last.col_lower)
        assert np.array_equal(np.asarray(held.col_upper_), solver.last.col_upper)
        assert np.array_equal(np.asarray(held.row_lower_), solver.last.row_lower)
        assert np.array_equal(np.asarray(held.row_upper_), solver.last.row_upper)
