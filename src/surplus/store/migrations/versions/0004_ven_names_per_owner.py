"""A ven's name is unique per owning client, no longer across the whole VTN.

With one name space for every client, a VEN could take a name that business logic would
later need for a site's ven ("squatting"), and learn from the refusal which names other
clients had used. Downgrading restores the VTN-wide constraint, and fails if two clients
have since used the same name.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "openadr_vens"
VTN_WIDE = "uq_openadr_vens_ven_name"
PER_OWNER = "uq_openadr_vens_client_id"


def upgrade() -> None:
    # SQLite cannot drop a constraint in place: batch mode copies the table (no foreign
    # key refers to it, so the copy deletes nothing).
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(VTN_WIDE, type_="unique")
        batch.create_unique_constraint(PER_OWNER, ["client_id", "ven_name"])


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(PER_OWNER, type_="unique")
        batch.create_unique_constraint(VTN_WIDE, ["ven_name"])
