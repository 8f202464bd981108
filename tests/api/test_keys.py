"""The keys that sign access tokens: none in the source, one generated on first use and
readable by its owner only, refused when published or weak, rotated with a grace period;
and no token counts unless it names a client that exists and is not revoked."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from surplus.api.cli import admin_app
from surplus.auth import SCOPES_BY_ROLE, create_client, grant_for
from surplus.errors import SurplusError
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

# Every signing key ever written in this repository (`git log -p | grep -i secret`): the
# old development default and the keys tests and the bench used to set.
HISTORY = [
    "change-me-development-only",
    "openadr-test-secret-0123456789abcdef",
    "bench-secret-0123456789abcdef0123456789",
    "a-test-signing-key-of-more-than-thirty-two-bytes",
    "another-key-of-thirty-two-bytes-or-more!!",
    "short-but-not-default",
    "x" * 32,
    "k" * 40,
]


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _bl_client(url: str, client_id: str = "the-admin") -> str:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        create_client(session, "bl", "administrator", client_id=client_id)
        session.commit()
    engine.dispose()
    return client_id


def _claims(client_id: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "iss": "surplus",
        "sub": client_id,
        "role": "bl",
        "scope": " ".join(sorted(SCOPES_BY_ROLE["bl"])),
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }


def test_a_default_install_generates_a_key_only_its_owner_can_read(database: str) -> None:
    from surplus.auth.keys import KeyRing, keyring

    settings = Settings(database_url=database)
    assert settings.secret_key == ""  # nothing in the source
    create_app(settings)
    key_file = Path(database.removeprefix("sqlite:///") + ".keys")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    stored = json.loads(key_file.read_text())["keys"]
    assert len(stored) == 1 and len(stored[0]["key"]) >= 43  # 32 random bytes, base64
    # Every process of the same install signs with the same key.
    assert KeyRing(settings).keys().current.key == keyring(settings).keys().current.key


def test_default_settings_refuse_tokens_signed_with_any_key_in_the_history(
    database: str,
) -> None:
    client_id = _bl_client(database)
    app = create_app(Settings(database_url=database))
    client = TestClient(app)
    real = grant_for(client_id, "bl", None, SCOPES_BY_ROLE["bl"], app.state.settings)
    headers = {"Authorization": f"Bearer {real.access_token}"}
    assert client.get("/api/v1/audit", headers=headers).status_code == 200
    kid = jwt.get_unverified_header(real.access_token)["kid"]
    for secret in HISTORY:
        for key in (hashlib.sha256(secret.encode()).digest(), secret.encode()):
            for header in ({}, {"kid": kid}):
                with warnings.catch_warnings():  # PyJWT warns of the short raw keys
                    warnings.simplefilter("ignore")
                    forged = jwt.encode(_claims(client_id), key, "HS256", headers=header)
                for path in ("/api/v1/audit", "/openadr3/3.1.0/programs"):
                    answer = client.get(path, headers={"Authorization": f"Bearer {forged}"})
                    assert answer.status_code == 401, (secret, header, path)


@pytest.mark.parametrize("secret", [*HISTORY, "", "abc" * 20])
def test_published_short_or_repetitive_secrets_are_refused_everywhere(secret: str) -> None:
    for environment in ("development", "test", "production"):
        settings = Settings(
            database_url="sqlite://",
            secret_key=secret or "too-short",
            environment=environment,
            public_url="https://ops.example.pk",
        )
        with pytest.raises(SurplusError, match="SURPLUS_SECRET_KEY"):
            create_app(settings)


def test_a_good_secret_is_accepted_in_production() -> None:
    settings = Settings(
        database_url="sqlite://",
        secret_key=secrets.token_urlsafe(32),
        environment="production",
        public_url="https://ops.example.pk",
        mqtt_url="",
    )
    settings.check_for_production()
    create_app(settings)


def test_with_no_place_for_a_key_the_service_refuses_to_start_and_says_how() -> None:
    from surplus.auth.keys import SigningKeyError

    for url in ("sqlite://", "postgresql+psycopg://surplus@db.example/ops"):
        with pytest.raises(SigningKeyError, match=r"SURPLUS_SECRET_KEY.*SURPLUS_KEY_FILE"):
            create_app(Settings(database_url=url))


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    from surplus.auth.keys import KeyRing, SigningKeyError

    key_file = tmp_path / "keys.json"
    settings = Settings(database_url="sqlite://", key_file=str(key_file))
    KeyRing(settings)
    os.chmod(key_file, 0o644)
    with pytest.raises(SigningKeyError, match="chmod 600"):
        KeyRing(settings)
    link = tmp_path / "link.json"
    link.symlink_to(key_file)
    os.chmod(key_file, 0o600)
    with pytest.raises(SigningKeyError, match="symbolic link"):
        KeyRing(Settings(database_url="sqlite://", key_file=str(link)))


def test_rotation_keeps_old_tokens_for_one_lifetime_unless_revoked(tmp_path: Path) -> None:
    from surplus.auth.keys import KeyRing, rotate

    settings = Settings(database_url="sqlite://", key_file=str(tmp_path / "keys.json"))
    ring = KeyRing(settings)
    old = ring.keys().current
    now = datetime.now(UTC)
    done = rotate(settings, now)
    assert done.retired_kids == [old.kid] and done.new_kid != old.kid
    ring.refresh()
    keys = ring.keys()
    assert keys.current.kid == done.new_kid and keys.current.key != old.key
    lifetime = timedelta(seconds=settings.token_lifetime_s)
    assert keys.accepted(old.kid, now + lifetime) is not None
    assert keys.accepted(old.kid, now + lifetime + timedelta(seconds=2)) is None
    rotate(settings, now, revoke_previous=True)
    ring.refresh()
    assert ring.keys().accepted(done.new_kid, now) is None
    assert stat.S_IMODE((tmp_path / "keys.json").stat().st_mode) == 0o600


def test_the_rotate_command_is_audited_and_tokens_follow_it(database: str) -> None:
    from surplus.auth.keys import keyring

    client_id = _bl_client(database)
    settings = Settings(database_url=database)
    client = TestClient(create_app(settings))
    before = grant_for(client_id, "bl", None, SCOPES_BY_ROLE["bl"], settings).access_token
    runner = CliRunner()
    result = runner.invoke(admin_app, ["key", "rotate", "--database-url", database])
    assert result.exit_code == 0, result.output
    new_kid = json.loads(result.output)["new_kid"]
    keyring(settings).refresh()
    after = grant_for(client_id, "bl", None, SCOPES_BY_ROLE["bl"], settings).access_token
    assert jwt.get_unverified_header(after)["kid"] == new_kid
    for token in (before, after):  # the old key's tokens still work for now
        answer = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200
    entries = answer.json()["items"]
    assert [e["object_id"] for e in entries if e["action"] == "rotate"] == [new_kid]
    key_file = Path(database.removeprefix("sqlite:///") + ".keys")
    stored = [entry["key"] for entry in json.loads(key_file.read_text())["keys"]]
    assert not any(key in json.dumps(entries) for key in stored)  # no key in the log
    result = runner.invoke(
        admin_app, ["key", "rotate", "--revoke-previous", "--database-url", database]
    )
    assert result.exit_code == 0, result.output
    keyring(settings).refresh()
    for token in (before, after):
        answer = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401


def test_rotating_a_key_from_the_environment_says_what_to_do_instead() -> None:
    from surplus.auth.keys import SigningKeyError, rotate

    settings = Settings(database_url="sqlite://", secret_key=secrets.token_urlsafe(32))
    with pytest.raises(SigningKeyError, match="SURPLUS_PREVIOUS_SECRET_KEY"):
        rotate(settings, datetime.now(UTC))


def test_a_previous_secret_is_accepted_while_it_is_set() -> None:
    from surplus.auth.keys import keyring

    old, new = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    before = Settings(database_url="sqlite://", secret_key=old)
    token = grant_for("c", "bl", None, SCOPES_BY_ROLE["bl"], before).access_token
    kid = jwt.get_unverified_header(token)["kid"]
    rotating = Settings(database_url="sqlite://", secret_key=new, previous_secret_key=old)
    later = datetime.now(UTC) + timedelta(days=30)
    assert keyring(rotating).keys().accepted(kid, later) is not None
    done = Settings(database_url="sqlite://", secret_key=new)
    assert keyring(done).keys().accepted(kid, datetime.now(UTC)) is None


def test_a_token_for_a_client_that_does_not_exist_is_refused(
    client: TestClient, app: object, engine: Engine
) -> None:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    ghost = grant_for("no-such-client", "bl", None, SCOPES_BY_ROLE["bl"], settings)
    for path in ("/api/v1/audit", "/openadr3/3.1.0/programs", "/api/v1/operators"):
        answer = client.get(path, headers={"Authorization": f"Bearer {ghost.access_token}"})
        assert answer.status_code == 401, path
        assert answer.json()["detail"] == "the access token is not valid"
    # A client made after the list was loaded is known at once.
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        create_client(session, "bl", "new administrator", client_id="no-such-client")
        session.commit()
    answer = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {ghost.access_token}"})
    assert answer.status_code == 200


def test_the_library_never_explains_why_a_token_failed(client: TestClient) -> None:
    from surplus.auth.keys import keyring

    settings = client.app.state.settings  # type: ignore[attr-defined]
    good = grant_for("x", "bl", None, SCOPES_BY_ROLE["bl"], settings).access_token
    header, payload, signature = good.split(".")
    bad_signature = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    cases = {
        "signature": f"{header}.{payload}.{bad_signature}",
        "garbage": "not.a.jwt",
        "algorithm none": jwt.encode(_claims("x"), None, "none"),
        "no issuer": jwt.encode(
            {k: v for k, v in _claims("x").items() if k != "iss"},
            keyring(settings).keys().current.key,
            "HS256",
            headers={"kid": keyring(settings).keys().current.kid},
        ),
    }
    for name, token in cases.items():
        answer = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, name
        assert answer.json()["detail"] == "the access token is not valid", name
