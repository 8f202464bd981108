"""`surplus db maintain`: make partitions ahead, roll up recent hours, apply retention
(minute readings, idempotency keys, delivered OpenADR notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surplus.store.idempotency import IdempotentRequest
from surplus.store.months import add_months, month_start
from surplus.store.openadr_tables import OUTBOX_DELIVERED, DeliveryAttemptRow, OutboxRow
from surplus.store.partitions import ensure_partitions_ahead
from surplus.store.rollup import drop_minutes_before, roll_up


@dataclass(frozen=True)
class MaintenanceReport:
    partitions_created: list[str]
    hourly_rows_written: int
    partitions_dropped: list[str]
    minute_rows_deleted: int
    retention_cutoff: datetime
    idempotency_keys_expired: int
    outbox_rows_deleted: int


def maintain(
    session: Session,
    now: datetime,
    retention_months: int,
    months_ahead: int,
    lookback_hours: int = 48,
    idempotency_days: int = 7,
    outbox_retention_days: int = 7,
) -> MaintenanceReport:
    """One maintenance pass, in the caller's transaction. Safe to run as often as wanted.

    Minute readings are kept for the current month and `retention_months` before it;
    hours that closed within `lookback_hours` are rolled up again to catch late readings.
    Idempotency keys are honoured for `idempotency_days`, then forgotten. Delivered
    notifications (and their attempts) go `outbox_retention_days` after delivery; pending,
    retrying and failed ones stay, the failed for an operator to see.
    """
    if now.tzinfo is None:
        raise ValueError("maintain needs a time-zone-aware `now`")
    created = ensure_partitions_ahead(session, now, months_ahead)
    hour_end = now.replace(minute=0, second=0, microsecond=0)
    written = roll_up(session, hour_end - timedelta(hours=lookback_hours), hour_end)
    cutoff = add_months(month_start(now), -retention_months)
    dropped, deleted = drop_minutes_before(session, cutoff)
    expired = session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.created_at < now - timedelta(days=idempotency_days)
        )
    )
    keys = max(expired.rowcount, 0)  # type: ignore[attr-defined]
    pruned = prune_delivered(session, now - timedelta(days=outbox_retention_days))
    return MaintenanceReport(created, written, dropped, deleted, cutoff, keys, pruned)


def prune_delivered(session: Session, before: datetime) -> int:
    """Delete outbox rows delivered before `before`; returns how many.

    Their attempts are deleted first rather than left to ON DELETE CASCADE, which SQLite
    honours only on connections that enabled foreign keys.
    """
    old = select(OutboxRow.id).where(
        OutboxRow.status == OUTBOX_DELIVERED, OutboxRow.delivered_at < before
    )
    session.execute(delete(DeliveryAttemptRow).where(DeliveryAttemptRow.outbox_id.in_(old)))
    pruned = session.execute(delete(OutboxRow).where(OutboxRow.id.in_(old)))
    return max(pruned.rowcount, 0)  # type: ignore[attr-defined]
