"""Searchable event ends and subscription object types, and client revocation.

`openadr_events.ends_at` and `openadr_subscription_objects` let `active=` and `objects=`
be SQL conditions, so searches page in the database; both are back-filled from the
stored bodies. `clients.revoked_at` marks a client whose access was withdrawn, and
`clients.broker_password_expires_at` when its MQTT broker password (its last token) expires.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from surplus.openadr.timing import end_instant
from surplus.store.types import UtcDateTime

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
    sa.column("ends_at", UtcDateTime()),
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
    for rows in _batches(events):
        ends = [{"event_id": row.id, "end": end_instant(row.body or {})} for row in rows]
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
