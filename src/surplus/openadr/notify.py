"""Turning one change of an object into notifications in the outbox, in the change's own
transaction, so a notification exists exactly when its change was committed.

Webhooks go to each subscription whose objectOperations, programID and targets match and
whose owner may read the object (a VEN's notification gets the object with targets hidden,
as a read would). MQTT messages go to the topics of `surplus.openadr.topics`, one set per
audience, under the same rule; the broker lets each client read only its audiences'.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, or_, select
from sqlalchemy.orm import Session

from surplus.openadr import mqtt_audience, repository
from surplus.openadr.access import event_visible, hide_targets
from surplus.openadr.topics import bl_topics, public_topics, ven_topics
from surplus.store.base import table_of
from surplus.store.openadr_tables import OutboxRow, SubscriptionRow

WEBHOOK = "WEBHOOK"
MQTT = "MQTT"
PENDING = "PENDING"
PRIVATE = ("REPORT", "SUBSCRIPTION", "VEN", "RESOURCE")


@dataclass(frozen=True)
class Change:
    """One committed-to-be change: what, how, and the program it belongs to (if any)."""

    object_type: str
    operation: str
    obj: dict[str, Any]
    program_id: str | None
    program_targets: list[str] | None = None


def notification(change: Change, obj: dict[str, Any]) -> str:
    return json.dumps(
        {"objectType": change.object_type, "operation": change.operation, "object": obj},
        separators=(",", ":"),
    )


def _wants(subscription: SubscriptionRow, change: Change) -> list[tuple[str, str | None]]:
    """(callbackUrl, bearerToken) of every objectOperation matching the change."""
    hits = []
    for entry in subscription.body.get("objectOperations", []):
        if change.object_type in entry["objects"] and change.operation in entry["operations"]:
            hits.append((entry["callbackUrl"], entry.get("bearerToken")))
    sub_targets = subscription.body.get("targets")
    if hits and sub_targets and "targets" in change.obj:
        # A subscription's targets narrow its notifications to objects sharing one.
        hits = hits if set(sub_targets) & set(change.obj.get("targets") or ()) else []
    return hits


def _as_seen_by(
    subscription: SubscriptionRow, change: Change, grants: dict[str, frozenset[str]]
) -> dict[str, Any] | None:
    """The object as the subscription's owner may read it, or None if it may not."""
    if subscription.owner_is_bl:
        return change.obj
    if change.object_type in PRIVATE:
        return change.obj if change.obj.get("clientID") == subscription.client_id else None
    granted = grants.get(subscription.client_id, frozenset())
    program_targets = change.program_targets if change.object_type == "EVENT" else None
    if not event_visible(change.obj.get("targets"), program_targets, granted):
        return None
    return {**change.obj, "targets": hide_targets(change.obj.get("targets"), granted)}


# Built once (building a statement costs more than running it): subscriptions to any
# program, or to one of the changes' programs.
_SUBSCRIPTIONS = select(SubscriptionRow).where(
    or_(
        SubscriptionRow.program_id.is_(None),
        SubscriptionRow.program_id.in_(bindparam("programs", expanding=True)),
    )
)


def webhook_rows(
    session: Session, changes: Sequence[Change], now: datetime
) -> list[dict[str, Any]]:
    """Outbox rows for the subscriptions each change matches; one query for all changes."""
    program_ids = sorted({c.program_id for c in changes if c.program_id is not None})
    subscriptions = list(session.scalars(_SUBSCRIPTIONS, {"programs": program_ids}))
    wanted = [
        (change, sub, hits)
        for change in changes
        for sub in subscriptions
        if sub.program_id in (None, change.program_id) and (hits := _wants(sub, change))
    ]
    ven_clients = sorted({sub.client_id for _, sub, _ in wanted if not sub.owner_is_bl})
    grants = repository.granted_targets(session, ven_clients) if ven_clients else {}
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, str, str | None]] = set()
    for change, subscription, hits in wanted:
        obj = _as_seen_by(subscription, change, grants)
        if obj is None:
            continue
        payload = notification(change, obj)
        for url, token in hits:
            if (id(change), url, token) in seen:
                continue
            seen.add((id(change), url, token))
            rows.append(_row(now, WEBHOOK, url, token, payload))
    return rows


def mqtt_rows(session: Session, change: Change, now: datetime) -> list[dict[str, Any]]:
    """BL hears of every change in full; a VEN only of what its REST reads would show it,
    on its own ven topics or (untargeted programs and events) the public ones."""
    kind, operation, obj = change.object_type, change.operation, change.obj
    full = notification(change, obj)
    rows = [_row(now, MQTT, name, None, full) for name in bl_topics(kind, operation, obj)]
    if kind in ("VEN", "RESOURCE"):
        owner_ven = str(obj["id"] if kind == "VEN" else obj["venID"])
        names = ven_topics(kind, operation, obj, owner_ven)
        rows += [_row(now, MQTT, name, None, full) for name in names]
    if kind not in ("PROGRAM", "EVENT"):
        return rows
    targets = obj.get("targets")
    program_targets = targets if kind == "PROGRAM" else change.program_targets
    if not targets and not program_targets:
        names = public_topics(kind, operation, obj)
        return rows + [_row(now, MQTT, name, None, full) for name in names]
    for ven_id, granted in sorted(mqtt_audience.readers(session, targets, program_targets).items()):
        seen = {**obj, "targets": hide_targets(targets, granted)} if targets else obj
        payload = notification(change, seen)
        rows += [
            _row(now, MQTT, name, None, payload)
            for name in ven_topics(kind, operation, obj, ven_id)
        ]
    return rows


def _row(
    now: datetime, channel: str, destination: str, token: str | None, payload: str
) -> dict[str, Any]:
    return {
        "created_at": now,
        "channel": channel,
        "destination": destination,
        "bearer_token": token,
        "payload": payload,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
    }


def enqueue(session: Session, change: Change, now: datetime, mqtt_enabled: bool) -> int:
    """Add the change's notifications to the outbox; returns how many."""
    return enqueue_many(session, [change], now, mqtt_enabled)


def enqueue_many(
    session: Session, changes: Sequence[Change], now: datetime, mqtt_enabled: bool
) -> int:
    """Add the notifications of several changes in one transaction; returns how many."""
    rows = webhook_rows(session, changes, now) if changes else []
    if mqtt_enabled:
        rows += [row for change in changes for row in mqtt_rows(session, change, now)]
    if rows:
        session.execute(insert(table_of(OutboxRow)), rows)
    return len(rows)
