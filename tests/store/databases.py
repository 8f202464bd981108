"""Test databases for every store and API test: SQLite always, PostgreSQL when
SURPLUS_TEST_POSTGRES_URL is set (in CI it must be: a missing URL fails instead of skipping).

Each pytest-xdist worker gets its own PostgreSQL schema, so parallel runs do not collide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from surplus.store.audit import GENESIS_HASH
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from surplus.store.models import metadata

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
POSTGRES_ENV = "SURPLUS_TEST_POSTGRES_URL"


def postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "")
    if url:
        return url
    message = f"{POSTGRES_ENV} is not set (run scripts/services.sh)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; PostgreSQL tests may not be skipped in CI")
    pytest.skip(message)


def fresh_url(backend: str, name: str, tmp_dir: Path) -> str:
    """The URL of an empty database called `name` on `backend`.

    On PostgreSQL it is a schema named after `name` and this process id, so test runs in
    parallel (xdist workers, or two people's runs) never drop each other's tables.
    Schemas left by processes that have ended are dropped on the way.
    """
    if backend == "sqlite":
        path = tmp_dir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base = postgres_base_url()
    schema = f"{name}_{os.getpid()}"
    admin = make_engine(base)
    with admin.begin() as connection:
        for stale in _stale_schemas(connection, name):
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{stale}" CASCADE'))
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}"


def _stale_schemas(connection: Connection, name: str) -> list[str]:
    found = connection.execute(
        text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"),
        {"prefix": f"{name}\\_%"},
    ).scalars()
    stale = []
    for schema in found:
        pid = schema.rsplit("_", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            stale.append(schema)
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def drop_fresh(engine: Engine) -> None:
    """Remove what `fresh_url` made (the schema on PostgreSQL; SQLite files go with tmp)."""
    engine.dispose()
    if engine.dialect.name != "postgresql":
        return
    schema = engine.url.query.get("options", "").partition("search_path=")[2]
    if schema:
        admin = make_engine(postgres_base_url())
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def empty_all_tables(engine: Engine) -> None:
    """Delete every row, then re-seed the audit head, leaving the schema as a fresh
    migration would. DELETE, not TRUNCATE: on small tables it is many times faster; the
    audit trigger is lifted for it on PostgreSQL only when the log has rows."""
    names = [table.name for table in reversed(metadata.sorted_tables)]
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        guarded = postgres and connection.execute(text("SELECT 1 FROM audit_log LIMIT 1")).first()
        if guarded:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        for name in names:
            connection.execute(text(f"DELETE FROM {name}"))
        if guarded:
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        connection.execute(
            text("INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, 0, :h)"),
            {"h": GENESIS_HASH},
        )


# -- fixtures: import these names into a conftest.py to use them -------------------------


def migrated_fresh(backend: str, name: str, folder: Path) -> Iterator[Engine]:
    """A fresh database (`fresh_url`) migrated to head, removed when the generator ends:
    the body of the session fixtures that need one."""
    engine = make_engine(fresh_url(backend, name, folder))
    upgrade(engine)
    yield engine
    drop_fresh(engine)


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One database per backend for the whole run, migrated to head once."""
    yield from migrated_fresh(request.param, "surplus_store_test", tmp_path_factory.mktemp("db"))


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated database, emptied after each test."""
    yield migrated_engine
    empty_all_tables(migrated_engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        yield session
        session.rollback()


def schema_drift(engine: Engine, tables: set[str]) -> list[tuple[object, ...]]:
    """Differences between the migrated database and the models, for `tables` only: a model
    changed without a migration (or the reverse) shows up here."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, metadata)
    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    return [d for d in flat if _table_of(d) in tables]


def _table_of(diff: tuple[object, ...]) -> str | None:
    """The table a diff is about: column diffs name it third, others carry the object."""
    op = str(diff[0])
    if op.startswith("modify_") or op in {"add_column", "remove_column"}:
        return str(diff[2])
    target = diff[1]
    table = getattr(target, "table", None)
    return str(getattr(table if table is not None else target, "name", None))
