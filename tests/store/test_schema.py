from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from surplus.store.models import metadata

# The tables migration 0001 creates; the VTN's (0002) are checked by its own tests.
STORE_TABLES = {
    "operators", "sites", "applications", "allocations", "clients", "readings",
    "readings_hourly", "idempotent_requests", "audit_log", "audit_head",
}  # fmt: skip


def _table_of(diff: tuple[object, ...]) -> str | None:
    """The table a diff is about: column diffs name it third, others carry the object."""
    op = str(diff[0])
    if op.startswith("modify_") or op in {"add_column", "remove_column"}:
        return str(diff[2])
    target = diff[1]
    table = getattr(target, "table", None)
    return str(getattr(table if table is not None else target, "name", None))


def test_migrations_build_exactly_the_models(migrated_engine: Engine) -> None:
    """A model changed without a migration (or the reverse) shows up here."""
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    mine = [d for d in flat if _table_of(d) in STORE_TABLES]
    assert mine == []
