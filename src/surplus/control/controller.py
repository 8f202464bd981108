"""The control cycle: grid state in, orders out, compliance checked, all state in the store.

One `cycle(now)` reads everything it needs from the store (live orders, each site's
ledger, its own cursors and clocks), reads the sites' new reports, checks compliance,
asks the feed for the grid state, decides (`surplus.control.decision`), writes the order
changes as OpenADR events through the VTN and records the decision in the audit log, in
one transaction. A controller restarted mid-event therefore resumes from the store: it
sees its live orders and neither drops nor repeats them.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from surplus.contracts import TermSheet
from surplus.control import records, registry, shed, vtn
from surplus.control.compliance import Sample, judge
from surplus.control.decision import REASONS, Decision, Policy, decide
from surplus.control.feeds import GridFeed
from surplus.control.fleet import Fleet, FleetState
from surplus.control.frequency import FrequencyRule
from surplus.control.grid import GridSnapshot, ZoneInputs, zone_inputs
from surplus.control.orders import (
    Change,
    Interval,
    LiveOrder,
    OrderRules,
    Plan,
    event_body,
    plan,
)
from surplus.control.telemetry import read_report
from surplus.store import audit
from surplus.store.control_tables import (
    ORDER_ACTIVE,
    ORDER_ENDED,
    ControlLedger,
    ControlNonCompliance,
    ControlOrder,
)

log = logging.getLogger(__name__)
CONTRACT_TZ = ZoneInfo("Asia/Karachi")
SAMPLE_MEMORY_S = 900.0


@dataclass(frozen=True)
class ControllerConfig:
    program_id: str
    policy: Policy = field(default_factory=Policy)
    rules: OrderRules = field(default_factory=OrderRules)
    frequency: FrequencyRule = field(default_factory=FrequencyRule)
    compliance_window_s: float = 30.0
    """Readings this recent count when judging compliance (at least the reporting gap)."""
    offline_after_s: float = 300.0
    """A site not heard from for this long is not counted on for new orders."""
    terms_reload_s: float = 60.0
    mqtt_enabled: bool = False
    actor: str = vtn.ACTOR


@dataclass
class CycleResult:
    at: datetime
    decision: Decision | None = None
    plan: Plan = field(default_factory=Plan)
    zones: ZoneInputs | None = None
    noncompliant: list[int] = field(default_factory=list)
    restored_from_shed: int = 0
    awaiting: int = 0
    """Applied orders still waiting for their compliance verdict."""


class Controller:
    """Runs control cycles against a store; `wake` is called after a commit that queued
    notifications (the in-process outbox worker's `wake`)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        feed: GridFeed,
        config: ControllerConfig,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.factory = factory
        self.feed = feed
        self.config = config
        self.wake = wake
        self._sheets: list[TermSheet] = []
        self._fleet: Fleet | None = None
        self._zones: tuple[str, ...] = ()
        self._loaded_at: datetime | None = None
        self._samples: dict[int, deque[Sample]] = defaultdict(deque)
        self._site_of_client: dict[str, int] = {}

    # -- the cycle ----------------------------------------------------------------------

    def cycle(self, now: datetime) -> CycleResult:
        now = now.replace(microsecond=0)
        result = CycleResult(now)
        with self.factory() as session:
            self._load_terms(session, now)
            fleet = self._fleet
            if fleet is None or len(fleet) == 0:
                return result
            records.preload_values(session)  # later look-ups by name need no query
            orders = records.active_orders(session)
            year = now.astimezone(CONTRACT_TZ).year
            ledger = records.ledgers(session, [int(s) for s in fleet.site_id], year)
            self._ingest(session, orders, ledger, now)
            self._account(fleet, orders, ledger, now)
            result.noncompliant = self._check(session, fleet, orders, ledger, now)
            result.awaiting = sum(1 for o in orders.values() if o.compliance == "pending")
            snapshot = self.feed.snapshot(now)
            if self._frequency_from_feed(session, snapshot, now):
                orders = records.active_orders(session)
            result.restored_from_shed = self._take_back_shed(session, fleet, orders, ledger, now)
            if result.restored_from_shed:
                orders = records.active_orders(session)
            zones = zone_inputs(snapshot, self._zones, now, self.config.policy.stale_after_s)
            state = self._state(fleet, orders, ledger, now)
            calm_for, dt_s = self._clocks(session, zones, now)
            decision = decide(fleet, state, zones, self.config.policy, calm_for, dt_s)
            self._update_calm(session, decision, now, dt_s)
            live = {site: records.live_order(row) for site, row in orders.items()}
            changes = plan(fleet, state, decision, live, now, self.config.rules)
            self._apply(session, fleet, changes, orders, now)
            self._record(session, fleet, state, zones, decision, changes, now)
            session.commit()
            result.decision, result.plan, result.zones = decision, changes, zones
        if changes.changes and self.wake is not None:
            self.wake()
        return result

    # -- inputs -------------------------------------------------------------------------

    def _load_terms(self, session: Session, now: datetime) -> None:
        due = self._loaded_at is None or (
            (now - self._loaded_at).total_seconds() >= self.config.terms_reload_s
            or now < self._loaded_at
        )
        if not due:
            return
        sheets = registry.active_term_sheets(session, now)
        if sheets != self._sheets or self._fleet is None:
            self._sheets = sheets
            self._zones = tuple(sorted({s.zone for s in sheets}))
            self._fleet = Fleet.from_terms(sheets, self._zones)
        self._loaded_at = now

    def _ingest(
        self,
        session: Session,
        orders: dict[int, ControlOrder],
        ledger: dict[int, ControlLedger],
        now: datetime,
    ) -> None:
        """New reports: metered samples per site, acknowledgements on live orders, and
        each site's latest power (its free draw when no order applied)."""
        cursor = records.get_value(session, "reports")
        after = datetime.fromisoformat(cursor["at"]) if cursor.get("at") else None
        reports = vtn.reports_since(session, self.config.program_id, after, cursor.get("id", ""))
        if not reports:
            return
        unknown = sorted({r.client_id for r in reports} - set(self._site_of_client))
        if unknown:
            self._site_of_client.update(vtn.sites_of_clients(session, unknown))
        for report in reports:
            site = self._site_of_client.get(report.client_id)
            if site is None or site not in ledger:
                continue
            facts = read_report(report.body, report.created_at)
            order = orders.get(site)
            if facts.is_ack and order is not None and order.event_id == report.body.get("eventID"):
                ack_at = facts.first_at or report.created_at
                if order.acked_at is None or ack_at < order.acked_at:
                    order.acked_at = ack_at
            self._remember(site, facts.samples, ledger[site], order, now)
        last = reports[-1]
        records.set_value(session, "reports", {"at": last.created_at.isoformat(), "id": last.id})

    def _remember(
        self,
        site: int,
        samples: tuple[Sample, ...],
        row: ControlLedger,
        order: ControlOrder | None,
        now: datetime,
    ) -> None:
        memory = self._samples[site]
        known = {s.at for s in memory}
        for sample in sorted(samples, key=lambda s: s.at):
            if sample.at in known:
                continue
            memory.append(sample)
            if row.measured_at is None or sample.at >= row.measured_at:
                row.measured_mw, row.measured_at = sample.power_mw, sample.at
                applied = order is not None and order.applies_at <= sample.at
                if not applied:
                    row.demand_mw = sample.power_mw
        cutoff = now - timedelta(seconds=SAMPLE_MEMORY_S)
        while memory and memory[0].at < cutoff:
            memory.popleft()

    def _account(
        self,
        fleet: Fleet,
        orders: dict[int, ControlOrder],
        ledger: dict[int, ControlLedger],
        now: datetime,
    ) -> None:
        """Each event's start, and orders that have ended: their time and energy are added
        to what was used this year (an order still running is counted as it goes, in `_state`,
        so a cycle writes nothing for orders that merely continue)."""
        contract = dict(zip(fleet.site_id.tolist(), fleet.allocated_mw.tolist(), strict=True))
        for site, order in list(orders.items()):
            row = ledger.get(site)
            if row is None:
                continue
            if order.applies_at <= now and row.event_started_at is None:
                row.event_started_at = order.applies_at
            if order.ends_at <= now:
                order.status, order.updated_at = ORDER_ENDED, now
                row.used_s += _used_s(order, order.ends_at)
                free_mw = _free_mw(row.demand_mw, contract.get(site, order.limit_mw))
                row.used_mwh += _used_mwh(order, order.ends_at, free_mw)
                row.last_event_end, row.event_started_at = order.ends_at, None
                row.unreliable = False
                del orders[site]

    # -- compliance ---------------------------------------------------------------------

    def _check(
        self,
        session: Session,
        fleet: Fleet,
        orders: dict[int, ControlOrder],
        ledger: dict[int, ControlLedger],
        now: datetime,
    ) -> list[int]:
        """Judge every applied order by metered power; record each site that misses its
        target (non-compliance, for settlement) and each that comes back."""
        position = {int(site): i for i, site in enumerate(fleet.site_id)}
        failed: list[int] = []
        for site, order in orders.items():
            i = position.get(site)
            if i is None or order.applies_at > now:
                continue
            live = records.live_order(order)
            limit = live.limit_at(now)
            if limit is None:
                continue
            verdict = judge(
                limit,
                _applies(live, now),
                float(fleet.response_s[i]),
                float(fleet.tolerance_mw[i]),
                list(self._samples.get(site, ())),
                now,
                self.config.compliance_window_s,
            )
            if verdict.reached_at is not None and order.reached_at is None:
                order.reached_at = verdict.reached_at
            if verdict.status == "pending" or verdict.status == order.compliance:
                continue
            was_failed = order.compliance in ("exceeded", "no_data")
            order.compliance, order.updated_at = verdict.status, now
            if verdict.failed and not was_failed:
                failed.append(site)
                ledger[site].unreliable = True
                record = ControlNonCompliance(
                    order_id=order.id,
                    site_id=site,
                    event_id=order.event_id,
                    kind=verdict.status,
                    limit_mw=limit,
                    measured_mw=verdict.measured_mw,
                    deadline=verdict.deadline,
                    detected_at=now,
                )
                session.add(record)
                audit.record(
                    session,
                    self.config.actor,
                    "control.noncompliance",
                    "site",
                    site,
                    {
                        "order": order.id,
                        "event": order.event_id,
                        "kind": verdict.status,
                        "limit_mw": limit,
                        "measured_mw": verdict.measured_mw,
                        "deadline": verdict.deadline.isoformat(),
                    },
                )
            elif verdict.status == "compliant" and was_failed:
                ledger[site].unreliable = False
                for open_record in session.scalars(
                    select(ControlNonCompliance).where(
                        ControlNonCompliance.order_id == order.id,
                        ControlNonCompliance.resolved_at.is_(None),
                    )
                ):
                    open_record.resolved_at = now
                audit.record(
                    session,
                    self.config.actor,
                    "control.compliance_restored",
                    "site",
                    site,
                    {"order": order.id, "measured_mw": verdict.measured_mw},
                )
        return failed

    # -- frequency ----------------------------------------------------------------------

    def _frequency_from_feed(self, session: Session, snapshot: GridSnapshot, now: datetime) -> bool:
        """A frequency reading in the feed goes through the shed path; True if it shed."""
        reading = snapshot.frequency
        if reading is None:
            return False
        last = records.get_value(session, shed.STATE).get("last_at")
        if last is not None and datetime.fromisoformat(last) >= reading.observed_at:
            return False
        action, count = shed.on_reading(
            session,
            reading,
            self.config.frequency,
            self._sheets,
            self.config.program_id,
            now,
            self.config.mqtt_enabled,
            self.config.actor,
        )
        return action == "trip" and count > 0

    def _take_back_shed(
        self,
        session: Session,
        fleet: Fleet,
        orders: dict[int, ControlOrder],
        ledger: dict[int, ControlLedger],
        now: datetime,
    ) -> int:
        """After frequency has recovered: each shed miner gets its own order at its floor
        (reason `held`), the shed event ends, and restoration proceeds at the zone's rate."""
        value = records.get_value(session, shed.STATE)
        if not value.get("restore_due"):
            return 0
        shed_orders = [o for o in orders.values() if o.reason == "frequency"]
        writes, rows = [], []
        for order in shed_orders:
            interval = Interval(
                now, max(order.ends_at, now + timedelta(seconds=60)), order.limit_mw
            )
            body = event_body(self.config.program_id, order.site_id, (interval,), "held", 60.0)
            writes.append(vtn.EventWrite(body))
            order.status, order.updated_at, order.ends_at = ORDER_ENDED, now, now
            rows.append((order, interval))
        ids = vtn.write_events(session, writes, now, self.config.mqtt_enabled, self.config.actor)
        for (old, interval), event_id in zip(rows, ids, strict=True):
            session.add(_order_row(old.site_id, event_id, old.zone, "held", (interval,), now))
        shed_event = value.get("event_id")
        if shed_event:
            stored = session.get(vtn.EventRow, shed_event)
            if stored is not None:
                body = dict(stored.body)
                start = datetime.fromisoformat(
                    body["intervalPeriod"]["start"].replace("Z", "+00:00")
                )
                body["intervalPeriod"] = {
                    **body["intervalPeriod"],
                    "duration": f"PT{max(int((now - start).total_seconds()), 0)}S",
                }
                vtn.write_events(
                    session,
                    [vtn.EventWrite(body, shed_event)],
                    now,
                    self.config.mqtt_enabled,
                    self.config.actor,
                )
        value["restore_due"] = False
        records.set_value(session, shed.STATE, value)
        audit.record(
            session,
            self.config.actor,
            "control.shed_taken_back",
            "frequency",
            "system",
            {"sites": len(rows), "event": shed_event},
        )
        return len(rows)

    # -- the decision -------------------------------------------------------------------

    def _state(
        self,
        fleet: Fleet,
        orders: dict[int, ControlOrder],
        ledger: dict[int, ControlLedger],
        now: datetime,
    ) -> FleetState:
        n = len(fleet)
        state = FleetState.idle(fleet)
        for i in range(n):
            site = int(fleet.site_id[i])
            row = ledger[site]
            if row.demand_mw is not None:
                state.demand_mw[i] = min(max(row.demand_mw, 0.0), fleet.allocated_mw[i])
            state.used_s[i] = row.used_s
            state.used_mwh[i] = row.used_mwh
            if row.last_event_end is not None:
                state.rest_s[i] = (now - row.last_event_end).total_seconds()
            if row.measured_at is not None:
                quiet = (now - row.measured_at).total_seconds()
                state.online[i] = quiet <= self.config.offline_after_s
            order = orders.get(site)
            if order is None:
                continue
            state.used_s[i] += _used_s(order, now)
            state.used_mwh[i] += _used_mwh(order, now, float(state.demand_mw[i]))
            limit = records.live_order(order).limit_at(max(now, order.applies_at))
            limit = order.limit_mw if limit is None else limit
            state.curtail_mw[i] = max(state.demand_mw[i] - limit, 0.0)
            if order.applies_at > now:
                state.pending[i] = True
            elif row.event_started_at is not None:
                state.event_s[i] = (now - row.event_started_at).total_seconds()
            else:
                state.event_s[i] = 0.0
            measured = row.measured_mw if row.measured_mw is not None else state.demand_mw[i]
            if (
                order.reason == "frequency" or row.unreliable
            ):  # held fixed like a kept order: not the decision's
                state.unreliable[i] = True
                state.delivered_mw[i] = max(state.demand_mw[i] - measured, 0.0)
        return state

    def _clocks(
        self, session: Session, zones: ZoneInputs, now: datetime
    ) -> tuple[np.ndarray, float]:
        value = records.get_value(session, "calm")
        since = value.get("since", {})
        calm_for = np.zeros(len(zones.names))
        for k, name in enumerate(zones.names):
            if since.get(name):
                calm_for[k] = (now - datetime.fromisoformat(since[name])).total_seconds()
        last = value.get("last_release")
        dt = (now - datetime.fromisoformat(last)).total_seconds() if last else float("inf")
        return calm_for, dt if dt >= self.config.policy.restore_step_s else 0.0

    def _update_calm(self, session: Session, decision: Decision, now: datetime, dt: float) -> None:
        """Keep each zone's calm clock, and the time of the last restoration step."""
        value = records.get_value(session, "calm")
        since = dict(value.get("since", {}))
        for k, name in enumerate(self._zones):
            if bool(decision.zones.calm[k]):
                since.setdefault(name, now.isoformat())
            else:
                since.pop(name, None)
        last = now.isoformat() if dt > 0 else value.get("last_release")
        records.set_value(session, "calm", {"since": since, "last_release": last})

    # -- output -------------------------------------------------------------------------

    def _apply(
        self,
        session: Session,
        fleet: Fleet,
        changes: Plan,
        orders: dict[int, ControlOrder],
        now: datetime,
    ) -> None:
        if not changes.changes:
            return
        position = {int(site): i for i, site in enumerate(fleet.site_id)}
        writes = []
        for change in changes.changes:
            response = float(fleet.response_s[position[change.site_id]])
            body = event_body(
                self.config.program_id, change.site_id, change.intervals, change.reason, response
            )
            writes.append(vtn.EventWrite(body, change.event_id))
        ids = vtn.write_events(session, writes, now, self.config.mqtt_enabled, self.config.actor)
        for change, event_id in zip(changes.changes, ids, strict=True):
            i = position[change.site_id]
            if change.kind == "create":
                zone = self._zones[int(fleet.zone[i])]
                session.add(
                    _order_row(change.site_id, event_id, zone, change.reason, change.intervals, now)
                )
                continue
            row = orders[change.site_id]
            row.intervals = records.intervals_json(change.intervals)
            row.limit_mw = change.intervals[-1].limit_mw
            row.ends_at = change.intervals[-1].end
            row.updated_at = now
            if change.kind == "revise":
                row.reason = change.reason
                row.compliance = "pending"

    def _record(
        self,
        session: Session,
        fleet: Fleet,
        state: FleetState,
        zones: ZoneInputs,
        decision: Decision,
        changes: Plan,
        now: datetime,
    ) -> None:
        """Audit the decision with its inputs and reasons when it changed an order or
        left a shortfall uncovered different from the last one recorded."""
        outcome = decision.zones
        uncovered = {
            name: round(float(outcome.uncovered_mw[k]), 3)
            for k, name in enumerate(zones.names)
            if outcome.uncovered_mw[k] > 1e-6
        }
        last = records.get_value(session, "last_uncovered")
        if not changes.changes and uncovered == last.get("zones", {}):
            return
        records.set_value(session, "last_uncovered", {"zones": uncovered})
        position = {int(site): i for i, site in enumerate(fleet.site_id)}
        payload: dict[str, Any] = {
            "at": now.isoformat(),
            "policy": {
                "within_class": self.config.policy.within_class,
                "stale_after_s": self.config.policy.stale_after_s,
                "restore_rate_mw_per_min": self.config.policy.restore_rate_mw_per_min,
                "restore_hold_s": self.config.policy.restore_hold_s,
            },
            "inputs_sha256": _digest(fleet, state, zones),
            "zones": [
                _zone_entry(zones, outcome, k)
                for k in range(len(zones.names))
                if outcome.load_mw[k] > 0
            ],
            "changes": [
                _change_entry(c, position[c.site_id], fleet, state, decision)
                for c in changes.changes
            ],
            "gaps": _gaps(fleet, state, zones, decision),
        }
        audit.record(
            session, self.config.actor, "control.decision", "decision", now.isoformat(), payload
        )


def _used_s(order: ControlOrder, until: datetime) -> float:
    """Curtailed seconds of an order up to `until` (none before it applies)."""
    return max((min(until, order.ends_at) - order.applies_at).total_seconds(), 0.0)


def _free_mw(demand_mw: float | None, allocated_mw: float) -> float:
    """What a site would draw uncurtailed: its last free metered power within its
    contract, or its contract when never measured free (as in `_state`)."""
    return allocated_mw if demand_mw is None else min(max(demand_mw, 0.0), allocated_mw)


def _used_mwh(order: ControlOrder, until: datetime, free_mw: float) -> float:
    """Curtailed MWh of an order up to `until`: each interval's reduction below the site's
    free draw, for the time it applied."""
    total = 0.0
    for interval in records.intervals_of(order):
        seconds = (min(until, interval.end) - interval.start).total_seconds()
        if seconds > 0:
            total += max(free_mw - interval.limit_mw, 0.0) * seconds / 3600.0
    return total


def _applies(order: LiveOrder, now: datetime) -> datetime:
    """When the current limit began to bind: the start of the last tightening."""
    applies = order.intervals[0].start
    previous = None
    for interval in order.intervals:
        if interval.start > now:
            break
        if previous is not None and interval.limit_mw < previous:
            applies = interval.start
        previous = interval.limit_mw
    return applies


def _order_row(
    site: int, event_id: str, zone: str, reason: str, intervals: tuple[Interval, ...], now: datetime
) -> ControlOrder:
    return ControlOrder(
        site_id=site,
        event_id=event_id,
        zone=zone,
        reason=reason,
        status=ORDER_ACTIVE,
        limit_mw=intervals[-1].limit_mw,
        applies_at=intervals[0].start,
        ends_at=intervals[-1].end,
        intervals=records.intervals_json(intervals),
        decided_at=now,
        compliance="pending",
        updated_at=now,
    )


def _digest(fleet: Fleet, state: FleetState, zones: ZoneInputs) -> str:
    """A fingerprint of every input array, so the full inputs can be shown to be the ones
    used when they are reproduced from the store and the feed."""
    sha = hashlib.sha256()
    for array in (
        *vars(fleet).values(),
        *vars(state).values(),
        zones.spare_mw,
        zones.price_pkr_per_mwh,
        zones.stale,
    ):
        sha.update(np.ascontiguousarray(array).tobytes())
    return sha.hexdigest()


def _zone_entry(zones: ZoneInputs, outcome: Any, k: int) -> dict[str, Any]:
    price = zones.price_pkr_per_mwh[k]
    return {
        "zone": zones.names[k],
        "spare_mw": round(float(zones.spare_mw[k]), 3),
        "price_pkr_per_mwh": None if np.isnan(price) else round(float(price), 2),
        "stale": bool(zones.stale[k]),
        "flexible_load_mw": round(float(outcome.load_mw[k]), 3),
        "required_mw": round(float(outcome.required_mw[k]), 3),
        "target_mw": round(float(outcome.target_mw[k]), 3),
        "covered_now_mw": round(float(outcome.covered_now_mw[k]), 3),
        "pending_notice_mw": round(float(outcome.pending_mw[k]), 3),
        "uncovered_mw": round(float(outcome.uncovered_mw[k]), 3),
    }


def _change_entry(
    change: Change, i: int, fleet: Fleet, state: FleetState, decision: Decision
) -> dict[str, Any]:
    last = change.intervals[-1]
    return {
        "site": change.site_id,
        "kind": change.kind,
        "reason": change.reason,
        "event": change.event_id,
        "limit_mw": round(last.limit_mw, 3),
        "start": change.intervals[0].start.isoformat(),
        "end": last.end.isoformat(),
        "inputs": {
            "demand_mw": round(float(state.demand_mw[i]), 3),
            "allocated_mw": float(fleet.allocated_mw[i]),
            "flexible_share": float(fleet.flexible_share[i]),
            "firm": bool(fleet.firm[i]),
            "curtail_mw": round(float(decision.curtail_mw[i]), 3),
            "used_h": round(float(state.used_s[i]) / 3600, 3),
            "used_mwh": round(float(state.used_mwh[i]), 3),
            "event_min": None
            if np.isnan(state.event_s[i])
            else round(float(state.event_s[i]) / 60, 2),
            "notice_s": float(fleet.notice_s[i]),
        },
    }


def _gaps(
    fleet: Fleet, state: FleetState, zones: ZoneInputs, decision: Decision
) -> list[dict[str, Any]]:
    """Zones whose shortfall is not covered now, with how much more only a breach of
    contract (hours, energy, longest event, rest, a firm load) could bring, and the sites
    concerned."""
    outcome = decision.zones
    gaps = []
    for k, name in enumerate(zones.names):
        if outcome.uncovered_mw[k] <= 1e-6:
            continue
        barred = [
            int(fleet.site_id[i])
            for i in np.flatnonzero((fleet.zone == k) & (decision.curtail_mw <= 0))
            if state.demand_mw[i] > 0
        ]
        gaps.append(
            {
                "zone": name,
                "uncovered_mw": round(float(outcome.uncovered_mw[k]), 3),
                "pending_notice_mw": round(float(outcome.pending_mw[k]), 3),
                "needs_breach_mw": round(float(outcome.blocked_mw[k]), 3),
                "sites_not_ordered": barred[:100],
            }
        )
    return gaps


__all__ = ["REASONS", "Controller", "ControllerConfig", "CycleResult"]
