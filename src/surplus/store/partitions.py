"""Monthly range partitions of `readings` on PostgreSQL (no-ops on SQLite)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from surplus.store.months import add_months, month_start, parse_partition_name, partition_name

# Any constant shared by every process that creates partitions.
PARTITION_LOCK_KEY = 724_001


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def existing_partitions(session: Session) -> dict[datetime, str]:
    """Month start → partition name, for partitions named by `partition_name`."""
    rows = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'readings'::regclass"
        )
    ).scalars()
    found = {parse_partition_name(name): name for name in rows}
    return {month: name for month, name in found.items() if month is not None}


def ensure_partitions(session: Session, moments: Iterable[datetime]) -> list[str]:
    """Create the partitions that will hold `moments`; returns the names created."""
    if not is_postgres(session):
        return []
    months = sorted({month_start(moment) for moment in moments})
    have = existing_partitions(session)
    missing = [month for month in months if month not in have]
    if not missing:
        return []
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PARTITION_LOCK_KEY})
    created = []
    for month in missing:
        name = partition_name(month)
        upper = add_months(month, 1)
        session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF readings "
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{upper.isoformat()}')"
            )
        )
        created.append(name)
    return created


def ensure_partitions_ahead(session: Session, now: datetime, months_ahead: int) -> list[str]:
    """Partitions from this month to `months_ahead` months on, so inserts never wait on DDL."""
    start = month_start(now)
    return ensure_partitions(session, (add_months(start, n) for n in range(months_ahead + 1)))


def drop_partitions_before(session: Session, cutoff: datetime) -> list[str]:
    """Drop every partition that ends on or before `cutoff` (a month start)."""
    if not is_postgres(session):
        return []
    dropped = []
    for month, name in sorted(existing_partitions(session).items()):
        if add_months(month, 1) <= cutoff:
            session.execute(text(f"DROP TABLE {name}"))
            dropped.append(name)
    return dropped
