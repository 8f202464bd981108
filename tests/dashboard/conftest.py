from tests.api.conftest import app, bl, client, db, token_for
from tests.store.databases import engine, migrated_engine, session

__all__ = ["app", "bl", "client", "db", "engine", "migrated_engine", "session", "token_for"]
