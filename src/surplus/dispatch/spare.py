"""Spare capacity: the most extra load one zone could take in one hour, by maximum flow,
physically and at a cost cap.

For each hour the dispatch leaves a residual network. A source feeds each zone with the
unused output of its plants, capped for reservoir hydro by an even share of the water left
in the month's budget, so that a load taking the spare capacity every hour keeps within it.
Reserve stays where the dispatch put it unless a region holds more than it must: each region
has a pool node whose capacity is its deliverable reserve above the requirement; quick-start
plants feed their zone through their region's pool, and may also step down towards their
must-run floor (zone → pool), freeing pool room for another zone; a slow plant's spinning
reserve goes through the pool, the rest of its headroom straight to the zone. A limited fuel
whose even share of what is left in the month is less than its plants could burn in the hour
feeds their headroom through a fuel node capped at that share (their reserve share too, as
far as pool room set aside for it allows). Corridors carry their unused
capacity forward, less the reserve the dispatch routes over them, and the current flow's
reversal backward. Every other zone's served demand and every other hour stay as dispatched.
The spare MW of zone z is the maximum flow from the source to z.

At a cost cap only plants whose variable cost is at or below the cap feed the network, so
every extra MWh is made at a marginal cost within the cap.

With one reserve region of quick-start plants and no energy limits this is exactly the load
the dispatch would serve a new consumer in that zone and hour. Otherwise it is what can
certainly be served, a lower bound: the reserve is not re-arranged between plants or regions
for the new load (a re-optimised dispatch might free more), and water and fuel are shared
evenly over the month's hours (a re-optimised dispatch could move a limited fuel into the
hours that need it most and fill the others from plants that are not limited).

All the hours given (a month, as the dispatch calls it) are one graph for each zone: a
disjoint copy per hour under a common source and sink, solved by scipy's maximum flow on
integer capacities. Capacities are rounded down to a grid fine enough (at most a microwatt,
and never coarser than 2^-30 of the largest hourly supply), so the answer is feasible, never
negative, and short of the true figure by at most a few grid steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from surplus.dispatch.solve import Solution
from surplus.dispatch.system import QUICK, System

_SOURCE = 0
_MAX_UNITS_PER_MW = 1e6
_INT_ROOM = 2**30


@dataclass(frozen=True)
class _Parts:
    """What each unit could add each hour (hours × units, MW): through its region's pool
    (`pooled`), straight to its zone (`free`), and what a quick unit could step down."""

    pooled: np.ndarray
    free: np.ndarray
    down: np.ndarray
    fuel_left_mwh: np.ndarray
    """Hours × limited fuels: the hour's even share of what is left of the month's limit;
    inf where that share exceeds what the fuel's plants could burn in the hour."""


def spare_mw(system: System, solution: Solution) -> tuple[np.ndarray, np.ndarray]:
    """Spare MW on the solution's hours × zones, physical and at the system's cost cap. The
    hours must be whole months (or all the dataset holds of them), since the water and fuel
    left are a month's figures."""
    n_zones = len(system.zones)
    if len(solution.hours) == 0 or n_zones == 0:
        empty = np.zeros((len(solution.hours), n_zones))
        return empty, empty.copy()
    parts = _unit_parts(system, solution)
    every = np.ones(len(system.unit_cost), dtype=bool)
    tails, heads, caps, first_zone = _residual_edges(system, solution, parts, every)
    affordable = system.unit_cost <= system.cost_cap_pkr_per_mwh
    if affordable.all():
        physical = _max_flows(tails, heads, caps, first_zone, n_zones)
        return physical, physical.copy()
    # Both kinds as one graph (the at-cost copies of the hours after the physical ones):
    # half the calls, and each call's fixed cost is most of a month's graph's time.
    at_cost = _residual_edges(system, solution, parts, affordable)[2]
    both = _max_flows(tails, heads, np.vstack([caps, at_cost]), first_zone, n_zones)
    hours = len(solution.hours)
    return both[:hours], both[hours:]


def _max_flows(
    tails: np.ndarray, heads: np.ndarray, caps: np.ndarray, first_zone: int, n_zones: int
) -> np.ndarray:
    """Rows of `caps` (hours) × zones: the maximum flow from the source to each zone."""
    supply = caps[:, tails == _SOURCE].sum(axis=1)
    if float(supply.max()) <= 0:
        return np.zeros((caps.shape[0], n_zones))
    scale = min(_MAX_UNITS_PER_MW, _INT_ROOM / float(supply.max()))
    int_caps = np.floor(np.minimum(caps, supply[:, None]) * scale).astype(np.int64)
    graph = _HourlyGraph(
        tails, heads, int_caps, np.floor(supply * scale).astype(np.int64), first_zone
    )
    spare = np.column_stack([graph.max_flow(first_zone + z) for z in range(n_zones)])
    return spare / scale


def _unit_headroom_mw(system: System, solution: Solution) -> np.ndarray:
    """How much more each unit could make each hour: availability, and for budgeted units an
    even share of the month's unused water (so a load taking the spare capacity every hour
    stays within the budget)."""
    up = np.maximum(system.unit_available_mw[solution.hours] - solution.unit_mw, 0.0)
    budgeted = np.flatnonzero(system.unit_budget >= 0)
    if len(budgeted) == 0:
        return up
    by_row = np.zeros((len(system.unit_cost), len(budgeted)))
    by_row[budgeted, system.unit_budget[budgeted]] = 1.0
    share = _hourly_share_mwh(system, solution, system.budget_mwh, by_row)
    up[:, budgeted] = np.minimum(up[:, budgeted], share[:, system.unit_budget[budgeted]])
    return up


def _hourly_share_mwh(
    system: System, solution: Solution, limit_mwh: np.ndarray, by_row: np.ndarray
) -> np.ndarray:
    """Hours × rows of `limit_mwh` (rows × 12 months): what the solution left unused of each
    month's limit, shared evenly over that month's hours (inf where there is no limit).
    `by_row` maps units to rows."""
    months = system.hour_month[solution.hours] - 1
    used = np.zeros((12, limit_mwh.shape[0]))
    np.add.at(used, months, solution.unit_mw @ by_row)
    hours = np.bincount(months, minlength=12).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.maximum(limit_mwh.T - used, 0.0) / np.maximum(hours, 1.0)[:, None]
    return share[months]


def _unit_parts(system: System, solution: Solution) -> _Parts:
    up = _unit_headroom_mw(system, solution)
    classes = system.unit_reserve_class
    pooled = np.zeros_like(up)
    quick = classes == QUICK
    pooled[:, quick] = up[:, quick]
    slow = system.slow_units
    pooled[:, slow] = np.minimum(_spinning_mw(system, solution), up[:, slow])
    free = up - pooled
    floor = system.unit_min_mw[solution.hours]
    down = np.where(quick[None, :], np.maximum(solution.unit_mw - floor, 0.0), 0.0)
    fuel_left = np.full((len(solution.hours), len(system.fuel_names)), np.inf)
    if len(system.fuel_names):
        fuelled = np.flatnonzero(system.unit_fuel_limit >= 0)
        by_fuel = np.zeros((len(system.unit_cost), len(system.fuel_names)))
        by_fuel[fuelled, system.unit_fuel_limit[fuelled]] = 1.0
        share = _hourly_share_mwh(system, solution, system.fuel_limit_mwh, by_fuel)
        short = share < up @ by_fuel
        fuel_left[short] = share[short]
    return _Parts(pooled, free, down, fuel_left)


def _spinning_mw(system: System, solution: Solution) -> np.ndarray:
    """Hours × slow units: the most spinning reserve each holds at its dispatched output
    (at least what the programme counted)."""
    slow = system.slow_units
    output = solution.unit_mw[:, slow]
    unused = system.unit_available_mw[solution.hours][:, slow] - output
    return np.maximum(np.minimum(unused, output * system.unit_spin_ratio[slow]), 0.0)


def _surplus_mw(system: System, solution: Solution) -> np.ndarray:
    """Hours × regions: deliverable reserve held above the requirement (0 when short)."""
    hours = solution.hours
    regions = len(system.regions)
    held = np.zeros((len(hours), regions))
    unused = system.unit_available_mw[hours] - solution.unit_mw
    quick = np.flatnonzero(system.unit_reserve_class == QUICK)
    np.add.at(held.T, system.unit_region[quick], unused[:, quick].T)
    slow = system.slow_units
    np.add.at(held.T, system.unit_region[slow], _spinning_mw(system, solution).T)
    transfer = system.transfer_corridors
    np.add.at(held.T, system.zone_region[system.corridor_to[transfer]], solution.transfer_mw.T)
    np.subtract.at(
        held.T, system.zone_region[system.corridor_from[transfer]], solution.transfer_mw.T
    )
    return np.maximum(held - system.reserve_mw[hours], 0.0)


def _residual_edges(
    system: System, solution: Solution, parts: _Parts, affordable: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Edge tails and heads (one template for every hour), capacities (hours × edges) and
    the first zone node. Nodes: source, a pool per region, a node per limited fuel, zones."""
    n_zones, n_regions = len(system.zones), len(system.regions)
    n_fuels = len(system.fuel_names)
    first_zone = 1 + n_regions + n_fuels
    zones = first_zone + np.arange(n_zones)
    pools = 1 + system.zone_region
    fuel_nodes = 1 + n_regions + np.arange(n_fuels)
    by_zone = _zone_matrix(system)
    by_zone[~affordable] = 0.0
    fuel = system.unit_fuel_limit
    short = np.zeros_like(parts.free, dtype=bool)  # hours × units whose fuel runs short
    fuelled = np.flatnonzero(fuel >= 0)
    short[:, fuelled] = np.isfinite(parts.fuel_left_mwh[:, fuel[fuelled]])
    surplus = _surplus_mw(system, solution)
    pooled, free, via_fuel = parts.pooled, parts.free, np.zeros_like(parts.free)
    if short.any():
        # A short fuel's plants feed their zone through the fuel node. Their reserve share
        # cannot also pass the pool, so the pool room it could take is set aside first.
        by_region = np.zeros((len(system.unit_cost), n_regions))
        by_region[np.arange(len(system.unit_cost)), system.unit_region] = 1.0
        reserved = np.where(short & affordable[None, :], parts.pooled, 0.0)
        for f in range(n_fuels):  # no more than the fuel's share leaves room for
            burns = fuel == f
            room = parts.fuel_left_mwh[:, f] - parts.free[:, burns] @ affordable[burns]
            wanted = reserved[:, burns].sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                fits = np.where(wanted > 0, np.clip(room / wanted, 0.0, 1.0), 0.0)
            reserved[:, burns] *= np.where(np.isfinite(fits), fits, 1.0)[:, None]
        need = reserved @ by_region
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(need > 0, np.minimum(1.0, surplus / need), 0.0)
        moved = reserved * share[:, system.unit_region]
        surplus = surplus - moved @ by_region
        via_fuel = np.where(short, parts.free, 0.0) + moved
        pooled = np.where(short, 0.0, parts.pooled)
        free = np.where(short, 0.0, parts.free)
    fuel_zone_caps = [
        via_fuel[:, fuel == f] @ by_zone[fuel == f] for f in range(n_fuels)
    ]  # each hours × zones
    frm = first_zone + system.corridor_from
    to = first_zone + system.corridor_to
    forward, backward = _corridor_room(system, solution)
    tails = np.concatenate(
        [
            np.full(n_regions, _SOURCE),
            np.full(n_zones, _SOURCE),
            pools,
            zones,
            np.full(n_fuels, _SOURCE),
            np.repeat(fuel_nodes, n_zones),
            frm,
            to,
        ]
    )
    heads = np.concatenate(
        [
            1 + np.arange(n_regions),
            zones,
            zones,
            pools,
            fuel_nodes,
            np.tile(zones, n_fuels),
            to,
            frm,
        ]
    )
    caps = np.column_stack(
        [
            np.maximum(surplus, 0.0),
            free @ by_zone,
            pooled @ by_zone,
            parts.down @ _zone_matrix(system),
            np.where(np.isfinite(parts.fuel_left_mwh), parts.fuel_left_mwh, 0.0),
            *fuel_zone_caps,
            forward,
            backward,
        ]
    )
    return tails, heads, caps, first_zone


def _zone_matrix(system: System) -> np.ndarray:
    matrix = np.zeros((len(system.unit_cost), len(system.zones)))
    matrix[np.arange(len(system.unit_cost)), system.unit_zone] = 1.0
    return matrix


def _corridor_room(system: System, solution: Solution) -> tuple[np.ndarray, np.ndarray]:
    """Hours × corridors: how much more each corridor could carry forward and backward,
    with the reserve the dispatch routes over it left in place."""
    flow = solution.flow_mw
    forward = system.corridor_max_mw - flow
    backward = flow - system.corridor_min_mw
    transfer = system.transfer_corridors
    if len(transfer):
        carried = solution.transfer_mw
        forward[:, transfer] = np.minimum(forward[:, transfer], forward[:, transfer] - carried)
        backward[:, transfer] = np.minimum(backward[:, transfer], backward[:, transfer] + carried)
    return np.maximum(forward, 0.0), np.maximum(backward, 0.0)


class _HourlyGraph:
    """One copy of the residual network per hour, fed by a super-source, with an edge from
    every zone of every hour to a super-sink. The compressed matrix is built once; each
    zone's turn only opens that zone's sink edges."""

    def __init__(
        self,
        tails: np.ndarray,
        heads: np.ndarray,
        caps: np.ndarray,
        supply: np.ndarray,
        first_zone: int,
    ) -> None:
        hours = caps.shape[0]
        width = int(max(tails.max(), heads.max())) + 1
        self.super_source = hours * width
        self.super_sink = self.super_source + 1
        self.size = self.super_sink + 1
        # One copy's edges, parallel ones merged, each zone's sink edge (local head `width`)
        # after its other edges: sorted by tail then head, as compressed rows want.
        stride = width + 1
        zones = np.arange(first_zone, width)
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
        self.graph = sp.csr_matrix(
            (self.data, self.indices, self.indptr), shape=(self.size, self.size)
        )

    def max_flow(self, node: int) -> np.ndarray:
        """Per hour, the most flow from the source to zone `node`, in integer units. The
        matrix is built (and checked) once; each call opens one zone's sink edges in place."""
        slots = self.sink_slots[node]
        self.graph.data[slots] = self.supply
        try:
            flow = maximum_flow(self.graph, self.super_source, self.super_sink).flow
        finally:
            self.graph.data[slots] = 0
        first, last = flow.indptr[self.super_source], flow.indptr[self.super_source + 1]
        per_hour = np.zeros(self.hours)
        out = flow.data[first:last] > 0
        per_hour[flow.indices[first:last][out] // self.width] = flow.data[first:last][out]
        return per_hour
