"""Storing report posts in batches: many reports in one transaction, one lock of the audit
chain and a fixed handful of statements, so that under load a post costs little more
than its HTTP handling.

`store_reports` is the whole write of `POST /reports` (idempotency, the event visibility
check, the rows, their notifications and audit entries) for a list of posts; each post
still gets its own outcome: its report, or the problem that refused it. `write_reports`
adds the transaction and the retry when another process took an idempotency key first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from surplus.openadr import models, notify, repository
from surplus.openadr.access import Caller, event_visible
from surplus.openadr.problems import OpenADRProblem
from surplus.store import audit
from surplus.store.base import table_of
from surplus.store.openadr_tables import EventRow, ProgramRow, ReportRow
from surplus.store.types import utc_now

Outcome = dict[str, Any] | OpenADRProblem


@dataclass(frozen=True)
class ReportPost:
    """One `POST /reports`, validated and authenticated, waiting to be stored."""

    caller: Caller
    request: models.ReportRequest
    idempotency_key: str | None

    @property
    def key(self) -> tuple[str, str] | None:
        if self.idempotency_key is None:
            return None
        return self.caller.client_id, self.idempotency_key


@dataclass(frozen=True)
class Stored:
    """What a batch did: one outcome per post, and how many notifications it queued."""

    outcomes: list[Outcome]
    notifications: int


def write_reports(
    factory: sessionmaker[Session], posts: Sequence[ReportPost], mqtt_enabled: bool
) -> Stored:
    """Store `posts` in one committed transaction.

    When the database refuses the batch for one post's sake (a unique-key clash because
    another process stored a post with one of these idempotency keys meanwhile, or a value
    it will not hold), the batch is rolled back and each post retried alone, so that one
    post's refusal is not its neighbours'. A database that fails outright
    (OperationalError) refuses the whole batch.
    """
    try:
        return _in_transaction(factory, posts, mqtt_enabled)
    except OperationalError:
        raise
    except DBAPIError:
        alone = [_retry_alone(factory, post, mqtt_enabled) for post in posts]
        return Stored([s.outcomes[0] for s in alone], sum(s.notifications for s in alone))


def _retry_alone(factory: sessionmaker[Session], post: ReportPost, mqtt_enabled: bool) -> Stored:
    """One post in its own transaction; a retry whose key was taken finds the earlier one."""
    try:
        return _in_transaction(factory, [post], mqtt_enabled)
    except OperationalError:
        raise
    except IntegrityError:
        return Stored([OpenADRProblem(409, "the report conflicts with one already stored")], 0)
    except DBAPIError as error:
        reason = str(error.orig).splitlines()[0] if error.orig is not None else "refused"
        return Stored([OpenADRProblem(400, f"the report cannot be stored: {reason}")], 0)


def _in_transaction(
    factory: sessionmaker[Session], posts: Sequence[ReportPost], mqtt_enabled: bool
) -> Stored:
    with factory() as session, session.begin():
        return store_reports(session, posts, utc_now(), mqtt_enabled)


def store_reports(
    session: Session, posts: Sequence[ReportPost], now: datetime, mqtt_enabled: bool
) -> Stored:
    """The writes of `posts` in the caller's transaction (which it then commits)."""
    earlier = _earlier_reports(session, [post.key for post in posts if post.key is not None])
    events = events_and_programs(session, {post.request.eventID for post in posts})
    ven_clients = sorted({post.caller.client_id for post in posts if not post.caller.is_bl})
    grants = repository.granted_targets(session, ven_clients)
    outcomes: list[Outcome] = []
    new: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # (actor, row, report)
    for post in posts:
        if post.key is not None and post.key in earlier:
            outcomes.append(earlier[post.key])  # a retry, or a repeat within this batch
            continue
        program_id = program_of_visible_event(post.caller, post.request.eventID, events, grants)
        if program_id is None:
            event_id = post.request.eventID
            problem = f"eventID {event_id!r} names no event visible to you"
            outcomes.append(OpenADRProblem(409, problem))
            continue
        row = _report_row(post, program_id, now)
        report = repository.representation("REPORT", row["id"], now, now, row["body"])
        if post.key is not None:
            earlier[post.key] = report
        new.append((post.caller.actor, row, report))
        outcomes.append(report)
    if not new:
        return Stored(outcomes, 0)
    session.execute(_INSERT, [row for _, row, _ in new])
    changes = [notify.Change("REPORT", "CREATE", rep, row["program_id"]) for _, row, rep in new]
    notifications = notify.enqueue_many(session, changes, now, mqtt_enabled)
    audit.record_many(
        session,
        [audit.Write(actor, "openadr.create", "report", row["id"], rep) for actor, row, rep in new],
    )
    return Stored(outcomes, notifications)


def _earlier_reports(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Reports already stored under these (clientID, Idempotency-Key) pairs."""
    if not keys:
        return {}
    found = session.execute(_EARLIER, {"keys": sorted(set(keys))})
    return {
        (client_id, key): repository.representation("REPORT", id_, created, modified, body)
        for client_id, key, id_, created, modified, body in found.tuples()
    }


@dataclass(frozen=True)
class ReportedEvent:
    """What deciding whether a client may report on an event needs."""

    targets: list[str] | None
    program_id: str
    program_targets: list[str] | None


def events_and_programs(session: Session, event_ids: set[str]) -> dict[str, ReportedEvent]:
    found = session.execute(_EVENTS, {"events": sorted(event_ids)})
    return {
        event_id: ReportedEvent(body.get("targets"), program_id, (program or {}).get("targets"))
        for event_id, body, program_id, program in found.tuples()
    }


# Statements built once per process: building one costs more than running it, and a
# batch is often a single post.
_REPORTS = ReportRow.__table__.c
_EARLIER = select(
    _REPORTS.client_id,
    _REPORTS.idempotency_key,
    _REPORTS.id,
    _REPORTS.created_at,
    _REPORTS.modified_at,
    _REPORTS.body,
).where(tuple_(_REPORTS.client_id, _REPORTS.idempotency_key).in_(bindparam("keys", expanding=True)))
_EVENTS = (
    select(EventRow.id, EventRow.body, EventRow.program_id, ProgramRow.body)
    .outerjoin(ProgramRow, ProgramRow.id == EventRow.program_id)
    .where(EventRow.id.in_(bindparam("events", expanding=True)))
)
_INSERT = insert(table_of(ReportRow))


def program_of_visible_event(
    caller: Caller,
    event_id: str,
    events: dict[str, ReportedEvent],
    grants: dict[str, frozenset[str]],
) -> str | None:
    """The program of the reported event if `caller` may read that event, else None."""
    event = events.get(event_id)
    if event is None:
        return None
    if caller.is_bl:
        return event.program_id
    granted = grants.get(caller.client_id, frozenset())
    visible = event_visible(event.targets, event.program_targets, granted)
    return event.program_id if visible else None


def _report_row(post: ReportPost, program_id: str, now: datetime) -> dict[str, Any]:
    return {
        "id": repository.new_id(),
        "created_at": now,
        "modified_at": now,
        "body": {**post.request.to_json(), "clientID": post.caller.client_id},
        "event_id": post.request.eventID,
        "program_id": program_id,
        "client_id": post.caller.client_id,
        "client_name": post.request.clientName,
        "idempotency_key": post.idempotency_key,
    }
