"""The decision: who curtails how much, now. A pure function of arrays (no I/O).

Per zone, the flexible load beyond the zone's spare capacity must come off (`required`).
It is met in tiers: miners that can act now, miners that need notice, data centres that
can act now, data centres that need notice; within a tier pro rata to each site's
curtailable MW, or by contract priority (lower first). Sites whose curtail-on-price rule
is met curtail their whole flexible share first. A site is never ordered beyond its
contract: not past its hours or its share of energy a year, its longest event, its rest
between events, nor below its floor; a firm site is curtailed on price only. A site that
missed its last target keeps its order, but only its metered reduction counts, so the
others cover the rest in this same decision.

Restoration has hysteresis and a rate: curtailment is released only after the zone has
had more than `margin` MW to spare with today's curtailment for `restore_hold_s`, never so
far that less than `margin` would be left, and by at most `restore_rate_mw_per_min` per
zone, data centres first (the tiers filled last empty first). Increases are never
delayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from surplus.control.fleet import Fleet, FleetState
from surplus.control.grid import ZoneInputs

FREE, SHORTFALL, PRICE, FAIL_SAFE, FREQUENCY, HELD, KEPT = range(7)
REASONS = ("free", "shortfall", "price", "fail_safe", "frequency", "held", "kept")
TIERS = 4  # miners now, miners after notice, data centres now, data centres after notice


@dataclass(frozen=True)
class Policy:
    """How the controller shares and restores curtailment (defaults in docs/control.md)."""

    within_class: Literal["pro_rata", "priority"] = "pro_rata"
    min_order_s: float = 60.0
    """No order starts that its contract would have to end sooner than this."""
    restore_margin_share: float = 0.05
    """Hysteresis band: this share of the zone's curtailable MW (at least `margin_mw`)."""
    restore_margin_mw: float = 1.0
    restore_hold_s: float = 300.0
    restore_rate_mw_per_min: float = 50.0
    restore_step_s: float = 60.0
    """Restoration moves in steps this far apart (each a rate's worth), so each step is a
    change worth an order."""
    stale_after_s: float = 30.0
    """Grid data older than this counts as missing: a shortfall (fail safe)."""


STAGGERED = Policy(within_class="priority")


@dataclass(frozen=True)
class ZoneOutcome:
    """Per zone, MW. `required`: must come off now. `target`: total curtailment decided
    (above `required` while restoration is held or rate-limited). `covered_now`: what sites
    acting now deliver (unreliable sites by their metered reduction); `pending`: ordered
    but waiting for its notice; `uncovered`: required minus covered now; `blocked`:
    curtailable MW that only a breach of contract could use. `calm`: the zone has at least
    more than the margin to spare with today's curtailment (restoration may proceed once
    that has held long enough)."""

    load_mw: np.ndarray
    required_mw: np.ndarray
    target_mw: np.ndarray
    covered_now_mw: np.ndarray
    pending_mw: np.ndarray
    uncovered_mw: np.ndarray
    blocked_mw: np.ndarray
    calm: np.ndarray


@dataclass(frozen=True)
class Decision:
    """Per site: the reduction to order (`curtail_mw`, 0 = free), the import limit that
    means (`limit_mw`, NaN when free), seconds before a new order applies (its notice),
    and why (`reason`, an index into `REASONS`)."""

    curtail_mw: np.ndarray
    limit_mw: np.ndarray
    starts_after_s: np.ndarray
    reason: np.ndarray
    zones: ZoneOutcome


def decide(
    fleet: Fleet,
    state: FleetState,
    zones: ZoneInputs,
    policy: Policy = Policy(),
    calm_for_s: np.ndarray | None = None,
    dt_s: float = 0.0,
) -> Decision:
    """Decide every site's curtailment for the zones' state.

    `calm_for_s[z]`: how long zone z has been calm (the caller keeps that clock, from the
    previous decisions' `zones.calm`); `dt_s`: seconds since the previous decision, which
    sets how much restoration the rate allows now (at most a minute's worth).
    """
    n_zones = len(zones.names)
    calm_for = np.zeros(n_zones) if calm_for_s is None else calm_for_s
    z = fleet.zone

    def per_zone(values: np.ndarray) -> np.ndarray:
        return np.bincount(z, weights=values, minlength=n_zones)

    floor_mw = fleet.allocated_mw * (1.0 - fleet.flexible_share)
    flex_contract = fleet.allocated_mw - floor_mw
    flex = np.clip(state.demand_mw - floor_mw, 0.0, flex_contract)
    load = per_zone(state.demand_mw)
    required = np.maximum(load - zones.spare_mw, 0.0)

    kept = state.unreliable & (state.curtail_mw > 0)
    in_event = ~np.isnan(state.event_s)
    allowed, blocked = _contract_allows(fleet, state, in_event, flex, policy.min_order_s)
    pool = state.online & allowed & ~kept
    blocked = (blocked | fleet.firm) & state.online & ~kept & (flex > 0)

    price = zones.price_pkr_per_mwh[z]
    with np.errstate(invalid="ignore"):
        price_hit = pool & (price > fleet.price_above)
    # What sites outside the pool bring: a kept order counts for its metered delivery.
    fixed = np.where(kept, state.delivered_mw, 0.0) + np.where(price_hit, flex, 0.0)

    # Today's curtailment as delivered: a kept order counts for its metered reduction,
    # else its undelivered part would be held on the others and never given back.
    current = per_zone(np.where(kept, state.delivered_mw, state.curtail_mw))
    margin = np.maximum(
        policy.restore_margin_mw,
        policy.restore_margin_share * per_zone(np.where(fleet.firm, 0.0, flex_contract)),
    )
    # Room left with today's curtailment; restoring X MW spends X of it, and `margin` of it
    # is never spent (hysteresis). The rate caps what one decision restores.
    room = current - (load - zones.spare_mw)
    calm = room > margin
    releasing = calm & (calm_for >= policy.restore_hold_s)
    step = policy.restore_rate_mw_per_min / 60.0 * min(max(dt_s, 0.0), 60.0)
    release = np.where(releasing, np.clip(np.minimum(step, room - margin), 0.0, None), 0.0)
    target = np.maximum(required, current - release)

    acts_now = in_event | (~state.pending & (fleet.notice_s <= 0))
    tier = fleet.kind.astype(np.int64) * 2 + (~acts_now).astype(np.int64)
    capacity = np.where(pool & ~price_hit & ~fleet.firm, flex, 0.0)
    take = _fill_tiers(
        np.maximum(required - per_zone(fixed), 0.0), capacity, tier, fleet, n_zones, policy
    )
    # Curtailment held beyond the need (hysteresis, rate) stays where it already is, never
    # moved onto a site that was free, and is given back site by site (staggered: the
    # highest priority numbers of the last tier first), not as a trickle at every site.
    keep = np.clip(np.minimum(state.curtail_mw, capacity) - take, 0.0, None)
    held = np.maximum(target - np.maximum(required, per_zone(fixed + take)), 0.0)
    take += _fill_tiers(held, keep, tier, fleet, n_zones, STAGGERED)
    curtail = take + np.where(kept, state.curtail_mw, 0.0) + np.where(price_hit, flex, 0.0)

    reason = np.full(len(fleet), FREE, dtype=np.int8)
    reason[take > 0] = SHORTFALL
    reason[(take > 0) & (target > required)[z]] = HELD
    reason[(take > 0) & zones.stale[z]] = FAIL_SAFE
    reason[price_hit & (flex > 0)] = PRICE
    reason[kept] = KEPT

    delivered_now = np.where(kept, state.delivered_mw, np.where(acts_now, curtail, 0.0))
    covered = per_zone(delivered_now)
    outcome = ZoneOutcome(
        load_mw=load,
        required_mw=required,
        target_mw=target,
        covered_now_mw=covered,
        pending_mw=per_zone(np.where(~acts_now & ~kept, curtail, 0.0)),
        uncovered_mw=_clean(required - covered),
        blocked_mw=per_zone(np.where(blocked, flex, 0.0)),
        calm=calm,
    )
    ordered = curtail > 0
    starts_after = np.where(ordered & ~in_event & ~state.pending, fleet.notice_s, 0.0)
    limit = np.where(ordered, state.demand_mw - curtail, np.nan)
    return Decision(curtail, limit, starts_after, reason, outcome)


def _clean(values: np.ndarray, tolerance_mw: float = 1e-9) -> np.ndarray:
    """Positive parts, with rounding dust (sums of shares) set to zero."""
    return np.where(values > tolerance_mw, values, 0.0)


def _contract_allows(
    fleet: Fleet, state: FleetState, in_event: np.ndarray, flex: np.ndarray, min_order_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """(may be curtailed now, barred only by a contract limit). A new event must have room
    for `min_order_s` at its full flexible draw, in hours and in energy."""
    budget_left = fleet.budget_s - state.used_s
    energy_left = fleet.budget_mwh - state.used_mwh
    event_left = fleet.max_event_s - np.nan_to_num(state.event_s, nan=0.0)
    may_continue = in_event & (event_left > 0) & (budget_left > 0) & (energy_left > 0)
    may_start = (
        ~in_event
        & (state.rest_s >= fleet.min_rest_s)
        & (fleet.max_event_s >= min_order_s)
        & (budget_left >= min_order_s)
        & (energy_left > 0)
        & (energy_left >= flex * min_order_s / 3600.0)
    )
    allowed = may_continue | may_start
    return allowed, ~allowed


def _fill_tiers(
    need: np.ndarray,
    capacity: np.ndarray,
    tier: np.ndarray,
    fleet: Fleet,
    n_zones: int,
    policy: Policy,
) -> np.ndarray:
    """Share each zone's `need` over the tiers in order; within a tier pro rata to
    capacity or by priority."""
    take = np.zeros(len(capacity))
    left = need.copy()
    for level in range(TIERS):
        chosen = np.flatnonzero((tier == level) & (capacity > 0))
        if len(chosen) == 0:
            continue
        zone = fleet.zone[chosen]
        cap = capacity[chosen]
        cap_zone = np.bincount(zone, weights=cap, minlength=n_zones)
        cover = np.minimum(left, cap_zone)
        if policy.within_class == "pro_rata":
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(cap_zone > 0, cover / cap_zone, 0.0)
            take[chosen] = cap * share[zone]
        else:
            take[chosen] = _by_priority(
                cover, cap, zone, fleet.priority[chosen], fleet.site_id[chosen]
            )
        left -= cover
    return take


def _by_priority(
    cover: np.ndarray, cap: np.ndarray, zone: np.ndarray, priority: np.ndarray, site: np.ndarray
) -> np.ndarray:
    """Fill each zone's `cover` from the lowest priority number up (ties by site id)."""
    order = np.lexsort((site, priority, zone))
    cap_sorted, zone_sorted = cap[order], zone[order]
    before = np.cumsum(cap_sorted) - cap_sorted
    starts = np.flatnonzero(np.r_[True, zone_sorted[1:] != zone_sorted[:-1]])
    lengths = np.diff(np.r_[starts, len(order)])
    before -= np.repeat(before[starts], lengths)
    taken = np.clip(cover[zone_sorted] - before, 0.0, cap_sorted)
    out = np.empty_like(taken)
    out[order] = taken
    return out
