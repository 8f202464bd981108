"""Hourly roll-up of minute readings, and the retention that drops old minutes after
their hours are rolled up (so nothing is lost that the roll-up should hold)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from surplus.store.partitions import drop_partitions_before, is_postgres
from surplus.store.readings import Reading, ReadingHourly


def _hour_bucket(session: Session) -> ColumnElement[datetime]:
    if is_postgres(session):
        # Three-argument date_trunc truncates in UTC whatever the session's TimeZone.
        return func.date_trunc(literal_column("'hour'"), Reading.read_at, literal_column("'UTC'"))
    # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff'; this keeps the same format.
    return func.strftime(literal_column("'%Y-%m-%d %H:00:00.000000'"), Reading.read_at)


def roll_up(session: Session, start: datetime, end: datetime) -> int:
    """Recompute the hourly rows for [start, end) from the minutes; returns rows written.

    Re-running is harmless: rows are replaced, so late minutes are folded in next time.
    """
    bucket = _hour_bucket(session).label("hour_start")
    source = (
        select(
            Reading.site_id,
            Reading.kind,
            bucket,
            func.count().label("samples"),
            func.avg(Reading.power_mw),
            func.min(Reading.power_mw),
            func.max(Reading.power_mw),
            func.sum(Reading.energy_mwh),
        )
        .where(Reading.read_at >= start, Reading.read_at < end)
        .group_by(Reading.site_id, Reading.kind, literal_column("hour_start"))
    )
    columns = [
        "site_id", "kind", "hour_start", "samples",
        "power_mw_mean", "power_mw_min", "power_mw_max", "energy_mwh",
    ]  # fmt: skip
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    statement = dialect_insert(ReadingHourly).from_select(columns, source)
    statement = statement.on_conflict_do_update(
        index_elements=["site_id", "kind", "hour_start"],
        set_={name: statement.excluded[name] for name in columns[3:]},
    )
    if is_postgres(session):
        # psycopg reports no row count here; count the RETURNING rows inside the server.
        written = statement.returning(ReadingHourly.site_id).cte("written")
        return int(session.execute(select(func.count()).select_from(written)).scalar_one())
    result = session.execute(statement)
    return max(result.rowcount, 0)  # type: ignore[attr-defined]


def drop_minutes_before(session: Session, cutoff: datetime) -> tuple[list[str], int]:
    """Remove minute readings older than `cutoff` (a month start), rolling them up first.

    PostgreSQL drops whole partitions (instant, no vacuum); SQLite deletes rows.
    Returns (partitions dropped, rows deleted on SQLite).
    """
    oldest = session.execute(select(func.min(Reading.read_at))).scalar_one_or_none()
    if oldest is None or oldest >= cutoff:
        return [], 0
    roll_up(session, oldest, cutoff)
    if is_postgres(session):
        return drop_partitions_before(session, cutoff), 0
    result = session.execute(delete(Reading).where(Reading.read_at < cutoff))
    return [], max(result.rowcount, 0)  # type: ignore[attr-defined]
