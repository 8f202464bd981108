"""The under-frequency path: shed every enrolled miner at once with one event, and hand
the shed back to the controller's rate-limited restoration once frequency has recovered.

`on_reading` runs wherever a frequency reading arrives (the control room's push endpoint,
or a replayed feed), in that request's transaction: it needs neither the planner nor a
control cycle, so miners shed even while the planner is down.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from surplus.contracts import TermSheet
from surplus.control import records, vtn
from surplus.control.frequency import FrequencyRule, FrequencyState, step
from surplus.control.grid import FrequencyReading
from surplus.control.orders import Interval, end_change, event_body, shed_event_body
from surplus.store import audit
from surplus.store.control_tables import ControlOrder

TARGET = vtn.UNDER_FREQUENCY_TARGET
"""Granted to the ven of every site whose term sheet `trips_on_under_frequency`."""
STATE = "frequency"
SHED_S = 4 * 3600.0
"""A shed event runs this long unless restored sooner (the controller extends it)."""


def sheddable(sheets: list[TermSheet]) -> list[TermSheet]:
    """Miners that trip on under-frequency (firm loads and data centres never do)."""
    return [s for s in sheets if s.trips_on_under_frequency]


def load_state(session: Session) -> FrequencyState:
    value = records.get_value(session, STATE)

    def moment(name: str) -> datetime | None:
        text = value.get(name)
        return datetime.fromisoformat(text) if text else None

    return FrequencyState(moment("tripped_at"), moment("recovered_since"))


def _save(session: Session, state: FrequencyState, extra: dict[str, Any]) -> None:
    value = records.get_value(session, STATE)
    value.update(extra)
    value["tripped_at"] = state.tripped_at.isoformat() if state.tripped_at else None
    value["recovered_since"] = state.recovered_since.isoformat() if state.recovered_since else None
    records.set_value(session, STATE, value)


def on_reading(
    session: Session,
    reading: FrequencyReading,
    rule: FrequencyRule,
    sheets: list[TermSheet],
    program_id: str,
    now: datetime,
    mqtt_enabled: bool,
    actor: str,
) -> tuple[str | None, int]:
    """Apply one reading; returns (action, sites shed). A trip writes the shed event and
    one order per miner; a restore marks the shed for the controller to take back."""
    state, action = step(rule, load_state(session), reading)
    extra: dict[str, Any] = {"last_hz": reading.hz, "last_at": reading.observed_at.isoformat()}
    shed = 0
    if action == "trip":
        shed = _trip(session, sheets, program_id, now, mqtt_enabled, actor, extra)
    elif action == "restore":
        extra["restore_due"] = True
    _save(session, state, extra)
    if action is not None:
        audit.record(
            session,
            actor,
            f"control.frequency_{action}",
            "frequency",
            "system",
            {
                "hz": reading.hz,
                "observed_at": reading.observed_at.isoformat(),
                "source": reading.source,
                "trip_hz": rule.trip_hz,
                "restore_hz": rule.restore_hz,
                "sites_shed": shed,
            },
        )
    return action, shed


def _trip(
    session: Session,
    sheets: list[TermSheet],
    program_id: str,
    now: datetime,
    mqtt_enabled: bool,
    actor: str,
    extra: dict[str, Any],
) -> int:
    targets = sheddable(sheets)
    if not targets:
        return 0
    body = shed_event_body(program_id, TARGET, now, SHED_S)
    (event_id,) = vtn.write_events(session, [vtn.EventWrite(body)], now, mqtt_enabled, actor)
    extra["event_id"] = event_id
    extra["restore_due"] = False
    live = records.active_orders(session)
    end = now + timedelta(seconds=SHED_S)
    sites = [s.registered_site_id() for s in targets]
    superseded = [live[site] for site in sites if site in live]
    endings = []
    for previous in superseded:  # the shed replaces it: its event ends now, kept as history
        change = end_change(records.live_order(previous), now, "frequency")
        previous.status, previous.updated_at = "superseded", now
        previous.intervals = records.intervals_json(change.intervals)
        previous.ends_at = change.intervals[-1].end
        body = event_body(program_id, previous.site_id, change.intervals, previous.reason, 60.0)
        endings.append(vtn.EventWrite(body, previous.event_id))
    if endings:
        vtn.write_events(session, endings, now, mqtt_enabled, actor)
    for site, sheet in zip(sites, targets, strict=True):
        interval = Interval(now, end, sheet.floor_mw)
        session.add(
            ControlOrder(
                site_id=site,
                event_id=event_id,
                zone=sheet.zone,
                reason="frequency",
                status="active",
                limit_mw=sheet.floor_mw,
                applies_at=now,
                ends_at=end,
                intervals=records.intervals_json([interval]),
                decided_at=now,
                compliance="pending",
                updated_at=now,
            )
        )
    return len(targets)
