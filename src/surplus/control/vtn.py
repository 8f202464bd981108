"""The controller's side of the VTN, in-process: writing its events through the VTN's own
storage, notification and audit layers (so MQTT and webhooks carry them exactly as any
event), reading the sites' reports, and setting up the programme.

Many events are written in one transaction with one lock of the audit chain, so an order
to thousands of sites costs one commit, not thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from surplus.control import fanout
from surplus.openadr import models, notify, private, repository, service
from surplus.openadr.access import Caller
from surplus.openadr.timing import end_instant
from surplus.store import audit
from surplus.store.openadr_tables import (
    EventRow,
    OutboxRow,
    ProgramRow,
    ReportRow,
    TargetRow,
    VenRow,
)

ACTOR = "controller"
UNDER_FREQUENCY_TARGET = "under-frequency"
TELEMETRY_EVENT = "telemetry"


def bl_caller(actor: str = ACTOR) -> Caller:
    """The controller acts as business logic (BL) with every scope."""
    scopes = frozenset(
        {"read_all", "write_programs", "write_events", "write_subscriptions", "write_vens"}
    )
    return Caller(client_id=actor, is_bl=True, scopes=scopes, actor=actor)


@dataclass(frozen=True)
class EventWrite:
    """One event to create (`event_id` None) or replace, with its body (EventRequest)."""

    body: dict[str, Any]
    event_id: str | None = None


def write_events(
    session: Session,
    writes: Sequence[EventWrite],
    now: datetime,
    mqtt_enabled: bool,
    actor: str = ACTOR,
) -> list[str]:
    """Create or update events in the caller's transaction, with their notifications and
    audit entries; returns their ids in order. The caller commits (and then wakes the
    outbox worker, if it runs in this process).

    New events go through the ORM; updates are one UPDATE per event without loading the
    old body (the new one replaces it whole), which matters when thousands are revised."""
    bodies = [models.EventRequest.model_validate(w.body).to_json() for w in writes]
    created: list[EventRow] = []
    for write, body in zip(writes, bodies, strict=True):
        if write.event_id is None:
            row = EventRow(id=repository.new_id(), body=body, program_id=body["programID"])
            row.created_at = row.modified_at = now
            session.add(row)
            created.append(row)
    session.flush()
    updated = [(w.event_id, b) for w, b in zip(writes, bodies, strict=True) if w.event_id]
    born: dict[str, datetime] = {}
    if updated:
        ids = [event_id for event_id, _ in updated]
        born = dict(
            session.execute(select(EventRow.id, EventRow.created_at).where(EventRow.id.in_(ids)))
            .tuples()
            .all()
        )
        missing = sorted(set(ids) - set(born))
        if missing:
            raise LookupError(f"events {missing[:5]} are not stored")
        table = EventRow.metadata.tables[EventRow.__tablename__]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("event_id"))
            .values(
                body=bindparam("new_body"),
                program_id=bindparam("program"),
                modified_at=bindparam("modified"),
                ends_at=bindparam("ends"),
            ),
            [
                {
                    "event_id": event_id,
                    "new_body": body,
                    "program": body["programID"],
                    "modified": now,
                    "ends": end_instant(body),
                }
                for event_id, body in updated
            ],
        )
    made = iter(created)
    entries: list[tuple[str, str, dict[str, Any], str]] = []
    for write, body in zip(writes, bodies, strict=True):
        if write.event_id is None:
            row = next(made)
            entries.append((row.id, "CREATE", repository.represent("EVENT", row), row.program_id))
        else:
            obj = repository.representation(
                "EVENT", write.event_id, born[write.event_id], now, body
            )
            entries.append((write.event_id, "UPDATE", obj, body["programID"]))
    _replace_targets(
        session, [(event_id, op, obj.get("targets")) for event_id, op, obj, _ in entries]
    )
    programs = {program for *_, program in entries}
    program_targets = {
        program.id: program.body.get("targets")
        for program in session.scalars(select(ProgramRow).where(ProgramRow.id.in_(programs)))
    }
    changes = [
        notify.Change("EVENT", op, obj, program, program_targets.get(program))
        for _, op, obj, program in entries
    ]
    _enqueue(session, changes, now, mqtt_enabled)
    audit.record_many(
        session,
        [
            audit.Write(actor, f"openadr.{op.lower()}", "event", event_id, obj)
            for event_id, op, obj, _ in entries
        ],
    )
    return [event_id for event_id, *_ in entries]


def _enqueue(
    session: Session, changes: list[notify.Change], now: datetime, mqtt_enabled: bool
) -> None:
    """The batch's notifications: webhooks as the VTN makes them, MQTT batched."""
    rows = notify.webhook_rows(session, changes, now) if changes else []
    if mqtt_enabled and changes:
        rows += fanout.mqtt_rows_many(session, changes, now)
    if rows:
        session.execute(insert(OutboxRow.metadata.tables[OutboxRow.__tablename__]), rows)


def _replace_targets(session: Session, events: list[tuple[str, str, list[str] | None]]) -> None:
    """The events' indexed targets in two statements (Core, not the ORM's per-row delete,
    which compares every object in the session and grows with the square of a batch)."""
    table = TargetRow.metadata.tables[TargetRow.__tablename__]
    updated = [event_id for event_id, operation, _ in events if operation == "UPDATE"]
    if updated:
        session.execute(
            delete(table).where(table.c.object_type == "EVENT", table.c.object_id.in_(updated))
        )
    values = [
        {"object_type": "EVENT", "object_id": event_id, "target": target}
        for event_id, _, targets in events
        for target in sorted(set(targets or ()))
    ]
    if values:
        session.execute(insert(table), values)


def ensure_program(
    session: Session, name: str, zones: Sequence[str], now: datetime, mqtt_enabled: bool
) -> str:
    """The programme's OpenADR program (targets: its zones) and its telemetry event, which
    sites report against while no order is active; made if absent. Returns its id."""
    found = session.scalar(select(ProgramRow).where(ProgramRow.program_name == name))
    ctx = service.Context(session, bl_caller(), mqtt_enabled=mqtt_enabled, now=now)
    if found is None:
        request = models.ProgramRequest.model_validate(
            {
                "programName": name,
                "targets": [f"zone-{zone}" for zone in sorted(zones)],
                "payloadDescriptors": [
                    {
                        "objectType": "EVENT_PAYLOAD_DESCRIPTOR",
                        "payloadType": "IMPORT_CAPACITY_LIMIT",
                        "units": "KW",
                    }
                ],
            }
        )
        program_id = str(service.create_program(ctx, request)["id"])
    else:
        program_id = found.id
    if telemetry_event(session, program_id) is None:
        body = {
            "programID": program_id,
            "eventName": TELEMETRY_EVENT,
            "reportDescriptors": [
                {"payloadType": "DEMAND", "readingType": "DIRECT_READ", "units": "KW"},
                {"payloadType": "OPERATING_STATE"},
            ],
            "intervalPeriod": {"start": "2000-01-01T00:00:00Z", "duration": "P9999Y"},
        }
        service.create_event(ctx, models.EventRequest.model_validate(body))
    return program_id


def telemetry_event(session: Session, program_id: str) -> str | None:
    for row in session.scalars(select(EventRow).where(EventRow.program_id == program_id)):
        if row.body.get("eventName") == TELEMETRY_EVENT:
            return row.id
    return None


def enrol_site(
    session: Session,
    client_id: str,
    site_id: int,
    zone: str,
    load_kind: str,
    now: datetime,
    mqtt_enabled: bool = False,
    under_frequency: bool = False,
) -> str:
    """Create the site's ven for its VEN client, granting it `site-<id>`, `zone-<zone>`,
    `class-<load kind>` and, for a site that trips on under-frequency, the shed's target.
    Returns the venID."""
    ctx = service.Context(session, bl_caller(), mqtt_enabled=mqtt_enabled, now=now)
    targets = [f"site-{site_id}", f"zone-{zone}", f"class-{load_kind}"]
    if under_frequency:
        targets.append(UNDER_FREQUENCY_TARGET)
    request = models.BlVenRequest(
        objectType="BL_VEN_REQUEST", clientID=client_id, venName=f"site-{site_id}", targets=targets
    )
    return str(private.create_ven(ctx, request)["id"])


def sites_of_clients(session: Session, client_ids: Sequence[str]) -> dict[str, int]:
    """The site each VEN client reports for (its ven's `site-<id>` target)."""
    grants = repository.granted_targets(session, list(client_ids))
    found: dict[str, int] = {}
    for client_id, targets in grants.items():
        for target in targets:
            if target.startswith("site-") and target[5:].isdigit():
                found[client_id] = int(target[5:])
    return found


def vens_by_site(session: Session) -> dict[int, str]:
    rows = session.execute(select(VenRow.ven_name, VenRow.id)).all()
    return {
        int(name[5:]): ven for name, ven in rows if name.startswith("site-") and name[5:].isdigit()
    }


@dataclass(frozen=True)
class StoredReport:
    id: str
    event_id: str
    client_id: str
    created_at: datetime
    body: dict[str, Any]


def reports_since(
    session: Session, program_id: str, after: datetime | None, after_id: str = "", limit: int = 5000
) -> list[StoredReport]:
    """The program's reports stored after (`after`, `after_id`), oldest first."""
    query = select(ReportRow).where(ReportRow.program_id == program_id)
    if after is not None:
        query = query.where(
            or_(
                ReportRow.created_at > after,
                and_(ReportRow.created_at == after, ReportRow.id > after_id),
            )
        )
    query = query.order_by(ReportRow.created_at, ReportRow.id).limit(limit)
    return [
        StoredReport(row.id, row.event_id, row.client_id, row.created_at, row.body)
        for row in session.scalars(query)
    ]


Wake = Callable[[], None]


def program_id(session: Session, name: str) -> str | None:
    return session.scalar(select(ProgramRow.id).where(ProgramRow.program_name == name))
