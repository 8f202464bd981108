"""The dispatch linear programme for a block of hours, built in bulk as one sparse matrix.

Columns, hour-major within each kind: unit output above the must-run floor g, output up to
the floor m (must-run units only; cheaper by the spill penalty, so it is spilled only when
nothing else can give way), corridor flow f, unserved energy u, flexible load served x,
spinning capacity of slow units k (output plus spinning reserve, at most the available
capacity), reserve carried between regions q (forward, then backward, each at a carrying cost
of `CARRY_COST_PKR_PER_MW` so that only reserve a region needs is carried), reserve shortfall
s.

Rows, hour-major: one balance per zone, one reserve row per region, one row per slow unit
(spinning capacity at most output ÷ minimum stable share, so its reserve k − g is at most
output × spin ratio), one row per corridor between regions (flow plus reserve carried within
the corridor's limits); then one energy row per budgeted unit and per limited fuel for the
month. A slow unit's reserve k − g is not bounded below by zero: negative reserve could only
make a region's row harder to meet, so the optimum never needs it, and one row per unit-hour
is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from surplus.dispatch.system import NO_RESERVE, QUICK, System

KINDS = ("unit", "must", "flow", "unserved", "flexible", "spin", "transfer", "shortfall")

CARRY_COST_PKR_PER_MW = 1.0
"""What carrying a MW of reserve over a corridor for an hour costs in the objective: nothing
a plant's cost could notice, but enough that the optimiser carries no reserve a region does
not need (without it, reserve would wander between regions at random among equal optima,
and spare capacity, which keeps the carried reserve in place, would come out too low)."""
ROW_KINDS = ("balance", "reserve", "spin", "transfer")


@dataclass(frozen=True)
class Layout:
    """Where each kind of column and row starts, for T hours."""

    hours: int
    width: dict[str, int]
    """Columns per hour of each kind in `KINDS`."""
    row_width: dict[str, int]
    """Rows per hour of each kind in `ROW_KINDS`."""
    budgets: int
    fuels: int

    def start(self, kind: str) -> int:
        """First column of a kind."""
        position = 0
        for name in KINDS:
            if name == kind:
                return position
            position += self.hours * self.width[name]
        raise KeyError(kind)

    def row_start(self, kind: str) -> int:
        position = 0
        for name in ROW_KINDS:
            if name == kind:
                return position
            position += self.hours * self.row_width[name]
        raise KeyError(kind)

    @property
    def columns(self) -> int:
        return self.hours * sum(self.width.values())

    @property
    def monthly_row(self) -> int:
        """First row of the budgets, then the fuel limits."""
        return self.hours * sum(self.row_width.values())

    @property
    def rows(self) -> int:
        return self.monthly_row + self.budgets + self.fuels

    def column_kinds(self) -> list[tuple[int, int]]:
        """(first column, columns per hour) of each kind, in order."""
        return [(self.start(kind), self.width[kind]) for kind in KINDS]

    def row_kinds(self) -> list[tuple[int, int]]:
        """(first row, rows per hour) of each hourly kind of row."""
        return [(self.row_start(kind), self.row_width[kind]) for kind in ROW_KINDS]

    def part(self, x: np.ndarray, kind: str) -> np.ndarray:
        """The values of one kind of column, hours × width."""
        start = self.start(kind)
        return x[start : start + self.hours * self.width[kind]].reshape(self.hours, -1)


def layout_of(system: System, hours: int) -> Layout:
    slow = len(system.slow_units)
    transfers = len(system.transfer_corridors)
    return Layout(
        hours=hours,
        width={
            "unit": len(system.unit_cost),
            "must": len(system.must_units),
            "flow": len(system.corridor_from),
            "unserved": len(system.zones),
            "flexible": len(system.flexible),
            "spin": slow,
            "transfer": 2 * transfers,
            "shortfall": len(system.regions),
        },
        row_width={
            "balance": len(system.zones),
            "reserve": len(system.regions),
            "spin": slow,
            "transfer": transfers,
        },
        budgets=int((system.unit_budget >= 0).sum()),
        fuels=len(system.fuel_names),
    )


@dataclass(frozen=True)
class BlockLp:
    """A programme as the arrays HiGHS takes: column costs and bounds, row bounds, and the
    constraint matrix in compressed columns. `offset_pkr` is the constant the objective
    leaves out: the spill penalty on every must-run floor (see the module docstring)."""

    layout: Layout
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_matrix
    offset_pkr: float

    def pass_to(self, highs: highspy.Highs) -> None:
        """Hand the whole model over in one call."""
        matrix = self.matrix
        highs.passModel(
            self.layout.columns,
            self.layout.rows,
            matrix.nnz,
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            self.cost,
            self.col_lower,
            self.col_upper,
            self.row_lower,
            self.row_upper,
            matrix.indptr.astype(np.int32),
            matrix.indices.astype(np.int32),
            matrix.data,
            np.zeros(self.layout.columns, dtype=np.int32),  # every column continuous
        )


MatrixCache = dict[int, sp.csc_matrix]
"""Matrices by hours: months of equal length share one."""


def block_lp(system: System, hours: np.ndarray, cache: MatrixCache, padded_to: int = 0) -> BlockLp:
    """The programme for the given hour positions, which share one local month. With
    `padded_to`, empty hours (every bound zero) are added to reach that many, so months of
    different lengths share one matrix and one HiGHS instance."""
    layout = layout_of(system, max(len(hours), padded_to))
    if layout.hours not in cache:
        cache[layout.hours] = _matrix(system, layout)
    extended = np.concatenate([hours, np.full(layout.hours - len(hours), hours[-1])])
    cost, col_lower, col_upper = _columns(system, extended, layout)
    row_lower, row_upper = _rows(system, extended, layout)
    for start, width in layout.column_kinds():
        blank = slice(start + len(hours) * width, start + layout.hours * width)
        col_lower[blank] = col_upper[blank] = 0.0
    for start, width in layout.row_kinds():
        blank = slice(start + len(hours) * width, start + layout.hours * width)
        row_upper[blank] = 0.0
        row_lower[blank] = np.minimum(row_lower[blank], 0.0)
    offset = system.spill_penalty_pkr_per_mwh * float(system.unit_min_mw[hours].sum())
    return BlockLp(
        layout, cost, col_lower, col_upper, row_lower, row_upper, cache[layout.hours], offset
    )


def _columns(
    system: System, hours: np.ndarray, layout: Layout
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = len(hours)
    must = system.must_units
    available = system.unit_available_mw[hours]
    floor = system.unit_min_mw[hours]
    transfer = system.transfer_corridors
    room = system.corridor_max_mw[transfer] - system.corridor_min_mw[transfer]
    cost = np.concatenate(
        [
            np.tile(system.unit_cost, t),
            np.tile(system.unit_cost[must] - system.spill_penalty_pkr_per_mwh, t),
            np.zeros(t * layout.width["flow"]),
            np.full(t * layout.width["unserved"], system.voll_pkr_per_mwh),
            np.tile(-system.flexible_value, t),
            np.zeros(t * layout.width["spin"]),
            np.full(t * layout.width["transfer"], CARRY_COST_PKR_PER_MW),
            np.full(t * layout.width["shortfall"], system.reserve_penalty_pkr_per_mw),
        ]
    )
    lower = np.concatenate(
        [
            np.zeros(t * layout.width["unit"]),
            np.zeros(t * layout.width["must"]),
            np.tile(system.corridor_min_mw, t),
            np.zeros(t * layout.width["unserved"]),
            np.zeros(t * layout.width["flexible"]),
            np.zeros(t * layout.width["spin"]),
            np.zeros(t * layout.width["transfer"]),
            np.zeros(t * layout.width["shortfall"]),
        ]
    )
    upper = np.concatenate(
        [
            (available - floor).ravel(),
            floor[:, must].ravel(),
            np.tile(system.corridor_max_mw, t),
            system.demand_mw[hours].ravel(),
            system.flexible_load_mw[hours].ravel(),
            available[:, system.slow_units].ravel(),
            np.tile(np.concatenate([room, room]), t),
            np.full(t * layout.width["shortfall"], np.inf),
        ]
    )
    return cost, lower, upper


def _rows(system: System, hours: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    t = len(hours)
    available = system.unit_available_mw[hours]
    quick = system.unit_reserve_class == QUICK
    quick_by_region = np.zeros((len(system.unit_cost), layout.width["shortfall"]))
    quick_by_region[np.flatnonzero(quick), system.unit_region[quick]] = 1.0
    held = available @ quick_by_region
    month = system.hour_month[hours[0]] - 1
    budgets = system.budget_mwh[system.unit_budget[system.unit_budget >= 0], month]
    fuels = system.fuel_limit_mwh[:, month]
    transfer = system.transfer_corridors
    demand = system.demand_mw[hours].ravel()
    lower = np.concatenate(
        [
            demand,
            np.full(t * (layout.row_width["reserve"] + layout.row_width["spin"]), -np.inf),
            np.tile(system.corridor_min_mw[transfer], t),
            np.full(layout.budgets + layout.fuels, -np.inf),
        ]
    )
    upper = np.concatenate(
        [
            demand,
            (held - system.reserve_mw[hours]).ravel(),
            np.zeros(t * layout.row_width["spin"]),
            np.tile(system.corridor_max_mw[transfer], t),
            budgets,
            fuels,
        ]
    )
    return lower, upper


class _Entries:
    """Coordinates of the matrix's non-zeros, gathered kind by kind."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []

    def add(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float) -> None:
        self.rows.append(np.asarray(rows))
        self.cols.append(np.asarray(cols))
        self.vals.append(np.broadcast_to(np.asarray(vals, float), np.shape(rows)))

    def matrix(self, layout: Layout) -> sp.csc_matrix:
        matrix = sp.csc_matrix(
            (np.concatenate(self.vals), (np.concatenate(self.rows), np.concatenate(self.cols))),
            shape=(layout.rows, layout.columns),
        )
        matrix.sum_duplicates()
        return matrix


def _matrix(system: System, layout: Layout) -> sp.csc_matrix:
    entries = _Entries()
    _outputs(system, layout, entries)
    _flows(system, layout, entries)
    _slacks(system, layout, entries)
    _reserve(system, layout, entries)
    return entries.matrix(layout)


def _hourly(layout: Layout, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hour, member) of every column of a kind, in column order."""
    return np.repeat(np.arange(layout.hours), len(members)), np.tile(members, layout.hours)


def _outputs(system: System, layout: Layout, entries: _Entries) -> None:
    """Both output columns of a unit enter its zone's balance, its region's reserve row (if
    it holds reserve), its slow-unit row, and its budget and fuel rows."""
    n_units = len(system.unit_cost)
    slow_row = np.full(n_units, -1)
    slow_row[system.slow_units] = np.arange(len(system.slow_units))
    budget_units = np.flatnonzero(system.unit_budget >= 0)
    budget_row = np.full(n_units, -1)
    budget_row[budget_units] = np.arange(len(budget_units))
    for kind, members in (("unit", np.arange(n_units)), ("must", system.must_units)):
        t, unit = _hourly(layout, members)
        col = layout.start(kind) + np.arange(len(t))
        entries.add(t * layout.row_width["balance"] + system.unit_zone[unit], col, 1.0)
        holds = system.unit_reserve_class[unit] != NO_RESERVE
        reserve_row = layout.row_start("reserve") + t * layout.row_width["reserve"]
        entries.add(reserve_row[holds] + system.unit_region[unit[holds]], col[holds], 1.0)
        slow = slow_row[unit] >= 0
        within = t[slow] * layout.row_width["spin"] + slow_row[unit[slow]]
        entries.add(
            layout.row_start("spin") + within, col[slow], -1.0 - system.unit_spin_ratio[unit[slow]]
        )
        budgeted = budget_row[unit] >= 0
        entries.add(layout.monthly_row + budget_row[unit[budgeted]], col[budgeted], 1.0)
        fuelled = system.unit_fuel_limit[unit] >= 0
        entries.add(
            layout.monthly_row + layout.budgets + system.unit_fuel_limit[unit[fuelled]],
            col[fuelled],
            1.0,
        )


def _flows(system: System, layout: Layout, entries: _Entries) -> None:
    t, corridor = _hourly(layout, np.arange(layout.width["flow"]))
    col = layout.start("flow") + np.arange(len(t))
    zones = layout.row_width["balance"]
    entries.add(t * zones + system.corridor_from[corridor], col, -1.0)
    entries.add(t * zones + system.corridor_to[corridor], col, 1.0)
    is_transfer = np.full(layout.width["flow"], -1)
    is_transfer[system.transfer_corridors] = np.arange(len(system.transfer_corridors))
    crossing = is_transfer[corridor] >= 0
    rows = layout.row_start("transfer") + t * layout.row_width["transfer"] + is_transfer[corridor]
    entries.add(rows[crossing], col[crossing], 1.0)


def _slacks(system: System, layout: Layout, entries: _Entries) -> None:
    n_unserved = layout.hours * layout.width["unserved"]
    entries.add(np.arange(n_unserved), layout.start("unserved") + np.arange(n_unserved), 1.0)
    t, load = _hourly(layout, np.arange(layout.width["flexible"]))
    entries.add(
        t * layout.row_width["balance"] + system.flexible_zone[load],
        layout.start("flexible") + np.arange(len(t)),
        -1.0,
    )
    n_short = layout.hours * layout.width["shortfall"]
    entries.add(
        layout.row_start("reserve") + np.arange(n_short),
        layout.start("shortfall") + np.arange(n_short),
        -1.0,
    )


def _reserve(system: System, layout: Layout, entries: _Entries) -> None:
    """A slow unit's spinning capacity counts in its region (its output, counted there too,
    is taken off) and is bounded by its output; reserve carried over a corridor between
    regions leaves one region's row and enters the other's."""
    regions = layout.row_width["reserve"]
    reserve_row = layout.row_start("reserve")
    t, unit = _hourly(layout, system.slow_units)
    col = layout.start("spin") + np.arange(len(t))
    within = np.tile(np.arange(len(system.slow_units)), layout.hours)
    entries.add(reserve_row + t * regions + system.unit_region[unit], col, -1.0)
    entries.add(layout.row_start("spin") + t * layout.row_width["spin"] + within, col, 1.0)
    crossing = system.transfer_corridors
    n = len(crossing)
    t, corridor = _hourly(layout, np.concatenate([crossing, crossing]))
    col = layout.start("transfer") + np.arange(len(t))
    within = np.tile(np.arange(n), 2 * layout.hours)
    sign = np.tile(np.r_[np.ones(n), -np.ones(n)], layout.hours)  # forward, then backward
    source = system.zone_region[system.corridor_from[corridor]]
    sink = system.zone_region[system.corridor_to[corridor]]
    entries.add(reserve_row + t * regions + source, col, sign)
    entries.add(reserve_row + t * regions + sink, col, -sign)
    entries.add(layout.row_start("transfer") + t * layout.row_width["transfer"] + within, col, sign)
