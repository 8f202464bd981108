"""Operators' sessions on a default install: signed with a key derived from the service's
generated key file (no secret in the source or the settings), naming that key, and so
ended by a key rotation like every API token; a session forged with any key the code
could once derive from an empty setting is refused."""

from __future__ import annotations

import hashlib
import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi import FastAPI

from surplus.auth.keys import rotate
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from tests.api.test_keys import HISTORY
from tests.dashboard.programme import SECRET_A, Seeded, seed

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def default_install(tmp_path: Path) -> tuple[FastAPI, Settings, Seeded]:
    url = f"sqlite:///{tmp_path / 'surplus.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        seeded = seed(session, datetime.now(UTC))
    engine.dispose()
    settings = Settings(database_url=url, environment="test")  # no SURPLUS_SECRET_KEY
    assert settings.secret_key == ""
    app = create_app(settings)
    assert (tmp_path / "surplus.db.keys").stat().st_mode & 0o777 == 0o600
    return app, settings, seeded


def _log_in(client: TestClient) -> Any:
    form = client.get("/operator/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf is not None
    return client.post(
        "/operator/login",
        data={"client_id": "a1", "client_secret": SECRET_A, "csrf": csrf.group(1)},
        follow_redirects=False,
    )


def _signed_in(client: TestClient) -> bool:
    return client.get("/operator/", follow_redirects=False).status_code == 200


def test_a_session_names_the_key_file_s_key(default_install: Any) -> None:
    app = default_install[0]
    client = TestClient(app)
    assert _log_in(client).status_code == 303 and _signed_in(client)
    cookie = client.cookies["surplus_session"]
    kid = jwt.get_unverified_header(cookie)["kid"]
    assert kid.startswith("k-")  # a generated key's id, from the key file


def test_sessions_forged_with_a_guessable_key_are_refused(default_install: Any) -> None:
    app, _, seeded = default_install
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "a1", "op": seeded.operator_a, "csrf": "x", "aud": "surplus-dashboard",
              "iat": now, "exp": now + 600}  # fmt: skip
    # What the dashboard derived from an unset SURPLUS_SECRET_KEY, and from every key
    # ever written in the repository, before it used the key ring; and those keys raw.
    guesses = [hashlib.sha256(b"").digest()]  # (PyJWT refuses to sign with an empty key)
    for secret in ["", *HISTORY]:
        guesses.append(hashlib.sha256(f"surplus dashboard session\0{secret}".encode()).digest())
        guesses += [secret.encode()] if secret else []
    for key in guesses:
        for headers in (None, {"kid": "k-0000000000000000"}):
            client = TestClient(app)
            with warnings.catch_warnings():  # some of these keys are short, as PyJWT warns
                warnings.simplefilter("ignore")
                forged = jwt.encode(claims, key, "HS256", headers)
            client.cookies.set("surplus_session", forged)
            assert not _signed_in(client)


def test_a_rotation_keeps_sessions_for_one_lifetime_and_a_revocation_ends_them(
    default_install: Any,
) -> None:
    app, settings, _ = default_install
    client = TestClient(app)
    assert _log_in(client).status_code == 303
    form = TestClient(app)
    page = form.get("/operator/login").text  # a log-in form signed with the old key
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    rotate(settings, datetime.now(UTC))
    _reload_keys(app, settings)
    assert _signed_in(client)  # the previous key still counts for one token lifetime
    rotate(settings, datetime.now(UTC) + timedelta(seconds=1), revoke_previous=True)
    _reload_keys(app, settings)
    assert not _signed_in(client)
    stale = form.post(
        "/operator/login",
        data={"client_id": "a1", "client_secret": SECRET_A, "csrf": csrf.group(1)},
        follow_redirects=False,
    )
    assert stale.status_code == 403  # the form's token was signed with a revoked key
    assert _log_in(TestClient(app)).status_code == 303  # a fresh form works


def _reload_keys(app: FastAPI, settings: Settings) -> None:
    """What every process does within a second of a rotation (keys.RELOAD_S)."""
    from surplus.auth.keys import keyring

    keyring(settings).refresh()
