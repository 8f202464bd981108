"""The dispatch linear programme for a block of hours, built in bulk as one sparse matrix.

Columns, hour-major within each kind: unit output g, corridor flow f, unserved energy u,
flexible load served x, reserve shortfall s. Rows: one balance per zone-hour, one reserve
row per hour, one energy budget per budgeted unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from surplus.dispatch.system import System


@dataclass(frozen=True)
class Layout:
    """Where each kind of column and row starts, for T hours."""

    hours: int
    units: int
    corridors: int
    zones: int
    flexible: int
    budgets: int

    @property
    def flow_start(self) -> int:
        return self.hours * self.units

    @property
    def unserved_start(self) -> int:
        return self.flow_start + self.hours * self.corridors

    @property
    def flexible_start(self) -> int:
        return self.unserved_start + self.hours * self.zones

    @property
    def shortfall_start(self) -> int:
        return self.flexible_start + self.hours * self.flexible

    @property
    def columns(self) -> int:
        return self.shortfall_start + self.hours

    @property
    def reserve_row(self) -> int:
        return self.hours * self.zones

    @property
    def rows(self) -> int:
        return self.reserve_row + self.hours + self.budgets

    def column_kinds(self) -> list[tuple[int, int]]:
        """(first column, columns per hour) of each kind, in order."""
        return [
            (0, self.units),
            (self.flow_start, self.corridors),
            (self.unserved_start, self.zones),
            (self.flexible_start, self.flexible),
            (self.shortfall_start, 1),
        ]

    def row_kinds(self) -> list[tuple[int, int]]:
        """(first row, rows per hour) of each hourly kind of row."""
        return [(0, self.zones), (self.reserve_row, 1)]


def layout_of(system: System, hours: int) -> Layout:
    return Layout(
        hours=hours,
        units=len(system.unit_cost),
        corridors=len(system.corridor_from),
        zones=len(system.zones),
        flexible=len(system.flexible),
        budgets=int((system.unit_budget >= 0).sum()),
    )


@dataclass(frozen=True)
class BlockLp:
    """A programme as the arrays HiGHS takes: column costs and bounds, row bounds, and the
    constraint matrix in compressed columns."""

    layout: Layout
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: sp.csc_matrix

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


MatrixCache = dict[tuple[int, int], sp.csc_matrix]
"""Matrices by (hours, budget rows): months of equal length share one."""


def block_lp(system: System, hours: np.ndarray, cache: MatrixCache, padded_to: int = 0) -> BlockLp:
    """The programme for the given hour positions, which share one local month. With
    `padded_to`, empty hours (every bound zero) are added to reach that many, so months of
    different lengths share one matrix and one HiGHS instance."""
    budget_units = np.flatnonzero(system.unit_budget >= 0)
    layout = layout_of(system, max(len(hours), padded_to))
    key = (layout.hours, layout.budgets)
    if key not in cache:
        cache[key] = _matrix(system, layout, budget_units)
    extended = np.concatenate([hours, np.full(layout.hours - len(hours), hours[-1])])
    cost, col_lower, col_upper = _columns(system, extended)
    row_lower, row_upper = _rows(system, extended, layout, budget_units)
    for start, width in layout.column_kinds():
        blank = slice(start + len(hours) * width, start + layout.hours * width)
        col_lower[blank] = col_upper[blank] = 0.0
    for start, width in layout.row_kinds():
        blank = slice(start + len(hours) * width, start + layout.hours * width)
        row_upper[blank] = 0.0
        row_lower[blank] = np.minimum(row_lower[blank], 0.0)
    return BlockLp(layout, cost, col_lower, col_upper, row_lower, row_upper, cache[key])


def _columns(system: System, hours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = len(hours)
    n_corr, n_zone = len(system.corridor_from), len(system.zones)
    shortfall = system.reserve_penalty_pkr_per_mw
    cost = np.concatenate(
        [
            np.tile(system.unit_cost, t),
            np.zeros(t * n_corr),
            np.full(t * n_zone, system.voll_pkr_per_mwh),
            np.tile(-system.flexible_value, t),
            np.full(t, shortfall),
        ]
    )
    lower = np.concatenate(
        [
            system.unit_min_mw[hours].ravel(),
            np.tile(system.corridor_min_mw, t),
            np.zeros(t * n_zone),
            np.zeros(t * len(system.flexible)),
            np.zeros(t),
        ]
    )
    upper = np.concatenate(
        [
            system.unit_available_mw[hours].ravel(),
            np.tile(system.corridor_max_mw, t),
            system.demand_mw[hours].ravel(),
            system.flexible_load_mw[hours].ravel(),
            np.full(t, np.inf),
        ]
    )
    return cost, lower, upper


def _rows(
    system: System, hours: np.ndarray, layout: Layout, budget_units: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    demand = system.demand_mw[hours].ravel()
    held = system.unit_available_mw[hours][:, system.unit_reserve].sum(axis=1)
    month = system.hour_month[hours[0]] - 1
    budget = system.budget_mwh[system.unit_budget[budget_units], month]
    lower = np.concatenate([demand, np.full(layout.hours + layout.budgets, -np.inf)])
    upper = np.concatenate([demand, held - system.reserve_mw[hours], budget])
    return lower, upper


def _matrix(system: System, layout: Layout, budget_units: np.ndarray) -> sp.csc_matrix:
    t_units = np.repeat(np.arange(layout.hours), layout.units)
    units = np.tile(np.arange(layout.units), layout.hours)
    g_col = np.arange(layout.flow_start)
    rows = [t_units * layout.zones + system.unit_zone[units]]
    cols = [g_col]
    vals = [np.ones(len(g_col))]
    reserve = system.unit_reserve[units]
    rows.append(layout.reserve_row + t_units[reserve])
    cols.append(g_col[reserve])
    vals.append(np.ones(int(reserve.sum())))
    budget_row = np.full(layout.units, -1)
    budget_row[budget_units] = np.arange(len(budget_units))
    budgeted = budget_row[units] >= 0
    rows.append(layout.reserve_row + layout.hours + budget_row[units][budgeted])
    cols.append(g_col[budgeted])
    vals.append(np.ones(int(budgeted.sum())))
    _flows(system, layout, rows, cols, vals)
    _slacks(system, layout, rows, cols, vals)
    matrix = sp.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(layout.rows, layout.columns),
    )
    matrix.sum_duplicates()
    return matrix


def _flows(system: System, layout: Layout, rows: list, cols: list, vals: list) -> None:
    t = np.repeat(np.arange(layout.hours), layout.corridors)
    corridor = np.tile(np.arange(layout.corridors), layout.hours)
    col = layout.flow_start + np.arange(layout.hours * layout.corridors)
    rows += [
        t * layout.zones + system.corridor_from[corridor],
        t * layout.zones + system.corridor_to[corridor],
    ]
    cols += [col, col]
    vals += [-np.ones(len(col)), np.ones(len(col))]


def _slacks(system: System, layout: Layout, rows: list, cols: list, vals: list) -> None:
    n_unserved = layout.hours * layout.zones
    rows.append(np.arange(n_unserved))
    cols.append(layout.unserved_start + np.arange(n_unserved))
    vals.append(np.ones(n_unserved))
    t = np.repeat(np.arange(layout.hours), layout.flexible)
    load = np.tile(np.arange(layout.flexible), layout.hours)
    rows.append(t * layout.zones + system.flexible_zone[load])
    cols.append(layout.flexible_start + np.arange(len(t)))
    vals.append(-np.ones(len(t)))
    rows.append(layout.reserve_row + np.arange(layout.hours))
    cols.append(layout.shortfall_start + np.arange(layout.hours))
    vals.append(-np.ones(layout.hours))
