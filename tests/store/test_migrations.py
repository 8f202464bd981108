from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from surplus.store.base import make_engine
from surplus.store.migrate import current_revision, downgrade, head_revision, upgrade
from surplus.store.models import metadata
from tests.store.databases import BACKENDS, drop_fresh, fresh_url

ROWS = {
    "operators": "INSERT INTO operators (id, name, created_at) VALUES (1, 'Acme', :t)",
    "sites": (
        "INSERT INTO sites (id, operator_id, name, zone, latitude_deg, longitude_deg,"
        " connection_mw, created_at) VALUES (1, 1, 'S', 'LESCO', 31.5, 74.3, 20, :t)"
    ),
    "clients": (
        "INSERT INTO clients (client_id, secret_hash, role, name, created_at)"
        " VALUES ('c1', 'scrypt$x', 'ven', 'v', :t)"
    ),
    "readings_hourly": (
        "INSERT INTO readings_hourly (site_id, kind, hour_start, samples) VALUES (1, 1, :t, 60)"
    ),
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrading_from_0001_keeps_every_row(backend: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_url(backend, "surplus_migration_test", tmp_path))
    try:
        upgrade(engine, "0001")
        assert current_revision(engine) == "0001"
        at = datetime(2026, 1, 1, tzinfo=UTC)
        with engine.begin() as connection:
            for sql in ROWS.values():
                connection.execute(text(sql), {"t": at})
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            for table in ROWS:
                assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 1
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        drop_fresh(engine)


@pytest.mark.parametrize("backend", BACKENDS)
def test_downgrade_to_nothing_and_back(backend: str, tmp_path: Path) -> None:
    engine = make_engine(fresh_url(backend, "surplus_migration_test", tmp_path))
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        drop_fresh(engine)
