"""Searchable event ends and subscription object types, and client revocation.

`openadr_events.ends_at` and `openadr_subscription_objects` let `active=` and `objects=`
be SQL conditions, so searches page in the database; both are back-filled from the
stored bodies. `clients.revoked_at` marks a client whose access was withdrawn, and
`clients.broker_password_expires_at` when its MQTT broker password (its last token) expires.

The back-fill works out event ends with its own copy of the rules as they stood at this
revision (`_end_instant` below): a migration must give the same result however the live
code changes later, so it imports none.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH_ROWS = 1000
# Named by hand: the naming convention's name is longer than PostgreSQL's 63 characters.
SUBSCRIPTION_FK = "fk_openadr_subscription_objects_subscription"

events = sa.table(
    "openadr_events",
    sa.column("id", sa.String()),
    sa.column("body", sa.JSON()),
    sa.column("ends_at", sa.DateTime(timezone=True)),
)
subscriptions = sa.table(
    "openadr_subscriptions", sa.column("id", sa.String()), sa.column("body", sa.JSON())
)
subscription_objects = sa.table(
    "openadr_subscription_objects",
    sa.column("subscription_id", sa.String()),
    sa.column("object_type", sa.String()),
)


def upgrade() -> None:
    op.add_column("openadr_events", sa.Column("ends_at", sa.DateTime(timezone=True)))
    op.create_index(op.f("ix_openadr_events_ends_at"), "openadr_events", ["ends_at"])
    op.create_table(
        "openadr_subscription_objects",
        sa.Column("subscription_id", sa.String(length=128), nullable=False),
        sa.Column("object_type", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["openadr_subscriptions.id"],
            name=op.f(SUBSCRIPTION_FK),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "subscription_id", "object_type", name=op.f("pk_openadr_subscription_objects")
        ),
    )
    op.create_index(
        op.f("ix_openadr_subscription_objects_object_type"),
        "openadr_subscription_objects",
        ["object_type"],
    )
    op.add_column("clients", sa.Column("revoked_at", sa.DateTime(timezone=True)))
    op.add_column("clients", sa.Column("broker_password_expires_at", sa.DateTime(timezone=True)))
    op.create_index(
        op.f("ix_clients_broker_password_expires_at"), "clients", ["broker_password_expires_at"]
    )
    _backfill_event_ends()
    _backfill_subscription_objects()


def _batches(table: Any) -> Iterator[Sequence[Any]]:
    """Rows of `table` (id, body) in id order, a batch at a time (keyset paging, so the
    back-fill holds one batch in memory however large the table)."""
    connection = op.get_bind()
    last = ""
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c.body)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH_ROWS)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _backfill_event_ends() -> None:
    connection = op.get_bind()
    update = (
        events.update()
        .where(events.c.id == sa.bindparam("event_id"))
        .values(ends_at=sa.bindparam("end"))
    )
    naive = connection.dialect.name == "sqlite"  # SQLite keeps UTC without a zone
    for rows in _batches(events):
        ends = [
            {"event_id": row.id, "end": _stored(_end_instant(row.body or {}), naive)}
            for row in rows
        ]
        known = [values for values in ends if values["end"] is not None]
        if known:
            connection.execute(update, known)


def _backfill_subscription_objects() -> None:
    connection = op.get_bind()
    for rows in _batches(subscriptions):
        found = [
            {"subscription_id": row.id, "object_type": object_type}
            for row in rows
            for object_type in sorted(_object_types(row.body or {}))
        ]
        if found:
            connection.execute(subscription_objects.insert(), found)


def _stored(end: datetime | None, naive: bool) -> datetime | None:
    return end.replace(tzinfo=None) if end is not None and naive else end


# -- event ends, frozen as surplus.openadr.timing stood at this revision -------------------

_DURATION_RE = re.compile(
    r"^(-?)P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_FOREVER = timedelta(days=9999 * 365)


def _parse_duration(text: str) -> timedelta:
    match = _DURATION_RE.match(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    sign, years, months, days, unit, hours, minutes, seconds = match.groups()
    if years and int(years) >= 9999:
        return _FOREVER
    day_count = int(years or 0) * 365 + int(months or 0) * 30
    day_count += int(days or 0) * (7 if unit == "W" else 1)
    span = timedelta(
        days=day_count,
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=float(seconds or 0),
    )
    return -span if sign else span


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))


def _event_end(event: dict[str, Any]) -> datetime | None:
    period = event.get("intervalPeriod") or {}
    default_start = period.get("start")
    default_duration = _parse_duration(period.get("duration", "PT0S"))
    ends: list[datetime] = []
    for index, interval in enumerate(event.get("intervals") or []):
        own = interval.get("intervalPeriod") or {}
        start_text = own.get("start")
        duration = _parse_duration(own["duration"]) if "duration" in own else default_duration
        if start_text is None:
            if default_start is None:
                return None
            start = _parse_time(default_start) + index * default_duration
        else:
            start = _parse_time(start_text)
        if duration >= _FOREVER or start.year < 2:
            return None
        ends.append(start + duration)
    if not ends:
        if default_start is None or default_duration >= _FOREVER:
            return None
        start = _parse_time(default_start)
        return None if start.year < 2 else start + default_duration
    return max(ends)


def _end_instant(event: dict[str, Any]) -> datetime | None:
    try:
        end = _event_end(event)
        if end is None or end.tzinfo is None or end.utcoffset() is None:
            return None
        return end.astimezone(UTC)
    except (ValueError, OverflowError, TypeError, KeyError):
        return None


def _object_types(body: dict[str, Any]) -> set[str]:
    return {
        str(name)
        for operation in body.get("objectOperations") or []
        for name in operation.get("objects") or []
    }


def downgrade() -> None:
    op.drop_index(op.f("ix_clients_broker_password_expires_at"), "clients")
    op.drop_column("clients", "broker_password_expires_at")
    op.drop_column("clients", "revoked_at")
    op.drop_index(
        op.f("ix_openadr_subscription_objects_object_type"),
        table_name="openadr_subscription_objects",
    )
    op.drop_table("openadr_subscription_objects")
    op.drop_index(op.f("ix_openadr_events_ends_at"), table_name="openadr_events")
    op.drop_column("openadr_events", "ends_at")
