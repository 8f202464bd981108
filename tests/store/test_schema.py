from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.store.databases import schema_drift

# The tables migration 0001 creates; the VTN's (0002) are checked by its own tests.
STORE_TABLES = {
    "operators", "sites", "applications", "allocations", "clients", "readings",
    "readings_hourly", "idempotent_requests", "audit_log", "audit_head",
}  # fmt: skip


def test_migrations_build_exactly_the_models(migrated_engine: Engine) -> None:
    """A model changed without a migration (or the reverse) shows up here."""
    assert schema_drift(migrated_engine, STORE_TABLES) == []
