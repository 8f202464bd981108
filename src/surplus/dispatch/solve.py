"""Solving the dispatch month by month with HiGHS and reading back outputs and prices.

One HiGHS instance solves every month in order. Months are padded with empty hours to the
longest one, so they share a matrix and costs and differ only in bounds: each month hands
HiGHS just the bounds that differ from the month before and re-solves, and HiGHS's dual
simplex starts from the month before's optimal basis, hour t on hour t (a day's pattern of
which plants run repeats, so few pivots are left to make). The first month starts from the
basis of its first two days. Starts only speed the solve: every month is solved to
optimality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from surplus.dispatch.model import BlockLp, Layout, MatrixCache, block_lp
from surplus.dispatch.system import DispatchError, System

HOURS_PER_DAY = 24
SEED_HOURS = 2 * HOURS_PER_DAY


@dataclass(frozen=True)
class Solution:
    """The optimum over some hours (`hours`: positions in the dataset), hours first."""

    hours: np.ndarray
    unit_mw: np.ndarray
    flow_mw: np.ndarray
    unserved_mw: np.ndarray
    flexible_mw: np.ndarray
    shortfall_mw: np.ndarray
    price_pkr_per_mwh: np.ndarray
    objective_pkr: float

    @staticmethod
    def join(parts: list[Solution]) -> Solution:
        def glue(name: str) -> np.ndarray:
            return np.concatenate([getattr(part, name) for part in parts])

        return Solution(
            hours=glue("hours"),
            unit_mw=glue("unit_mw"),
            flow_mw=glue("flow_mw"),
            unserved_mw=glue("unserved_mw"),
            flexible_mw=glue("flexible_mw"),
            shortfall_mw=glue("shortfall_mw"),
            price_pkr_per_mwh=glue("price_pkr_per_mwh"),
            objective_pkr=float(sum(part.objective_pkr for part in parts)),
        )


def solve(system: System, progress: Callable[[int, int], None] | None = None) -> Solution:
    """Solve each month in turn; `progress(done, total)` is called after each one."""
    blocks = system.blocks()
    solver = MonthSolver(system)
    parts = []
    for done, hours in enumerate(blocks, start=1):
        parts.append(solver.solve(hours))
        if progress is not None:
            progress(done, len(blocks))
    return Solution.join(parts)


class MonthSolver:
    """Solves the months of one system in order (one thread at a time), keeping HiGHS warm."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.hours = max(len(block) for block in system.blocks())
        self.cache: MatrixCache = {}
        self.highs: highspy.Highs | None = None
        self.last: BlockLp | None = None

    def solve(self, hours: np.ndarray) -> Solution:
        """The optimum over one month's hour positions."""
        lp = block_lp(self.system, hours, self.cache, padded_to=self.hours)
        if self.highs is None or self.last is None:
            self.highs = _new_highs()
            lp.pass_to(self.highs)
            if len(hours) > SEED_HOURS:
                self.highs.setBasis(_seed_basis(self.system, hours[:SEED_HOURS], lp.layout))
        else:
            columns = _changed(self.last.col_lower, self.last.col_upper, lp.col_lower, lp.col_upper)
            rows = _changed(self.last.row_lower, self.last.row_upper, lp.row_lower, lp.row_upper)
            self.highs.changeColsBounds(
                len(columns), columns, lp.col_lower[columns], lp.col_upper[columns]
            )
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows, lp.row_lower[rows], lp.row_upper[rows]
            )
        self.last = lp
        return _optimum(self.highs, self.system, hours, lp.layout)


def _changed(
    old_lower: np.ndarray, old_upper: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """Positions whose bounds differ from the last month's: HiGHS's cost of a change grows
    with the number of entries handed over, and most bounds (corridor limits, flat plant
    availability) stay the same from month to month."""
    return np.flatnonzero((old_lower != lower) | (old_upper != upper)).astype(np.int32)


def _new_highs() -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("simplex_dual_edge_weight_strategy", 1)
    return highs


def _optimum(highs: highspy.Highs, system: System, hours: np.ndarray, layout: Layout) -> Solution:
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:  # once more from scratch, then give up
        highs.clearSolver()
        highs.run()
        status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise DispatchError(_failure(system, hours, highs.modelStatusToString(status)))
    solution = highs.getSolution()
    n = len(hours)
    unit, flow, unserved, flexible, shortfall = _by_kind(np.asarray(solution.col_value), layout)
    price = np.asarray(solution.row_dual)[: layout.reserve_row].reshape(layout.hours, -1)
    return Solution(
        hours=hours,
        unit_mw=unit[:n],
        flow_mw=flow[:n],
        unserved_mw=unserved[:n],
        flexible_mw=flexible[:n],
        shortfall_mw=shortfall[:n],
        price_pkr_per_mwh=price[:n],
        objective_pkr=highs.getInfo().objective_function_value,
    )


def _seed_basis(system: System, hours: np.ndarray, layout: Layout) -> highspy.HighsBasis:
    """Solve the first hours alone and stretch their optimal basis over the whole block."""
    seed: BlockLp = block_lp(system, hours, {})
    highs = _new_highs()
    seed.pass_to(highs)
    highs.run()
    basis = highs.getBasis()
    old = seed.layout
    cols: list[highspy.HighsBasisStatus] = []
    for start, width in old.column_kinds():
        cols += _stretch(basis.col_status, start, width, old.hours, layout.hours)
    rows: list[highspy.HighsBasisStatus] = []
    for start, width in old.row_kinds():
        rows += _stretch(basis.row_status, start, width, old.hours, layout.hours)
    budget_rows = old.reserve_row + old.hours
    rows += basis.row_status[budget_rows : budget_rows + layout.budgets]
    start_basis = highspy.HighsBasis()
    start_basis.col_status = cols
    start_basis.row_status = rows
    start_basis.valid = True
    return start_basis


def _stretch(status: list, start: int, width: int, old_hours: int, new_hours: int) -> list:
    """`width` statuses per hour from `start`, for `new_hours` hours; hours beyond the old
    block repeat its last day. Plain list slices: the statuses are pybind enums, slow to
    convert."""
    kept = status[start : start + min(old_hours, new_hours) * width]
    if new_hours <= old_hours or width == 0:
        return kept
    day = min(HOURS_PER_DAY, old_hours) * width
    last_day = status[start + old_hours * width - day : start + old_hours * width]
    missing = (new_hours - old_hours) * width
    return kept + (last_day * (missing // day + 1))[:missing]


def _by_kind(x: np.ndarray, layout: Layout) -> tuple[np.ndarray, ...]:
    t = layout.hours
    return (
        x[: layout.flow_start].reshape(t, layout.units),
        x[layout.flow_start : layout.unserved_start].reshape(t, layout.corridors),
        x[layout.unserved_start : layout.flexible_start].reshape(t, layout.zones),
        x[layout.flexible_start : layout.shortfall_start].reshape(t, layout.flexible),
        x[layout.shortfall_start :],
    )


def _failure(system: System, hours: np.ndarray, status: str) -> str:
    """Name the likely cause: must-run output that no zone can absorb."""
    first = system.snapshots[hours[0]]
    message = f"dispatch of the hours from {first:%Y-%m-%d %H:%M} UTC failed: {status}"
    must_run = system.unit_min_mw[hours].sum(axis=1)
    demand = system.demand_mw[hours].sum(axis=1) + system.flexible_load_mw[hours].sum(axis=1)
    over = np.flatnonzero(must_run > demand + 1e-6)
    if len(over):
        stamp = system.snapshots[hours[over[0]]]
        message += (
            f"; at {stamp:%Y-%m-%d %H:%M} UTC must-run output ({must_run[over[0]]:,.0f} MW) "
            f"exceeds all demand ({demand[over[0]]:,.0f} MW)"
        )
    return message
