"""Solving the dispatch month by month with HiGHS and reading back outputs and prices.

Months are solved in order, each one starting from the optimal basis of the month before,
laid hour by hour onto the new month (a day's pattern of which plants run repeats, so the
dual simplex has few pivots left to make); the first month starts from the basis of its
first week. The start only speeds the solve: each month is solved to optimality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from surplus.dispatch.model import Layout, MatrixCache, block_lp, layout_of
from surplus.dispatch.system import DispatchError, System

HOURS_PER_DAY = 24
SEED_HOURS = 7 * HOURS_PER_DAY


@dataclass(frozen=True)
class Solution:
    """The optimum over all hours, as arrays (hours first)."""

    unit_mw: np.ndarray
    flow_mw: np.ndarray
    unserved_mw: np.ndarray
    flexible_mw: np.ndarray
    shortfall_mw: np.ndarray
    price_pkr_per_mwh: np.ndarray
    objective_pkr: float


@dataclass(frozen=True)
class _Piece:
    """One solved programme: primal values by kind, balance duals, bases, objective."""

    parts: tuple[np.ndarray, ...]
    price: np.ndarray
    col_status: list[highspy.HighsBasisStatus]
    row_status: list[highspy.HighsBasisStatus]
    objective_pkr: float
    layout: Layout


def solve(system: System, progress: Callable[[int, int], None] | None = None) -> Solution:
    """Solve each month in turn; `progress(done, total)` is called after each one."""
    blocks = system.blocks()
    pieces: list[_Piece] = []
    cache: MatrixCache = {}
    for done, hours in enumerate(blocks, start=1):
        pieces.append(_solve_month(system, hours, pieces[-1] if pieces else None, cache))
        if progress is not None:
            progress(done, len(blocks))
    unit, flow, unserved, flexible, shortfall = (
        np.concatenate([p.parts[k] for p in pieces]) for k in range(5)
    )
    return Solution(
        unit_mw=unit,
        flow_mw=flow,
        unserved_mw=unserved,
        flexible_mw=flexible,
        shortfall_mw=shortfall,
        price_pkr_per_mwh=np.concatenate([p.price for p in pieces]),
        objective_pkr=float(sum(p.objective_pkr for p in pieces)),
    )


def _solve_month(
    system: System, hours: np.ndarray, before: _Piece | None, cache: MatrixCache
) -> _Piece:
    if before is None:
        if len(hours) <= SEED_HOURS:
            return _solve(system, hours, cache)
        before = _solve(system, hours[:SEED_HOURS], cache)
    layout = layout_of(system, len(hours))
    return _solve(system, hours, cache, start=_carry_basis(before, layout))


def _carry_basis(before: _Piece, layout: Layout) -> highspy.HighsBasis:
    """The earlier basis on the new hours: hour t takes hour t of the earlier block, and
    hours beyond its end repeat its last day. Plain list slices: the statuses are pybind
    enums, slow to convert."""
    old = before.layout
    cols: list[object] = []
    for (start, width) in old.column_kinds():
        cols += _stretch(before.col_status, start, width, old.hours, layout.hours)
    rows: list[object] = []
    for (start, width) in old.row_kinds():
        rows += _stretch(before.row_status, start, width, old.hours, layout.hours)
    budget_rows = old.reserve_row + old.hours
    rows += before.row_status[budget_rows : budget_rows + layout.budgets]
    basis = highspy.HighsBasis()
    basis.col_status = cols
    basis.row_status = rows
    basis.valid = True
    return basis


def _stretch(status: list, start: int, width: int, old_hours: int, new_hours: int) -> list:
    """`width` statuses per hour from `start`, for `new_hours` hours."""
    kept = status[start : start + min(old_hours, new_hours) * width]
    if new_hours <= old_hours or width == 0:
        return kept
    day = min(HOURS_PER_DAY, old_hours) * width
    last_day = status[start + old_hours * width - day : start + old_hours * width]
    missing = (new_hours - old_hours) * width
    return kept + (last_day * (missing // day + 1))[:missing]


def _solve(
    system: System,
    hours: np.ndarray,
    cache: MatrixCache,
    start: highspy.HighsBasis | None = None,
) -> _Piece:
    lp = block_lp(system, hours, cache)
    layout = lp.layout
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("simplex_dual_edge_weight_strategy", 1)
    lp.pass_to(highs)
    if start is not None and highs.setBasis(start) != highspy.HighsStatus.kOk:
        highs.clearSolver()
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise DispatchError(_failure(system, hours, highs.modelStatusToString(status)))
    solution = highs.getSolution()
    basis = highs.getBasis()
    dual = np.asarray(solution.row_dual)
    return _Piece(
        parts=_by_kind(np.asarray(solution.col_value), layout),
        price=dual[: layout.reserve_row].reshape(layout.hours, layout.zones),
        col_status=basis.col_status,
        row_status=basis.row_status,
        objective_pkr=highs.getInfo().objective_function_value,
        layout=layout,
    )


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
