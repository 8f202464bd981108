"""Turning one change of an object into notifications in the outbox, in the change's own
transaction, so a notification exists exactly when its change was committed.

Webhooks go to each subscription whose objectOperations, programID and targets match and
whose owner may read the object (a VEN's notification gets the object with targets hidden,
as a read would). MQTT messages go to the topics of `surplus.openadr.topics`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, or_, select
from sqlalchemy.orm import Session

from surplus.openadr import repository
from surplus.openadr.access import hide_targets, visible_by_targets
from surplus.openadr.topics import topics_for_change
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
    if not visible_by_targets(change.obj.get("targets"), granted, filtered=False):
        return None
    if change.object_type == "EVENT" and not visible_by_targets(
        change.program_targets, granted, filtered=False
    ):
        return None
    return {**change.obj, "targets": hide_targets(change.obj.get("targets"), granted)}


def webhook_rows(session: Session, change: Change, now: datetime) -> list[dict[str, Any]]:
    program_filter: ColumnElement[bool] = SubscriptionRow.program_id.is_(None)
    if change.program_id is not None:
        program_filter = or_(program_filter, SubscriptionRow.program_id == change.program_id)
    subscriptions = list(session.scalars(select(SubscriptionRow).where(program_filter)))
    wanted = [(sub, hits) for sub in subscriptions if (hits := _wants(sub, change))]
    ven_clients = sorted({sub.client_id for sub, _ in wanted if not sub.owner_is_bl})
    grants = repository.granted_targets(session, ven_clients) if ven_clients else {}
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for subscription, hits in wanted:
        obj = _as_seen_by(subscription, change, grants)
        if obj is None:
            continue
        payload = notification(change, obj)
        for url, token in hits:
            if (url, token) in seen:
                continue
            seen.add((url, token))
            rows.append(_row(now, WEBHOOK, url, token, payload))
    return rows


def mqtt_rows(session: Session, change: Change, now: datetime) -> list[dict[str, Any]]:
    targets = change.obj.get("targets") if change.object_type in ("PROGRAM", "EVENT") else None
    vens = repository.vens_granted_any(session, sorted(set(targets or ())))
    everyone = notification(change, change.obj)
    rows = []
    for name in topics_for_change(change.object_type, change.operation, change.obj, []):
        rows.append(_row(now, MQTT, name, None, everyone))
    for ven_id, granted in sorted(vens.items()):
        hidden = {**change.obj, "targets": hide_targets(targets, granted)}
        for name in topics_for_change(change.object_type, change.operation, change.obj, [ven_id]):
            if f"/vens/{ven_id}/" in name:
                rows.append(_row(now, MQTT, name, None, notification(change, hidden)))
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
    rows = webhook_rows(session, change, now)
    if mqtt_enabled:
        rows += mqtt_rows(session, change, now)
    if rows:
        session.execute(insert(OutboxRow), rows)
    return len(rows)
