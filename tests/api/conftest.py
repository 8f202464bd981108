from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.store.clients import Client
from tests.store.databases import engine, migrated_engine, session

__all__ = ["engine", "migrated_engine", "session"]

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based client works as documented.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = secrets.token_urlsafe(32)  # no key written in the repository signs anything


def make_settings(engine: Engine, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "secret_key": SECRET,
        "environment": "test",
        "max_request_bytes": 200_000,
        "max_upload_bytes": 400_000,
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
    app.state.token_guard = None  # each test starts with fresh token-endpoint limits
    return TestClient(app, raise_server_exceptions=False)


Headers = dict[str, str]
UNUSABLE_HASH = "scrypt$unusable"  # verify_secret refuses every secret against it


@pytest.fixture
def token_for(app: FastAPI, engine: Engine) -> Callable[..., Headers]:
    """A token for a client, registered first (tokens of unknown clients are refused).
    The row is written directly, without the audit entry `create_client` leaves, so tests
    that count audit entries see only their own."""

    def make(role: str = "bl", client_id: str = "admin", ven_id: str | None = None) -> Headers:
        with app.state.sessionmaker() as session:
            if session.get(Client, client_id) is None:
                session.add(
                    Client(
                        client_id=client_id,
                        secret_hash=UNUSABLE_HASH,
                        role=role,
                        name=f"test {client_id}",
                        ven_id=ven_id,
                    )
                )
                session.commit()
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
