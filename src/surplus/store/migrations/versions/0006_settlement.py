"""Settlement's tables: meter batches (files kept whole), validation flags, corrections
as versions, compliance verdicts and statement versions. Written out by hand (no live
code imported).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _time(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "settlement_meter_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        _time("received_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_meter_batches")),
    )
    _index("settlement_meter_batches", "sha256")
    op.create_table(
        "settlement_meter_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("flag", sa.String(length=32), nullable=False),
        _time("read_at"),
        _time("until"),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_meter_flags")),
    )
    _index("settlement_meter_flags", "batch_id", "site_id")
    op.create_table(
        "settlement_corrections",
        sa.Column("site_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.SmallInteger(), autoincrement=False, nullable=False),
        _time("read_at", False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("power_mw", sa.Float(), nullable=True),
        sa.Column("energy_mwh", sa.Float(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "site_id", "kind", "read_at", "version", name=op.f("pk_settlement_corrections")
        ),
    )
    _index("settlement_corrections", "batch_id")
    op.create_table(
        "settlement_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("baseline", sa.String(length=32), nullable=False),
        sa.Column("baseline_mw", sa.Float(), nullable=False),
        sa.Column("limit_mw", sa.Float(), nullable=False),
        sa.Column("ordered_mw", sa.Float(), nullable=False),
        sa.Column("delivered_mw", sa.Float(), nullable=False),
        sa.Column("shortfall_mw", sa.Float(), nullable=False),
        sa.Column("excess_mwh", sa.Float(), nullable=False),
        sa.Column("reach_s", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("breach_number", sa.Integer(), nullable=False),
        sa.Column("escalation", sa.String(length=16), nullable=False),
        sa.Column("penalty_pkr", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _time("judged_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_verdicts")),
    )
    _index("settlement_verdicts", "order_id", "site_id", "month")
    op.create_table(
        "settlement_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("total_pkr", sa.String(length=32), nullable=False),
        sa.Column("energy_mwh", sa.Float(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        _time("issued_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_statements")),
        sa.UniqueConstraint(
            "month", "operator", "version", name=op.f("uq_settlement_statements_month")
        ),
    )
    _index("settlement_statements", "month", "operator")


def downgrade() -> None:
    for table, columns in (
        ("settlement_statements", ("month", "operator")),
        ("settlement_verdicts", ("order_id", "site_id", "month")),
        ("settlement_corrections", ("batch_id",)),
        ("settlement_meter_flags", ("batch_id", "site_id")),
        ("settlement_meter_batches", ("sha256",)),
    ):
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table)
        op.drop_table(table)
