"""The operations tables: programme register, clients, readings, audit log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23

On PostgreSQL `readings` is partitioned by month (partitions are made by
`surplus.store.maintenance`), and a trigger makes `audit_log` append-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64

POSTGRES_APPEND_ONLY = (
    """
    CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
    """,
    """
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
    """,
)


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("singleton", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("singleton", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"])
    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ven_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('bl', 'ven')", name=op.f("ck_clients_role_known")),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_clients")),
    )
    op.create_index(op.f("ix_clients_ven_id"), "clients", ["ven_id"], unique=False)
    op.create_table(
        "idempotent_requests",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "key", name=op.f("pk_idempotent_requests")),
    )
    op.create_index(
        op.f("ix_idempotent_requests_created_at"),
        "idempotent_requests",
        ["created_at"],
        unique=False,
    )
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("name", name=op.f("uq_operators_name")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("latitude_deg", sa.Float(), nullable=False),
        sa.Column("longitude_deg", sa.Float(), nullable=False),
        sa.Column("connection_mw", sa.Float(), nullable=False),
        sa.Column("ven_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("connection_mw > 0", name=op.f("ck_sites_connection_positive")),
        sa.CheckConstraint("latitude_deg BETWEEN -90 AND 90", name=op.f("ck_sites_latitude_range")),
        sa.CheckConstraint(
            "longitude_deg BETWEEN -180 AND 180", name=op.f("ck_sites_longitude_range")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_sites_operator_id_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )
    op.create_index(op.f("ix_sites_operator_id"), "sites", ["operator_id"], unique=False)
    op.create_index(op.f("ix_sites_ven_id"), "sites", ["ven_id"], unique=False)
    op.create_index(op.f("ix_sites_zone"), "sites", ["zone"], unique=False)
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("requested_mw", sa.Float(), nullable=False),
        sa.Column("load_kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'under_review', 'approved', 'rejected', 'withdrawn')",
            name=op.f("ck_applications_status_known"),
        ),
        sa.CheckConstraint("requested_mw > 0", name=op.f("ck_applications_requested_positive")),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_applications_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_applications_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index(
        op.f("ix_applications_operator_id"), "applications", ["operator_id"], unique=False
    )
    op.create_index(op.f("ix_applications_site_id"), "applications", ["site_id"], unique=False)
    op.create_index(op.f("ix_applications_status"), "applications", ["status"], unique=False)
    op.create_table(
        "readings",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("power_mw", sa.Float(), nullable=True),
        sa.Column("energy_mwh", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_readings_site_id_sites")),
        sa.PrimaryKeyConstraint("site_id", "kind", "read_at", name=op.f("pk_readings")),
        postgresql_partition_by="RANGE (read_at)",
    )
    op.create_index(
        "ix_readings_read_at", "readings", ["read_at"], unique=False, postgresql_using="brin"
    )
    op.create_table(
        "readings_hourly",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("hour_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("power_mw_mean", sa.Float(), nullable=True),
        sa.Column("power_mw_min", sa.Float(), nullable=True),
        sa.Column("power_mw_max", sa.Float(), nullable=True),
        sa.Column("energy_mwh", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_readings_hourly_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", "kind", "hour_start", name=op.f("pk_readings_hourly")),
    )
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("allocated_mw", sa.Float(), nullable=False),
        sa.Column("tariff_rule", sa.String(length=64), nullable=False),
        sa.Column("curtailment_rights", sa.String(length=64), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'active', 'suspended', 'ended')",
            name=op.f("ck_allocations_status_known"),
        ),
        sa.CheckConstraint("allocated_mw > 0", name=op.f("ck_allocations_allocated_positive")),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on > starts_on", name=op.f("ck_allocations_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_allocations_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_allocations_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    op.create_index(
        op.f("ix_allocations_application_id"), "allocations", ["application_id"], unique=False
    )
    op.create_index(op.f("ix_allocations_site_id"), "allocations", ["site_id"], unique=False)
    op.create_index(op.f("ix_allocations_status"), "allocations", ["status"], unique=False)
    op.execute(
        sa.text(
            "INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, 0, :genesis)"
        ).bindparams(genesis=GENESIS_HASH)
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    op.drop_index(op.f("ix_allocations_status"), table_name="allocations")
    op.drop_index(op.f("ix_allocations_site_id"), table_name="allocations")
    op.drop_index(op.f("ix_allocations_application_id"), table_name="allocations")
    op.drop_table("allocations")
    op.drop_table("readings_hourly")
    op.drop_index("ix_readings_read_at", table_name="readings")
    op.drop_table("readings")
    op.drop_index(op.f("ix_applications_status"), table_name="applications")
    op.drop_index(op.f("ix_applications_site_id"), table_name="applications")
    op.drop_index(op.f("ix_applications_operator_id"), table_name="applications")
    op.drop_table("applications")
    op.drop_index(op.f("ix_sites_zone"), table_name="sites")
    op.drop_index(op.f("ix_sites_ven_id"), table_name="sites")
    op.drop_index(op.f("ix_sites_operator_id"), table_name="sites")
    op.drop_table("sites")
    op.drop_table("operators")
    op.drop_index(op.f("ix_idempotent_requests_created_at"), table_name="idempotent_requests")
    op.drop_table("idempotent_requests")
    op.drop_index(op.f("ix_clients_ven_id"), table_name="clients")
    op.drop_table("clients")
    op.drop_index("ix_audit_log_object", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("audit_head")
