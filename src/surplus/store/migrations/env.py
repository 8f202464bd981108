"""Alembic environment: migrations run against the engine `surplus.store.migrate` passes in."""

from __future__ import annotations

from alembic import context

from surplus.store.models import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
