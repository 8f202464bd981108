"""Writing minute readings: duplicates (same site, kind, minute) are skipped, not errors,
so a meter that re-sends a batch changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from surplus.store.partitions import ensure_partitions, is_postgres
from surplus.store.readings import Reading


def insert_readings(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows (keys: site_id, kind, read_at, power_mw, energy_mwh); returns how many
    were new. Creates any missing monthly partition first on PostgreSQL."""
    if not rows:
        return 0
    dialect_insert = postgresql.insert if is_postgres(session) else sqlite.insert
    ensure_partitions(session, (row["read_at"] for row in rows))
    statement = (
        dialect_insert(Reading)
        .on_conflict_do_nothing(index_elements=["site_id", "kind", "read_at"])
        .returning(Reading.site_id)
    )
    return len(session.execute(statement, list(rows)).all())
