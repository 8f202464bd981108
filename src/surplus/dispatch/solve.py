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
from dataclasses import dataclass, replace

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
    spin_mw: np.ndarray
    """Spinning reserve the programme counts for the slow units, hours × `System.slow_units`
    (their spinning capacity less their output)."""
    transfer_mw: np.ndarray
    """Reserve carried over `System.transfer_corridors`, positive from `from_zone`."""
    shortfall_mw: np.ndarray
    """Reserve shortfall, hours × regions."""
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
            spin_mw=glue("spin_mw"),
            transfer_mw=glue("transfer_mw"),
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


@dataclass(frozen=True)
class BaseCaps:
    """What the dispatch without flexible loads left unserved (hours × zones) and short of
    reserve (hours × regions): with flexible loads, neither may grow."""

    unserved_mw: np.ndarray
    shortfall_mw: np.ndarray


class MonthSolver:
    """Solves the months of one system in order (one thread at a time), keeping HiGHS warm.

    With flexible loads, each month is solved twice: first without them, then with them and
    with every zone's unserved energy and every region's reserve shortfall capped at what
    the first solve left (or at `caps`, taken from a dispatch without them, which saves the
    first solve). So a flexible load never sheds an existing consumer or eats into the
    reserve, whatever it is worth."""

    def __init__(self, system: System, caps: BaseCaps | None = None) -> None:
        self.system = system
        self.caps = caps
        self.hours = max(len(block) for block in system.blocks())
        self.cache: MatrixCache = {}
        self.highs: highspy.Highs | None = None
        self.last: BlockLp | None = None
        """The programme as HiGHS now holds it (its bounds included)."""

    def solve(self, hours: np.ndarray) -> Solution:
        """The optimum over one month's hour positions."""
        lp = block_lp(self.system, hours, self.cache, padded_to=self.hours)
        layout = lp.layout
        if not layout.width["flexible"]:
            self._hand_over(lp, hours)
            return _optimum(self._run(hours), self.system, hours, lp)
        if self.caps is None:
            upper = lp.col_upper.copy()
            upper[layout.start("flexible") : layout.start("spin")] = 0.0
            self._hand_over(replace(lp, col_upper=upper), hours)
            base = _optimum(self._run(hours), self.system, hours, lp)
            caps = BaseCaps(base.unserved_mw, base.shortfall_mw)
        else:
            caps = BaseCaps(self.caps.unserved_mw[hours], self.caps.shortfall_mw[hours])
        upper = lp.col_upper.copy()
        unserved = slice(layout.start("unserved"), layout.start("flexible"))
        shortfall = slice(layout.start("shortfall"), layout.columns)
        upper[unserved] = _capped(upper[unserved], caps.unserved_mw, layout.hours)
        upper[shortfall] = _capped(upper[shortfall], caps.shortfall_mw, layout.hours)
        self._hand_over(replace(lp, col_upper=upper), hours)
        return _optimum(self._run(hours), self.system, hours, lp)

    def _hand_over(self, lp: BlockLp, hours: np.ndarray) -> None:
        """Pass the model the first time; afterwards only the bounds that changed."""
        if self.highs is None or self.last is None:
            self.highs = _new_highs()
            lp.pass_to(self.highs)
            if len(hours) > SEED_HOURS:
                self.highs.setBasis(_seed_basis(self.system, hours[:SEED_HOURS], lp.layout))
        else:
            last = self.last
            columns = _changed(last.col_lower, last.col_upper, lp.col_lower, lp.col_upper)
            rows = _changed(last.row_lower, last.row_upper, lp.row_lower, lp.row_upper)
            self.highs.changeColsBounds(
                len(columns), columns, lp.col_lower[columns], lp.col_upper[columns]
            )
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows), rows, lp.row_lower[rows], lp.row_upper[rows]
            )
        self.last = lp

    def _run(self, hours: np.ndarray) -> highspy.Highs:
        assert self.highs is not None
        highs = self.highs
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            highs.clearSolver()  # once more from scratch, then give up
            highs.run()
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise DispatchError(_failure(self.system, hours, highs.modelStatusToString(status)))
        return highs


def _capped(upper: np.ndarray, cap: np.ndarray, hours: int) -> np.ndarray:
    """`upper` (hour-major, padded to `hours`) no higher than `cap` on the real hours."""
    capped = upper.reshape(hours, -1).copy()
    real = cap.shape[0]
    capped[:real] = np.minimum(capped[:real], np.maximum(cap, 0.0))
    return capped.ravel()


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
    highs.setOptionValue("simplex_dual_edge_weight_strategy", 2)
    return highs


def _optimum(highs: highspy.Highs, system: System, hours: np.ndarray, lp: BlockLp) -> Solution:
    layout = lp.layout
    x = np.asarray(highs.getSolution().col_value)
    n = len(hours)
    unit = layout.part(x, "unit").copy()
    unit[:, system.must_units] += layout.part(x, "must")
    spin = np.maximum(layout.part(x, "spin") - unit[:, system.slow_units], 0.0)
    price = np.asarray(highs.getSolution().row_dual)[: layout.row_start("reserve")]
    return Solution(
        hours=hours,
        unit_mw=unit[:n],
        flow_mw=layout.part(x, "flow")[:n],
        unserved_mw=layout.part(x, "unserved")[:n],
        flexible_mw=layout.part(x, "flexible")[:n],
        spin_mw=spin[:n],
        transfer_mw=_net(layout.part(x, "transfer"))[:n],
        shortfall_mw=layout.part(x, "shortfall")[:n],
        price_pkr_per_mwh=price.reshape(layout.hours, -1)[:n],
        objective_pkr=highs.getInfo().objective_function_value + lp.offset_pkr,
    )


def _net(carried: np.ndarray) -> np.ndarray:
    """Forward less backward reserve carried, hours × corridors."""
    half = carried.shape[1] // 2
    return carried[:, :half] - carried[:, half:]


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
    first = old.monthly_row
    rows += basis.row_status[first : first + layout.budgets + layout.fuels]
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


def _failure(system: System, hours: np.ndarray, status: str) -> str:
    """Every limit of the programme has a priced slack (unserved energy, spilled must-run
    output, reserve shortfall), so it is never infeasible: a failure is numerical."""
    first = system.snapshots[hours[0]]
    return (
        f"HiGHS could not solve the dispatch of the month from {first:%Y-%m-%d %H:%M} UTC "
        f"({status}). Every limit has a priced slack, so the data cannot make the programme "
        "infeasible: this is a numerical failure; please report it with the dataset."
    )
