"""The MQTT notifications of many events at once, for the controller's batches.

`surplus.openadr.notify.mqtt_rows` works out each event's readers with three queries;
an order to thousands of sites cannot afford that per event. This computes the same rows
(the same audiences, topics and target hiding, from the same access rules) with three
queries for the whole batch; `tests/control/test_fanout.py` checks that the rows are
identical to the VTN's own, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, union
from sqlalchemy.orm import Session

from surplus.openadr import notify, repository
from surplus.openadr.access import visible_by_targets
from surplus.openadr.topics import bl_topics, public_topics, ven_topics
from surplus.store.openadr_tables import ResourceRow, TargetRow, VenRow


def _clients_by_target(session: Session, targets: set[str]) -> dict[str, set[str]]:
    """Target → clients granted it through a ven or a resource (one query)."""
    if not targets:
        return {}
    parts = [
        select(row.client_id, TargetRow.target)
        .join(TargetRow, and_(TargetRow.object_type == kind, TargetRow.object_id == row.id))
        .where(TargetRow.target.in_(sorted(targets)))
        for kind, row in (("VEN", VenRow), ("RESOURCE", ResourceRow))
    ]
    found: dict[str, set[str]] = {}
    for client, target in session.execute(union(*parts)).tuples():
        found.setdefault(target, set()).add(client)
    return found


def mqtt_rows_many(
    session: Session, changes: Sequence[notify.Change], now: datetime
) -> list[dict[str, Any]]:
    """Outbox rows equal to `notify.mqtt_rows` of each change, in order, for program and
    event changes."""
    first_targets = {target for change in changes for target in (_needed(change) or [])}
    by_target = _clients_by_target(session, first_targets)
    clients = sorted({c for found in by_target.values() for c in found})
    grants = repository.granted_targets(session, clients) if clients else {}
    vens: dict[str, list[str]] = {}
    if clients:
        query = select(VenRow.id, VenRow.client_id).where(VenRow.client_id.in_(clients))
        for ven_id, client in session.execute(query).tuples():
            vens.setdefault(client, []).append(ven_id)
    rows: list[dict[str, Any]] = []
    for change in changes:
        rows += _rows(change, now, by_target, grants, vens)
    return rows


def _needed(change: notify.Change) -> list[str] | None:
    """The targets whose holders are candidate readers (as `mqtt_audience.readers`)."""
    targets = change.obj.get("targets")
    program_targets = targets if change.object_type == "PROGRAM" else change.program_targets
    needed = [t for t in (targets, program_targets) if t]
    return needed[0] if needed else None


def _rows(
    change: notify.Change,
    now: datetime,
    by_target: dict[str, set[str]],
    grants: dict[str, frozenset[str]],
    vens: dict[str, list[str]],
) -> list[dict[str, Any]]:
    kind, operation, obj = change.object_type, change.operation, change.obj
    full = notify.notification(change, obj)
    rows = [_row(now, name, full) for name in bl_topics(kind, operation, obj)]
    if kind not in ("PROGRAM", "EVENT"):
        raise ValueError("only programs and events are fanned out here")
    targets = obj.get("targets")
    program_targets = targets if kind == "PROGRAM" else change.program_targets
    if not targets and not program_targets:
        return rows + [_row(now, name, full) for name in public_topics(kind, operation, obj)]
    candidates = sorted({c for t in (_needed(change) or []) for c in by_target.get(t, ())})
    readers: dict[str, frozenset[str]] = {}
    for client in candidates:
        granted = grants.get(client, frozenset())
        if visible_by_targets(targets, granted, filtered=False) and visible_by_targets(
            program_targets, granted, filtered=False
        ):
            for ven_id in vens.get(client, []):
                readers[ven_id] = granted
    for ven_id, granted in sorted(readers.items()):
        seen = {**obj, "targets": notify.hide_targets(targets, granted)} if targets else obj
        payload = notify.notification(change, seen)
        rows += [_row(now, name, payload) for name in ven_topics(kind, operation, obj, ven_id)]
    return rows


def _row(now: datetime, topic: str, payload: str) -> dict[str, Any]:
    return {
        "created_at": now,
        "channel": notify.MQTT,
        "destination": topic,
        "bearer_token": None,
        "payload": payload,
        "status": notify.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
    }
