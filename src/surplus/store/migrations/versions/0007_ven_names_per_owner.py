"""A ven's name is unique per owning client, no longer across the whole VTN.

With one name space for every client, a VEN could take a name that business logic would
later need for a site's ven ("squatting"), and learn from the refusal which names other
clients had used. Downgrading restores the VTN-wide constraint; if two clients have since
used the same name it refuses, naming them, before changing anything (SQLite's DDL is not
transactional: a constraint failing half-way would leave a copy of the table behind).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
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
    shared = (
        op.get_bind()
        .execute(
            sa.text(
                f"SELECT ven_name FROM {TABLE} GROUP BY ven_name HAVING count(*) > 1 "
                "ORDER BY ven_name"
            )
        )
        .scalars()
        .all()
    )
    if shared:
        raise RuntimeError(
            "cannot go below revision 0007: these ven names are used by more than one client "
            f"(rename all but one of each first): {', '.join(shared[:20])}"
        )
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(PER_OWNER, type_="unique")
        batch.create_unique_constraint(VTN_WIDE, ["ven_name"])
