"""Solving the dispatch month by month with HiGHS and reading back outputs and prices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np

from surplus.dispatch.model import Layout, block_lp
from surplus.dispatch.system import DispatchError, System


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


def solve(system: System, progress: Callable[[int, int], None] | None = None) -> Solution:
    """Solve each month in turn; `progress(done, total)` is called after each one."""
    blocks = system.blocks()
    parts = []
    for done, hours in enumerate(blocks, start=1):
        parts.append(_solve_block(system, hours))
        if progress is not None:
            progress(done, len(blocks))
    return Solution(
        *(np.concatenate([p[k] for p in parts]) for k in range(6)),
        objective_pkr=float(sum(p[6] for p in parts)),
    )


def _solve_block(system: System, hours: np.ndarray) -> tuple:
    lp, layout = block_lp(system, hours)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")
    highs.passModel(lp)
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise DispatchError(_failure(system, hours, highs.modelStatusToString(status)))
    solution = highs.getSolution()
    x = np.asarray(solution.col_value)
    dual = np.asarray(solution.row_dual)
    return (*_split(x, layout), dual[: layout.reserve_row].reshape(layout.hours, layout.zones),
            highs.getInfo().objective_function_value)


def _split(x: np.ndarray, layout: Layout) -> tuple[np.ndarray, ...]:
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
    message = f"dispatch of the month from {first:%Y-%m-%d %H:%M} UTC failed: {status}"
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
