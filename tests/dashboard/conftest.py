import pytest
from fastapi import FastAPI

from tests.api.conftest import app, bl, client, db, token_for
from tests.store.databases import engine, migrated_engine, session

__all__ = ["app", "bl", "client", "db", "engine", "migrated_engine", "session", "token_for"]


@pytest.fixture(autouse=True)
def fresh_login_throttle(request: pytest.FixtureRequest) -> None:
    """The app lives for the whole session; each test starts with no failed log-ins (the
    log-in shares the token endpoints' guard, `surplus.auth.throttle`)."""
    if "app" in request.fixturenames:
        the_app: FastAPI = request.getfixturevalue("app")
        the_app.state.token_guard = None
