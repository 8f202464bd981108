"""Migration 0006 builds exactly settlement's models, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.store.databases import schema_drift

SETTLEMENT_TABLES = {
    "settlement_meter_batches", "settlement_meter_flags", "settlement_corrections",
    "settlement_verdicts", "settlement_statements",
}  # fmt: skip


def test_migration_0006_builds_exactly_the_models(migrated_engine: Engine) -> None:
    assert schema_drift(migrated_engine, SETTLEMENT_TABLES) == []
