"""Spare capacity: the most extra load one zone could take in one hour, by maximum flow.

For each hour the dispatch leaves a residual network. A source feeds each zone with the
unused output of its plants (capped for reservoir hydro by the water left in the month's
budget); plants that hold reserve feed through a shared pool node whose capacity is the
reserve held above the requirement, and a reserve plant may also step down towards its
must-run floor (zone → pool), freeing pool room for another zone. Corridors carry their
unused capacity forward and the current flow's reversal backward. Every other zone's
served demand and every other hour stay as dispatched. The spare MW of zone z is the
maximum flow from the source to z.

All the hours given (a month, as the dispatch calls it) are one graph for each zone: a
disjoint copy per hour under a common source and sink, solved by scipy's maximum flow on
integer capacities. Capacities are rounded down to
a grid fine enough (at most a microwatt, and never coarser than 2^-30 of the largest hourly
supply), so the answer is feasible, never negative, and short of the true figure by at
most a few grid steps.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from surplus.dispatch.solve import Solution
from surplus.dispatch.system import System

_SOURCE, _POOL, _FIRST_ZONE = 0, 1, 2
_MAX_UNITS_PER_MW = 1e6
_INT_ROOM = 2**30


def spare_mw(system: System, solution: Solution) -> np.ndarray:
    """Spare MW on the solution's hours × zones. The hours must be whole months (or all the
    dataset holds of them), since the water left in a budget is a month's figure."""
    n_zones = len(system.zones)
    if len(solution.hours) == 0 or n_zones == 0:
        return np.zeros((len(solution.hours), n_zones))
    tails, heads, caps = _residual_edges(system, solution)
    supply = caps[:, tails == _SOURCE].sum(axis=1)
    scale = min(_MAX_UNITS_PER_MW, _INT_ROOM / max(float(supply.max()), 1e-9))
    int_caps = np.floor(np.minimum(caps, supply[:, None]) * scale).astype(np.int64)
    graph = _HourlyGraph(tails, heads, int_caps, np.floor(supply * scale).astype(np.int64))
    spare = np.column_stack([graph.max_flow(_FIRST_ZONE + z) for z in range(n_zones)])
    return spare / scale


def _unit_headroom_mw(system: System, solution: Solution) -> np.ndarray:
    """How much more each unit could make each hour: availability, and for budgeted units the
    month's unused water (shared by no other hour, since the others stay as dispatched)."""
    up = np.maximum(system.unit_available_mw[solution.hours] - solution.unit_mw, 0.0)
    budgeted = np.flatnonzero(system.unit_budget >= 0)
    if len(budgeted) == 0:
        return up
    months = system.hour_month[solution.hours] - 1
    used = np.zeros((12, len(budgeted)))
    np.add.at(used, months, solution.unit_mw[:, budgeted])
    left = system.budget_mwh[system.unit_budget[budgeted]].T - used
    up[:, budgeted] = np.minimum(up[:, budgeted], np.maximum(left[months], 0.0))
    return up


def _residual_edges(system: System, solution: Solution) -> tuple[np.ndarray, ...]:
    """Edge tails and heads (one template for every hour) and capacities, hours × edges."""
    zones = np.arange(len(system.zones))
    nodes = _FIRST_ZONE + zones
    up = _unit_headroom_mw(system, solution)
    hours = solution.hours
    down = np.maximum(solution.unit_mw - system.unit_min_mw[hours], 0.0)
    reserve = system.unit_reserve
    by_zone = _zone_sum(system.unit_zone, len(zones))
    held = (system.unit_available_mw[hours] - solution.unit_mw)[:, reserve].sum(axis=1)
    pool = np.maximum(held - system.reserve_mw[hours], 0.0)
    frm = _FIRST_ZONE + system.corridor_from
    to = _FIRST_ZONE + system.corridor_to
    flow = solution.flow_mw
    tails = np.concatenate(
        [[_SOURCE], np.full(len(zones), _SOURCE), np.full(len(zones), _POOL), nodes, frm, to]
    )
    heads = np.concatenate([[_POOL], nodes, nodes, np.full(len(zones), _POOL), to, frm])
    caps = np.column_stack(
        [
            pool,
            up[:, ~reserve] @ by_zone[~reserve],
            up[:, reserve] @ by_zone[reserve],
            down[:, reserve] @ by_zone[reserve],
            np.maximum(system.corridor_max_mw - flow, 0.0),
            np.maximum(flow - system.corridor_min_mw, 0.0),
        ]
    )
    return tails, heads, caps


def _zone_sum(unit_zone: np.ndarray, n_zones: int) -> np.ndarray:
    matrix = np.zeros((len(unit_zone), n_zones))
    matrix[np.arange(len(unit_zone)), unit_zone] = 1.0
    return matrix


class _HourlyGraph:
    """One copy of the residual network per hour, fed by a super-source, with an edge from
    every zone of every hour to a super-sink. The compressed matrix is built once; each
    zone's turn only opens that zone's sink edges."""

    def __init__(
        self, tails: np.ndarray, heads: np.ndarray, caps: np.ndarray, supply: np.ndarray
    ) -> None:
        hours = caps.shape[0]
        width = int(max(tails.max(), heads.max())) + 1
        self.super_source = hours * width
        self.super_sink = self.super_source + 1
        self.size = self.super_sink + 1
        # One copy's edges, parallel ones merged, each zone's sink edge (local head `width`)
        # after its other edges: sorted by tail then head, as compressed rows want.
        stride = width + 1
        zones = np.arange(_FIRST_ZONE, width)
        pair_keys, codes = np.unique(tails * stride + heads, return_inverse=True)
        keys = np.concatenate([pair_keys, zones * stride + width])
        order = np.argsort(keys, kind="stable")
        local_tail, local_head = np.divmod(keys[order], stride)
        merged = np.zeros((hours, len(keys)), dtype=np.int64)
        for column, code in enumerate(codes):
            merged[:, code] += caps[:, column]
        merged = merged[:, order]
        is_sink = local_head == width
        keep = (merged > 0) | is_sink
        hour, edge = np.nonzero(keep)
        offset = hour * width
        fed = np.flatnonzero(supply > 0)
        edge_tails = offset + local_tail[edge]
        self.indices = np.concatenate(
            [np.where(is_sink[edge], self.super_sink, offset + local_head[edge]), fed * width]
        ).astype(np.int32)
        counts = np.bincount(edge_tails, minlength=self.size)
        counts[self.super_source] = len(fed)
        self.indptr = np.zeros(self.size + 1, dtype=np.int32)
        np.cumsum(counts, out=self.indptr[1:])
        edge_caps = np.concatenate([merged[hour, edge], supply[fed]])
        self.data = np.minimum(edge_caps, _INT_ROOM).astype(np.int32)
        sink_zone = np.where(is_sink[edge], local_tail[edge], -1)
        self.sink_slots = {int(z): np.flatnonzero(sink_zone == z) for z in zones}
        self.supply = np.minimum(supply, _INT_ROOM).astype(np.int32)
        self.hours, self.width = hours, width

    def max_flow(self, node: int) -> np.ndarray:
        """Per hour, the most flow from the source to zone `node`, in integer units."""
        data = self.data.copy()
        data[self.sink_slots[node]] = self.supply
        graph = sp.csr_matrix((data, self.indices, self.indptr), shape=(self.size, self.size))
        flow = maximum_flow(graph, self.super_source, self.super_sink).flow
        first, last = flow.indptr[self.super_source], flow.indptr[self.super_source + 1]
        per_hour = np.zeros(self.hours)
        out = flow.data[first:last] > 0
        per_hour[flow.indices[first:last][out] // self.width] = flow.data[first:last][out]
        return per_hour
