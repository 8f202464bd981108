from __future__ import annotations

from tests.store.databases import engine, migrated_engine, session

__all__ = ["engine", "migrated_engine", "session"]
