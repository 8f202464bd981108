"""`surplus db maintain`: make partitions ahead, roll up recent hours, apply retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from surplus.store.idempotency import IdempotentRequest
from surplus.store.months import add_months, month_start
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


def maintain(
    session: Session,
    now: datetime,
    retention_months: int,
    months_ahead: int,
    lookback_hours: int = 48,
    idempotency_days: int = 7,
) -> MaintenanceReport:
    """One maintenance pass, in the caller's transaction. Safe to run as often as wanted.

    Minute readings are kept for the current month and `retention_months` before it;
    hours that closed within `lookback_hours` are rolled up again to catch late readings.
    Idempotency keys are honoured for `idempotency_days`, then forgotten.
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
    return MaintenanceReport(created, written, dropped, deleted, cutoff, keys)
