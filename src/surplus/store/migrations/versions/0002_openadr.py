"""The OpenADR 3 server's tables: programs, events, reports, subscriptions, vens,
resources, their targets, and the notification outbox with its delivery attempts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _object_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
    ]


def _id_column(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=128), nullable=nullable)


def _index(table: str, column: str, unique: bool = False) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=unique)


def upgrade() -> None:
    op.create_table(
        "openadr_programs",
        *_object_columns(),
        _id_column("program_name"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_programs")),
        sa.UniqueConstraint("program_name", name=op.f("uq_openadr_programs_program_name")),
    )
    op.create_table(
        "openadr_events",
        *_object_columns(),
        _id_column("program_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_events")),
    )
    _index("openadr_events", "program_id")
    op.create_table(
        "openadr_reports",
        *_object_columns(),
        _id_column("event_id"),
        _id_column("program_id"),
        _id_column("client_id"),
        _id_column("client_name"),
        _id_column("idempotency_key", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_reports")),
        sa.UniqueConstraint(
            "client_id", "idempotency_key", name=op.f("uq_openadr_reports_client_id")
        ),
    )
    for column in ("event_id", "program_id", "client_id", "client_name"):
        _index("openadr_reports", column)
    op.create_table(
        "openadr_subscriptions",
        *_object_columns(),
        _id_column("client_id"),
        _id_column("client_name"),
        _id_column("program_id", nullable=True),
        sa.Column("owner_is_bl", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_subscriptions")),
    )
    for column in ("client_id", "client_name", "program_id"):
        _index("openadr_subscriptions", column)
    op.create_table(
        "openadr_vens",
        *_object_columns(),
        _id_column("client_id"),
        _id_column("ven_name"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_vens")),
        sa.UniqueConstraint("ven_name", name=op.f("uq_openadr_vens_ven_name")),
    )
    _index("openadr_vens", "client_id")
    op.create_table(
        "openadr_resources",
        *_object_columns(),
        _id_column("ven_id"),
        _id_column("client_id"),
        _id_column("resource_name"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_resources")),
        sa.UniqueConstraint("ven_id", "resource_name", name=op.f("uq_openadr_resources_ven_id")),
    )
    for column in ("ven_id", "client_id", "resource_name"):
        _index("openadr_resources", column)
    op.create_table(
        "openadr_targets",
        sa.Column("object_type", sa.String(length=16), nullable=False),
        _id_column("object_id"),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint(
            "object_type", "object_id", "target", name=op.f("pk_openadr_targets")
        ),
    )
    op.create_index("ix_openadr_targets_type_target", "openadr_targets", ["object_type", "target"])
    _create_outbox()


def _create_outbox() -> None:
    op.create_table(
        "openadr_outbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("bearer_token", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_outbox")),
    )
    op.create_index("ix_openadr_outbox_due", "openadr_outbox", ["status", "next_attempt_at"])
    op.create_table(
        "openadr_delivery_attempts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("outbox_id", BIG_ID, nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["openadr_outbox.id"],
            name=op.f("fk_openadr_delivery_attempts_outbox_id_openadr_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_openadr_delivery_attempts")),
    )
    _index("openadr_delivery_attempts", "outbox_id")


def downgrade() -> None:
    op.drop_table("openadr_delivery_attempts")
    op.drop_table("openadr_outbox")
    op.drop_table("openadr_targets")
    for table in (
        "openadr_resources",
        "openadr_vens",
        "openadr_subscriptions",
        "openadr_reports",
        "openadr_events",
        "openadr_programs",
    ):
        op.drop_table(table)
