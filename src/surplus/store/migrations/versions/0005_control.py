"""The grid-protection controller's tables: orders, per-site ledger, pushed grid state,
non-compliance records and named values. Written out by hand (no live code imported).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "control_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("limit_mw", sa.Float(), nullable=False),
        _time("applies_at", False),
        _time("ends_at", False),
        sa.Column("intervals", sa.JSON(), nullable=False),
        _time("decided_at", False),
        _time("acked_at"),
        _time("reached_at"),
        sa.Column("compliance", sa.String(length=16), nullable=False),
        _time("updated_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_orders")),
    )
    for column in ("site_id", "event_id", "status"):
        op.create_index(op.f(f"ix_control_orders_{column}"), "control_orders", [column])
    op.create_table(
        "control_ledger",
        sa.Column("site_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("used_s", sa.Float(), nullable=False),
        sa.Column("used_mwh", sa.Float(), nullable=False),
        _time("counted_until"),
        _time("event_started_at"),
        _time("last_event_end"),
        sa.Column("demand_mw", sa.Float(), nullable=True),
        sa.Column("measured_mw", sa.Float(), nullable=True),
        _time("measured_at"),
        sa.Column("unreliable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_control_ledger")),
    )
    op.create_table(
        "control_grid_state",
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("spare_mw", sa.Float(), nullable=False),
        sa.Column("price_pkr_per_mwh", sa.Float(), nullable=True),
        _time("observed_at", False),
        _time("received_at", False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("zone", name=op.f("pk_control_grid_state")),
    )
    op.create_table(
        "control_noncompliance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("limit_mw", sa.Float(), nullable=False),
        sa.Column("measured_mw", sa.Float(), nullable=True),
        _time("deadline", False),
        _time("detected_at", False),
        _time("resolved_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_noncompliance")),
    )
    for column in ("order_id", "site_id"):
        op.create_index(
            op.f(f"ix_control_noncompliance_{column}"), "control_noncompliance", [column]
        )
    op.create_table(
        "control_values",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_control_values")),
    )


def downgrade() -> None:
    op.drop_table("control_values")
    for column in ("order_id", "site_id"):
        op.drop_index(op.f(f"ix_control_noncompliance_{column}"), "control_noncompliance")
    op.drop_table("control_noncompliance")
    op.drop_table("control_grid_state")
    op.drop_table("control_ledger")
    for column in ("site_id", "event_id", "status"):
        op.drop_index(op.f(f"ix_control_orders_{column}"), "control_orders")
    op.drop_table("control_orders")
