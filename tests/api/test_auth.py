from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.auth import (
    SCOPES_BY_ROLE,
    AuthError,
    create_client,
    hash_secret,
    verify_secret,
    verify_token,
)
from surplus.auth.tokens import sign
from surplus.store.clients import Client

Headers = dict[str, str]
TOKEN_URL = "/api/v1/auth/token"


@pytest.fixture
def ven_client(db: Session) -> tuple[str, str]:
    made = create_client(db, "ven", "Site 7 controller", ven_id="ven-7")
    db.commit()
    return made.client_id, made.client_secret


def test_client_credentials_grant(
    client: TestClient, app: FastAPI, ven_client: tuple[str, str]
) -> None:
    client_id, secret = ven_client
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (
        body["token_type"] == "Bearer" and body["expires_in"] == app.state.settings.token_lifetime_s
    )
    principal = verify_token(body["access_token"], app.state.settings)
    assert (principal.client_id, principal.role, principal.ven_id) == (client_id, "ven", "ven-7")
    assert principal.scopes == SCOPES_BY_ROLE["ven"] == set(body["scope"].split())


def test_basic_credentials_and_narrowed_scope(
    client: TestClient, ven_client: tuple[str, str]
) -> None:
    client_id, secret = ven_client
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "scope": "write_reports"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200 and response.json()["scope"] == "write_reports"


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "nobody"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, 400, "invalid_request"),
        ({"client_secret": ""}, 400, "invalid_request"),
        ({"scope": "write_programs"}, 400, "invalid_scope"),
    ],
)
def test_token_refusals(
    client: TestClient, ven_client: tuple[str, str], form: dict[str, str], status: int, error: str
) -> None:
    client_id, secret = ven_client
    data = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": secret,
        **form,
    }
    response = client.post(TOKEN_URL, data=data)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.headers["content-type"].startswith("application/problem+json")


def test_secrets_are_stored_only_as_salted_hashes(db: Session, ven_client: tuple[str, str]) -> None:
    client_id, secret = ven_client
    stored = db.scalars(select(Client.secret_hash).where(Client.client_id == client_id)).one()
    assert secret not in stored and stored.startswith("scrypt$")
    assert verify_secret(secret, stored) and not verify_secret(secret + "x", stored)
    assert hash_secret(secret) != hash_secret(secret)  # a fresh salt each time


def _claims(role: str = "bl", **changes: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": "surplus",
        "sub": "admin",
        "role": role,
        "scope": " ".join(SCOPES_BY_ROLE[role]),
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    claims.update(changes)
    return claims


def test_expired_token_is_refused(client: TestClient, app: FastAPI) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    token = sign(_claims(iat=past, exp=past + timedelta(minutes=5)), app.state.settings)
    response = client.get("/api/v1/operators", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("key", [b"another-key-of-thirty-two-bytes-or-more!!", None])
def test_forged_tokens_are_refused(client: TestClient, key: bytes | None) -> None:
    token = jwt.encode(_claims(), key, "HS256") if key else jwt.encode(_claims(), None, "none")
    response = client.get("/api/v1/operators", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_missing_or_garbled_token_is_refused(client: TestClient) -> None:
    assert client.get("/api/v1/operators").status_code == 401
    assert (
        client.get("/api/v1/operators", headers={"Authorization": "Bearer not.a.jwt"}).status_code
        == 401
    )


def test_ven_role_cannot_use_programme_admin(client: TestClient, token_for: object) -> None:
    ven = token_for("ven", "v1", "ven-1")  # type: ignore[operator]
    response = client.post("/api/v1/operators", json={"name": "Sneaky"}, headers=ven)
    assert response.status_code == 403 and response.json()["status"] == 403
    assert client.get("/api/v1/audit", headers=ven).status_code == 403


def test_verify_token_rejects_tampered_role(app: FastAPI) -> None:
    settings = app.state.settings
    good = sign(_claims("ven"), settings)
    header, payload, signature = good.split(".")
    forged_payload = (
        base64.urlsafe_b64encode(
            base64.urlsafe_b64decode(payload + "==").replace(b'"ven"', b'"bl"')
        )
        .rstrip(b"=")
        .decode()
    )
    with pytest.raises(AuthError):
        verify_token(f"{header}.{forged_payload}.{signature}", settings)
