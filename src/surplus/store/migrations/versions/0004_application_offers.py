"""What an application offers the allocator: minimum size, acceptable zones or plants,
curtailment share, longest event, notice, price curtailment, tariff rule, start date and
ramp rate. Every column is nullable, so applications stored before stay valid.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("min_mw", sa.Float()),
    ("acceptable_sites", sa.JSON()),
    ("max_curtailment_share", sa.Float()),
    ("longest_event_hours", sa.Integer()),
    ("notice_minutes", sa.Integer()),
    ("accepts_price_curtailment", sa.Boolean()),
    ("tariff_rule", sa.String(length=64)),
    ("start_date", sa.Date()),
    ("ramp_mw_per_min", sa.Float()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("applications", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
