from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from surplus.api.app import create_app
from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.settings import Settings
from tests.store.databases import engine, migrated_engine, session

__all__ = ["engine", "migrated_engine", "session"]

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based client works as documented.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = "a-test-signing-key-of-more-than-thirty-two-bytes"


def make_settings(engine: Engine, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "secret_key": SECRET,
        "environment": "test",
        "max_request_bytes": 200_000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def app(migrated_engine: Engine) -> Iterator[FastAPI]:
    """One app per backend; lifespans are not run (no background workers in API tests)."""
    app = create_app(make_settings(migrated_engine))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI, engine: Engine) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


Headers = dict[str, str]


@pytest.fixture
def token_for(app: FastAPI) -> Callable[..., Headers]:
    def make(role: str = "bl", client_id: str = "admin", ven_id: str | None = None) -> Headers:
        grant = grant_for(client_id, role, ven_id, SCOPES_BY_ROLE[role], app.state.settings)
        return {"Authorization": f"Bearer {grant.access_token}"}

    return make


@pytest.fixture
def bl(token_for: Callable[..., Headers]) -> Headers:
    return token_for("bl", "admin")


@pytest.fixture
def db(app: FastAPI, engine: Engine) -> Iterator[Session]:
    """A session on the app's database, to check what requests stored."""
    with app.state.sessionmaker() as session:
        yield session
