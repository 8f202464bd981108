"""From a decision to orders: which events to create, revise, extend or end, and the
OpenADR 3 event each order is. Pure: the controller applies the plan through the VTN.

One event per site and curtailment episode (targets `["site-<id>"]`), with one interval
per limit it has had, so the event itself is the order's history. An order lasts at most
`horizon_s` ahead and never past what its contract leaves (longest event, hours and
energy a year);
a site that loses contact follows it to its end. Limits are in kW on the wire (the
spec's units have no MW).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np

from surplus.control.decision import FREQUENCY, KEPT, REASONS, Decision
from surplus.control.fleet import Fleet, FleetState

ChangeKind = Literal["create", "revise", "extend", "end"]
KW_PER_MW = 1000.0
TIGHTEN_MW = 0.05


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime
    limit_mw: float


@dataclass(frozen=True)
class LiveOrder:
    """An order the controller has sent and not ended."""

    site_id: int
    event_id: str
    reason: str
    intervals: tuple[Interval, ...]

    @property
    def applies_at(self) -> datetime:
        return self.intervals[0].start

    @property
    def ends_at(self) -> datetime:
        return self.intervals[-1].end

    def limit_at(self, moment: datetime) -> float | None:
        for interval in self.intervals:
            if interval.start <= moment < interval.end:
                return interval.limit_mw
        return None

    @property
    def limit_mw(self) -> float:
        return self.intervals[-1].limit_mw


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    site_id: int
    reason: str
    intervals: tuple[Interval, ...]
    event_id: str | None = None


@dataclass(frozen=True)
class OrderRules:
    horizon_s: float = 3600.0
    """How far ahead an order runs before it must be extended."""
    extend_before_s: float = 120.0
    """Extend an order still needed when this little of it is left."""
    min_change_mw: float = 0.5
    min_change_share: float = 0.01
    """Raise a limit only if it moves up by more than the larger of these (MW, share of
    the contract), so restoration does not send an order every cycle. A lower limit is
    sent whenever it is lower by more than 50 kW."""
    restore_spread_s: float = 0.0
    """Ending orders: spread their ends over this many seconds, site by site."""


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind == kind)


def plan(
    fleet: Fleet,
    state: FleetState,
    decision: Decision,
    live: Mapping[int, LiveOrder],
    now: datetime,
    rules: OrderRules = OrderRules(),
) -> Plan:
    """The changes that turn the live orders into the decision, site by site.

    Frequency orders and kept orders (sites under review for non-compliance) are left as
    they are; the frequency path and compliance own them.
    """
    changes: list[Change] = []
    longest_s = _allowed_s(fleet, state, decision.curtail_mw)
    ending = 0
    for i in np.flatnonzero((decision.curtail_mw > 0) | np.isin(fleet.site_id, list(live))):
        site = int(fleet.site_id[i])
        order = live.get(site)
        reason = REASONS[int(decision.reason[i])]
        if decision.reason[i] == KEPT or (order is not None and order.reason == REASONS[FREQUENCY]):
            continue
        wanted = decision.curtail_mw[i] > 0
        if order is None:
            if wanted:
                start = now + timedelta(seconds=float(decision.starts_after_s[i]))
                span = min(rules.horizon_s, float(longest_s[i]))
                interval = Interval(start, start + timedelta(seconds=span), decision.limit_mw[i])
                changes.append(Change("create", site, reason, (interval,)))
            continue
        if not wanted:
            end = now + timedelta(seconds=_spread(ending, rules))
            ending += 1
            changes.append(end_change(order, max(end, now), reason))
            continue
        threshold = max(rules.min_change_mw, rules.min_change_share * fleet.allocated_mw[i])
        lower = order.limit_mw - decision.limit_mw[i]
        # Deeper curtailment is always sent (a shortfall is never left for rounding's
        # sake); a release only when it is worth an order.
        if lower > TIGHTEN_MW or -lower > threshold:
            changes.append(_revise(order, now, decision.limit_mw[i], reason))
        elif (order.ends_at - now).total_seconds() < rules.extend_before_s:
            grow = min(rules.horizon_s, float(longest_s[i]))
            if grow > 0:
                changes.append(_extend(order, order.ends_at + timedelta(seconds=grow), reason))
    return Plan(tuple(changes))


def _spread(position: int, rules: OrderRules) -> float:
    """Stagger: the k-th order ended in one decision ends k seconds after the first,
    within the spread (then wraps)."""
    if rules.restore_spread_s <= 0:
        return 0.0
    return float(position % max(int(rules.restore_spread_s), 1))


def _allowed_s(fleet: Fleet, state: FleetState, curtail_mw: np.ndarray) -> np.ndarray:
    """Seconds each site may stay curtailed from now by `curtail_mw`: what its longest
    event, its hours a year and its energy a year leave."""
    event_left = fleet.max_event_s - np.nan_to_num(state.event_s, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        energy_s = np.where(
            curtail_mw > 0, (fleet.budget_mwh - state.used_mwh) / curtail_mw * 3600.0, np.inf
        )
    allowed = np.minimum(np.minimum(event_left, fleet.budget_s - state.used_s), energy_s)
    return np.maximum(allowed, 0.0)


def end_change(order: LiveOrder, at: datetime, reason: str) -> Change:
    kept = tuple(i for i in order.intervals if i.start < at)
    if kept:
        kept = (*kept[:-1], replace(kept[-1], end=min(kept[-1].end, at)))
    else:  # ended before it applied: one empty interval marks it cancelled
        first = order.intervals[0]
        kept = (Interval(first.start, first.start, first.limit_mw),)
    return Change("end", order.site_id, reason, kept, order.event_id)


def _revise(order: LiveOrder, now: datetime, limit_mw: float, reason: str) -> Change:
    start = max(now, order.applies_at)
    before = tuple(i for i in order.intervals if i.start < start)
    if before:
        before = (*before[:-1], replace(before[-1], end=start))
    intervals = (*before, Interval(start, max(order.ends_at, start), limit_mw))
    return Change("revise", order.site_id, reason, intervals, order.event_id)


def _extend(order: LiveOrder, end: datetime, reason: str) -> Change:
    last = replace(order.intervals[-1], end=end)
    return Change("extend", order.site_id, reason, (*order.intervals[:-1], last), order.event_id)


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration in whole seconds (at least 0).

    >>> iso_duration(5400.4)
    'PT5400S'
    """
    return f"PT{max(round(seconds), 0)}S"


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def event_body(
    program_id: str,
    site_id: int,
    intervals: tuple[Interval, ...],
    reason: str,
    response_s: float,
) -> dict[str, Any]:
    """The OpenADR 3 event of one site's order: IMPORT_CAPACITY_LIMIT in kW, one interval
    per limit, asking for an acknowledgement and metered DEMAND in reports."""
    first, last = intervals[0], intervals[-1]
    return {
        "programID": program_id,
        "eventName": f"curtail site-{site_id} ({reason})",
        "priority": 0 if reason in ("frequency", "fail_safe") else 1,
        "targets": [f"site-{site_id}"],
        "payloadDescriptors": [
            {
                "objectType": "EVENT_PAYLOAD_DESCRIPTOR",
                "payloadType": "IMPORT_CAPACITY_LIMIT",
                "units": "KW",
            }
        ],
        "reportDescriptors": [
            {"payloadType": "OPERATING_STATE", "startInterval": 0},
            {
                "payloadType": "DEMAND",
                "readingType": "DIRECT_READ",
                "units": "KW",
                "frequency": max(int(response_s), 1),
            },
        ],
        "intervalPeriod": {
            "start": rfc3339(first.start),
            "duration": iso_duration((last.end - first.start).total_seconds()),
        },
        "intervals": [
            {
                "id": k,
                "intervalPeriod": {
                    "start": rfc3339(interval.start),
                    "duration": iso_duration((interval.end - interval.start).total_seconds()),
                },
                "payloads": [
                    {
                        "type": "IMPORT_CAPACITY_LIMIT",
                        "values": [round(max(interval.limit_mw, 0.0) * KW_PER_MW, 3)],
                    }
                ],
            }
            for k, interval in enumerate(intervals)
        ],
    }


def shed_event_body(
    program_id: str, target: str, start: datetime, duration_s: float
) -> dict[str, Any]:
    """The under-frequency shed: one event for every site granted `target`, SIMPLE level 3
    (emergency: go to your contract floor now), for up to `duration_s`."""
    return {
        "programID": program_id,
        "eventName": "under-frequency shed",
        "priority": 0,
        "targets": [target],
        "payloadDescriptors": [{"objectType": "EVENT_PAYLOAD_DESCRIPTOR", "payloadType": "SIMPLE"}],
        "reportDescriptors": [
            {"payloadType": "OPERATING_STATE", "startInterval": 0},
            {"payloadType": "DEMAND", "readingType": "DIRECT_READ", "units": "KW"},
        ],
        "intervalPeriod": {"start": rfc3339(start), "duration": iso_duration(duration_s)},
        "intervals": [{"id": 0, "payloads": [{"type": "SIMPLE", "values": [3]}]}],
    }
