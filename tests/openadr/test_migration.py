"""Migration 0002 builds exactly the tables `surplus.store.openadr_tables` declares, on
each backend, and can be undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from surplus.store import openadr_tables
from surplus.store.base import make_engine
from surplus.store.migrate import downgrade, upgrade
from surplus.store.models import metadata
from tests.store.databases import BACKENDS, fresh_url

OPENADR_TABLES = {
    table.name for table in metadata.sorted_tables if table.name.startswith("openadr_")
}


def _table_of(diff: tuple[object, ...]) -> str | None:
    op = str(diff[0])
    if op.startswith("modify_") or op in {"add_column", "remove_column"}:
        return str(diff[2])
    target = diff[1]
    table = getattr(target, "table", None)
    return str(getattr(table if table is not None else target, "name", None))


@pytest.mark.parametrize("backend", BACKENDS)
def test_0002_matches_the_models_and_downgrades(backend: str, tmp_path: Path) -> None:
    assert openadr_tables.ProgramRow.__tablename__ in OPENADR_TABLES
    engine = make_engine(fresh_url(backend, "openadr_migration", tmp_path))
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, metadata)
        flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
        assert [d for d in flat if _table_of(d) in OPENADR_TABLES] == []
        downgrade(engine, "0001")
        assert not OPENADR_TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= OPENADR_TABLES
    finally:
        engine.dispose()
