"""The VTN's behaviour per object type: who may write and read what, references between
objects, unique names, and the audit entry and notifications every write leaves.

Functions take a `Context` (session, caller, clock) and validated request models, and
return spec representations; refusals are `OpenADRProblem`s. HTTP lives in `routes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surplus.openadr import models, notify, repository
from surplus.openadr.access import (
    Caller,
    effective_targets,
    has_scope,
    hide_targets,
    visible_by_targets,
)
from surplus.openadr.problems import OpenADRProblem, not_found
from surplus.openadr.repository import Page, target_clause
from surplus.store import audit
from surplus.store.openadr_tables import (
    EventRow,
    ProgramRow,
)
from surplus.store.types import utc_now


def require(caller: Caller, scope: str) -> None:
    if not has_scope(caller, scope):
        raise OpenADRProblem(403, f"this operation needs scope {scope}")


@dataclass(frozen=True)
class Quotas:
    """How many of each VEN-private object one VEN client may hold (BL has no quota)."""

    subscriptions: int = 50
    vens: int = 10
    resources: int = 200


@dataclass
class Context:
    session: Session
    caller: Caller
    mqtt_enabled: bool = False
    quotas: Quotas = field(default_factory=Quotas)
    now: datetime = field(default_factory=utc_now)
    after_commit: Callable[[], None] | None = None
    notifications: int = 0
    _grants: frozenset[str] | None = None

    def require(self, scope: str) -> None:
        require(self.caller, scope)

    def grants(self) -> frozenset[str]:
        """Targets BL granted the caller (looked up once per request)."""
        if self._grants is None:
            found = repository.granted_targets(self.session, [self.caller.client_id])
            self._grants = found.get(self.caller.client_id, frozenset())
        return self._grants


# -- writing ------------------------------------------------------------------------------


def _record(
    ctx: Context, object_type: str, operation: str, row: Any, program_id: str | None
) -> dict[str, Any]:
    """Notify and audit one write; returns the representation.

    The audit entry comes last: it locks the audit chain's head until commit, so doing
    the notification work first keeps that lock (which serialises all writers) short.
    """
    obj = repository.represent(object_type, row)
    program_targets = None
    if object_type == "EVENT" and program_id is not None:
        program = repository.get(ctx.session, "PROGRAM", program_id)
        program_targets = program.body.get("targets") if program is not None else None
    change = notify.Change(object_type, operation, obj, program_id, program_targets)
    ctx.notifications += notify.enqueue(ctx.session, change, ctx.now, ctx.mqtt_enabled)
    action = f"openadr.{operation.lower()}"
    entry = as_audited(object_type, obj)
    audit.record(ctx.session, ctx.caller.actor, action, object_type.lower(), row.id, entry)
    return obj


REDACTED = "[redacted]"


def as_audited(object_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The object as the audit log keeps it: a subscription's callback bearer tokens are
    left out (the log can never be edited later, so it must not hold a credential).

    >>> op = {"objects": ["EVENT"], "operations": ["CREATE"], "callbackUrl": "https://v.pk",
    ...       "bearerToken": "s3cret"}
    >>> as_audited("SUBSCRIPTION", {"objectOperations": [op]})["objectOperations"][0]["bearerToken"]
    '[redacted]'
    """
    if object_type != "SUBSCRIPTION" or not obj.get("objectOperations"):
        return obj
    operations = [
        {**entry, "bearerToken": REDACTED} if entry.get("bearerToken") else entry
        for entry in obj["objectOperations"]
    ]
    return {**obj, "objectOperations": operations}


def commit(ctx: Context) -> None:
    try:
        ctx.session.commit()
    except IntegrityError:
        ctx.session.rollback()
        raise OpenADRProblem(409, "the change conflicts with an object already stored") from None
    if ctx.notifications and ctx.after_commit is not None:
        ctx.after_commit()


def _create(
    ctx: Context, object_type: str, row: Any, targets: list[str] | None, program_id: str | None
) -> dict[str, Any]:
    row.created_at = row.modified_at = ctx.now
    ctx.session.add(row)
    ctx.session.flush()
    if object_type in repository.TARGETED:
        repository.set_targets(ctx.session, object_type, row.id, targets or ())
    obj = _record(ctx, object_type, "CREATE", row, program_id)
    commit(ctx)
    return obj


def _update(
    ctx: Context, object_type: str, row: Any, body: dict[str, Any], program_id: str | None
) -> dict[str, Any]:
    row.body = body
    row.modified_at = ctx.now
    ctx.session.flush()
    if object_type in repository.TARGETED:
        repository.set_targets(ctx.session, object_type, row.id, body.get("targets") or ())
    obj = _record(ctx, object_type, "UPDATE", row, program_id)
    commit(ctx)
    return obj


def _delete(
    ctx: Context, object_type: str, row: Any, program_id: str | None, finish: bool = True
) -> dict[str, Any]:
    obj = _record(ctx, object_type, "DELETE", row, program_id)
    repository.remove(ctx.session, object_type, row)
    ctx.session.flush()
    if finish:
        commit(ctx)
    return obj


# -- reading ------------------------------------------------------------------------------


def _visible_targeted(ctx: Context, object_type: str, row: Any) -> dict[str, Any] | None:
    """A program or event as the caller may see it (targets hidden for VENs), or None."""
    obj = repository.represent(object_type, row)
    if ctx.caller.is_bl:
        return obj
    granted = ctx.grants()
    if not visible_by_targets(obj.get("targets"), granted, filtered=False):
        return None
    if object_type == "EVENT":
        program = repository.get(ctx.session, "PROGRAM", row.program_id)
        program_targets = program.body.get("targets") if program is not None else None
        if not visible_by_targets(program_targets, granted, filtered=False):
            return None
    if obj.get("targets"):
        obj["targets"] = hide_targets(obj["targets"], granted)
    return obj


def _owned_row(ctx: Context, object_type: str, object_id: str) -> Any:
    """A VEN-private row the caller may touch, else 404 (never revealing others' objects)."""
    row = repository.get(ctx.session, object_type, object_id)
    if row is None or not (ctx.caller.is_bl or row.client_id == ctx.caller.client_id):
        raise not_found(object_type, object_id)
    return row


def _stored_row(ctx: Context, object_type: str, object_id: str) -> Any:
    """A program or event for BL to change, else 404."""
    row = repository.get(ctx.session, object_type, object_id)
    if row is None:
        raise not_found(object_type, object_id)
    return row


def _targeted_row(ctx: Context, object_type: str, object_id: str) -> tuple[Any, dict[str, Any]]:
    row = repository.get(ctx.session, object_type, object_id)
    obj = _visible_targeted(ctx, object_type, row) if row is not None else None
    if obj is None:
        raise not_found(object_type, object_id)
    return row, obj


def _target_conditions(
    ctx: Context, object_type: str, id_column: Any, targets: list[str] | None
) -> list[Any]:
    if ctx.caller.is_bl:
        return [] if not targets else [repository.has_target_in(object_type, id_column, targets)]
    effective = effective_targets(ctx.grants(), targets)
    return [target_clause(object_type, id_column, effective, filtered=targets is not None)]


def _hide_all(
    ctx: Context, objects: list[dict[str, Any]], targets: list[str] | None
) -> list[dict[str, Any]]:
    if ctx.caller.is_bl:
        return objects
    effective = effective_targets(ctx.grants(), targets)
    for obj in objects:
        if obj.get("targets"):
            obj["targets"] = hide_targets(obj["targets"], effective)
    return objects


# -- programs -----------------------------------------------------------------------------


def _program_name_free(ctx: Context, name: str, own_id: str | None = None) -> None:
    found = ctx.session.scalar(select(ProgramRow.id).where(ProgramRow.program_name == name))
    if found is not None and found != own_id:
        raise OpenADRProblem(409, f"a program named {name!r} already exists")


def create_program(ctx: Context, request: models.ProgramRequest) -> dict[str, Any]:
    ctx.require("write_programs")
    _program_name_free(ctx, request.programName)
    row = ProgramRow(
        id=repository.new_id(), body=request.to_json(), program_name=request.programName
    )
    return _create(ctx, "PROGRAM", row, request.targets, row.id)


def update_program(ctx: Context, program_id: str, request: models.ProgramRequest) -> dict[str, Any]:
    ctx.require("write_programs")
    row = _stored_row(ctx, "PROGRAM", program_id)
    _program_name_free(ctx, request.programName, program_id)
    row.program_name = request.programName
    return _update(ctx, "PROGRAM", row, request.to_json(), program_id)


def delete_program(ctx: Context, program_id: str) -> dict[str, Any]:
    """Deleting a program deletes its events too (each notified)."""
    ctx.require("write_programs")
    row = _stored_row(ctx, "PROGRAM", program_id)
    for event in ctx.session.scalars(select(EventRow).where(EventRow.program_id == program_id)):
        _delete(ctx, "EVENT", event, program_id, finish=False)
    return _delete(ctx, "PROGRAM", row, program_id)


def get_program(ctx: Context, program_id: str) -> dict[str, Any]:
    ctx.require("read_targets")
    return _targeted_row(ctx, "PROGRAM", program_id)[1]


def search_programs(ctx: Context, targets: list[str] | None, page: Page) -> list[dict[str, Any]]:
    ctx.require("read_targets")
    conditions = _target_conditions(ctx, "PROGRAM", ProgramRow.id, targets)
    rows = repository.fetch(ctx.session, "PROGRAM", conditions, page)
    return _hide_all(ctx, [repository.represent("PROGRAM", row) for row in rows], targets)


def program_visible(ctx: Context, program_id: str) -> None:
    """404 unless the caller may read the program (used by the MQTT topic endpoints)."""
    _targeted_row(ctx, "PROGRAM", program_id)


# -- events -------------------------------------------------------------------------------


def _program_exists(ctx: Context, program_id: str) -> None:
    if repository.get(ctx.session, "PROGRAM", program_id) is None:
        raise OpenADRProblem(409, f"programID {program_id!r} names no program")


def create_event(ctx: Context, request: models.EventRequest) -> dict[str, Any]:
    ctx.require("write_events")
    _program_exists(ctx, request.programID)
    row = EventRow(id=repository.new_id(), body=request.to_json(), program_id=request.programID)
    return _create(ctx, "EVENT", row, request.targets, request.programID)


def update_event(ctx: Context, event_id: str, request: models.EventRequest) -> dict[str, Any]:
    ctx.require("write_events")
    row = _stored_row(ctx, "EVENT", event_id)
    _program_exists(ctx, request.programID)
    row.program_id = request.programID
    return _update(ctx, "EVENT", row, request.to_json(), request.programID)


def delete_event(ctx: Context, event_id: str) -> dict[str, Any]:
    ctx.require("write_events")
    row = _stored_row(ctx, "EVENT", event_id)
    return _delete(ctx, "EVENT", row, row.program_id)


def get_event(ctx: Context, event_id: str) -> dict[str, Any]:
    ctx.require("read_targets")
    return _targeted_row(ctx, "EVENT", event_id)[1]


def search_events(
    ctx: Context, program_id: str | None, targets: list[str] | None, active: bool | None, page: Page
) -> list[dict[str, Any]]:
    """`active=true` keeps events that have not ended by `ctx.now` (the indexed `ends_at`
    column), so the page is cut in the database like every other filter."""
    ctx.require("read_targets")
    conditions = _target_conditions(ctx, "EVENT", EventRow.id, targets)
    if not ctx.caller.is_bl:
        program_clause = target_clause("PROGRAM", EventRow.program_id, ctx.grants(), filtered=False)
        conditions.append(program_clause)
    if program_id is not None:
        conditions.append(EventRow.program_id == program_id)
    if active:
        conditions.append(repository.event_active(ctx.now))
    rows = repository.fetch(ctx.session, "EVENT", conditions, page)
    objects = [repository.represent("EVENT", row) for row in rows]
    return _hide_all(ctx, objects, targets)
