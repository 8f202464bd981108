"""A running VTN per test: the real app (create_app) on a migrated database, with one BL
client and two VEN clients holding real tokens."""

from __future__ import annotations

import contextlib
import secrets
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from surplus.auth import SCOPES_BY_ROLE, create_client, grant_for
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.store.base import make_sessionmaker
from tests.store.databases import BACKENDS, empty_all_tables, migrated_fresh

if TYPE_CHECKING:
    from tests.openadr.server import Server

with warnings.catch_warnings():
    # Starlette nudges towards httpx2; the httpx-based client still works as documented.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BASE = "/openadr3/3.1.0"
SECRET = secrets.token_urlsafe(32)  # no key written in the repository signs anything


@dataclass(frozen=True)
class Party:
    client_id: str
    client_secret: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Vtn:
    client: TestClient
    engine: Engine
    settings: Settings
    bl: Party
    ven1: Party
    ven2: Party

    def url(self, path: str) -> str:
        return BASE + path


def make_settings(url: str, mqtt_url: str = "", **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url,
        "secret_key": SECRET,
        "environment": "test",
        "mqtt_url": mqtt_url,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]


def add_party(engine: Engine, settings: Settings, role: str, name: str) -> Party:
    with make_sessionmaker(engine)() as session:
        new = create_client(session, role, name)
        session.commit()
    token = grant_for(new.client_id, role, None, SCOPES_BY_ROLE[role], settings).access_token
    return Party(new.client_id, new.client_secret, token)


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from migrated_fresh("sqlite", "openadr_test", tmp_path_factory.mktemp("oadr"))


def start_vtn(
    engine: Engine,
    mqtt_url: str = "",
    worker: bool = False,
    prepare: Callable[[FastAPI], None] | None = None,
    **overrides: object,
) -> Iterator[Vtn]:
    """The app on `engine`, with any settings `overrides`; its outbox worker runs only
    when `worker` (tests mostly drive the outbox themselves, and must not race a live
    worker). `prepare` may change the app's state before it starts."""
    url = engine.url.render_as_string(hide_password=False)
    settings = make_settings(url, mqtt_url, **overrides)
    parties = [
        add_party(engine, settings, role, name)
        for role, name in (("bl", "administrator"), ("ven", "site-1"), ("ven", "site-2"))
    ]
    app = create_app(settings)
    app.state.openadr_run_worker = worker
    if prepare is not None:
        prepare(app)
    try:
        with TestClient(app) as client:
            yield Vtn(client, engine, settings, *parties)
    finally:
        empty_all_tables(engine)


running_vtn = contextlib.contextmanager(start_vtn)
"""`start_vtn` as a `with` block, for tests that need settings of their own."""


@pytest.fixture
def vtn(sqlite_engine: Engine) -> Iterator[Vtn]:
    """A VTN on SQLite, emptied after the test."""
    yield from start_vtn(sqlite_engine)


@pytest.fixture(scope="session", params=BACKENDS)
def any_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    yield from migrated_fresh(request.param, "openadr_any", tmp_path_factory.mktemp("oadr_any"))


@pytest.fixture
def any_vtn(any_engine: Engine) -> Iterator[Vtn]:
    """A VTN on each backend (PostgreSQL when SURPLUS_TEST_POSTGRES_URL is set)."""
    yield from start_vtn(any_engine)


@pytest.fixture
def mqtt_server(tmp_path: Path) -> Iterator[Server]:
    """A VTN subprocess on SQLite with the test broker; its broker accounts are removed
    afterwards, leaving the shared broker as found."""
    from tests.openadr.server import Server, broker_url

    vtn = Server(
        f"sqlite:///{tmp_path / 'vtn.db'}", mqtt_url=broker_url(), log_path=tmp_path / "server.log"
    )
    vtn.prepare()
    yield vtn
    vtn.stop()
    vtn.forget_broker_accounts()
