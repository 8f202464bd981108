"""Revoking a client: no new token at once, its issued tokens refused on /api/v1 and on the
VTN once the process's revocation list reloads, other clients untouched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import typer
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient
from typer.testing import CliRunner

from surplus.api.cli import admin_app, db_app
from surplus.auth import RevocationList, create_client, revoke_client
from surplus.auth.deps import revocations
from surplus.errors import SurplusError
from surplus.store.audit import AuditEntry
from surplus.store.clients import Client
from tests.clock import from_now

API_PATH = "/api/v1/operators"
VTN_PATH = "/openadr3/3.1.0/programs"
REFRESH_S = 2.0


class FakeClock:
    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


@pytest.fixture
def clock(app: FastAPI) -> Iterator[FakeClock]:
    """The app's revocation list, driven by a clock the test moves."""
    ticking = FakeClock()
    app.state.revocations = RevocationList(app.state.sessionmaker, REFRESH_S, ticking)
    yield ticking
    del app.state.revocations


def _token(
    client: TestClient, client_id: str, secret: str, path: str = "/api/v1/auth/token"
) -> httpx.Response:
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return client.post(path, data=data)


def _headers(client: TestClient, client_id: str, secret: str) -> dict[str, str]:
    response = _token(client, client_id, secret)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_revoked_clients_tokens_stop_working_after_one_refresh(
    client: TestClient, db: Session, clock: FakeClock
) -> None:
    gone = create_client(db, "bl", "Departed administrator", client_id="rv-gone")
    kept = create_client(db, "bl", "Current administrator", client_id="rv-kept")
    db.commit()
    old, other = (_headers(client, c.client_id, c.client_secret) for c in (gone, kept))
    assert client.get(API_PATH, headers=old).status_code == 200
    revoke_client(db, gone.client_id, "test")
    db.commit()
    # Until the list reloads the old token still works: that is the documented bound.
    clock.now_s += REFRESH_S / 2
    assert client.get(VTN_PATH, headers=old).status_code == 200
    clock.now_s += REFRESH_S / 2
    for path in (API_PATH, VTN_PATH):
        refused = client.get(path, headers=old)
        assert refused.status_code == 401, (path, refused.text)
        assert 'error="invalid_token"' in refused.headers["www-authenticate"]
        assert "revoked" in refused.text
        assert client.get(path, headers=other).status_code == 200
    for token_path in ("/api/v1/auth/token", "/openadr3/3.1.0/auth/token"):
        response = _token(client, gone.client_id, gone.client_secret, token_path)
        assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert _token(client, kept.client_id, kept.client_secret).status_code == 200


def test_revoking_is_audited_once_and_keeps_the_first_time(db: Session) -> None:
    made = create_client(db, "ven", "Site 9 controller", client_id="rv-twice")
    first_at = from_now(hours=-1)
    first = revoke_client(db, made.client_id, "client:admin", first_at)
    again = revoke_client(db, made.client_id, "client:admin", datetime.now(UTC))
    db.commit()
    assert first.newly and not again.newly and again.revoked_at == first_at
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "revoke")).all()
    assert [(e.actor, e.object_id) for e in entries] == [("client:admin", "rv-twice")]
    assert db.get(Client, made.client_id).revoked_at == first_at  # type: ignore[union-attr]
    with pytest.raises(SurplusError, match="no client with id 'nobody'"):
        revoke_client(db, "nobody", "test")


def test_the_list_reads_the_database_once_per_period(db: Session, app: FastAPI) -> None:
    """Checks between reloads never touch the database: a revocation written meanwhile is
    invisible until the period has passed, whatever the number of checks."""
    ticking = FakeClock()
    listing = RevocationList(app.state.sessionmaker, REFRESH_S, ticking)
    create_client(db, "ven", "x", client_id="rv-late")
    db.commit()
    assert not listing.is_revoked("rv-late")
    loaded_at = ticking.now_s
    revoke_client(db, "rv-late", "test")
    db.commit()
    for step in range(100):
        ticking.now_s = loaded_at + step * REFRESH_S / 100
        assert not listing.is_revoked("rv-late")
    ticking.now_s = loaded_at + REFRESH_S
    assert listing.is_revoked("rv-late") and not listing.is_revoked("rv-other")


def test_the_apps_list_uses_the_refresh_setting(app: FastAPI) -> None:
    listing = revocations(app)
    try:
        assert listing.refresh_s == app.state.settings.revocation_refresh_s == 2.0
        assert revocations(app) is listing
    finally:
        del app.state.revocations


def test_cli_revokes_and_refuses_unknown_ids(tmp_path: Path) -> None:
    cli = typer.Typer()
    cli.add_typer(db_app, name="db")
    cli.add_typer(admin_app, name="admin")
    runner = CliRunner()
    url = ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]
    made = runner.invoke(cli, ["admin", "client", "create", "--role", "ven", "--name", "s", *url])
    client_id = json.loads(made.output)["client_id"]
    result = runner.invoke(cli, ["admin", "client", "revoke", client_id, *url])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["client_id"] == client_id and shown["newly"] is True
    unknown = runner.invoke(cli, ["admin", "client", "revoke", "no-such-client", *url])
    assert unknown.exit_code == 1
    assert "no client with id 'no-such-client'" in unknown.output
    assert "Traceback" not in unknown.output
    from sqlalchemy import create_engine, text

    engine = create_engine(url[1])
    with engine.connect() as connection:
        actors = connection.execute(
            text("SELECT actor, action FROM audit_log WHERE action = 'revoke'")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in actors] == [("cli", "revoke")]
