"""One client-credentials grant behind both token URLs: HTTP Basic or form body, the same
refusals in the same shape, and answers that no cache may keep."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.auth import AuthError, create_client, verify_token
from surplus.auth.grant import MAX_LENGTH, read_token_request

TOKEN_URLS = ["/api/v1/auth/token", "/openadr3/3.1.0/auth/token"]
GRANT = {"grant_type": "client_credentials"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


@pytest.fixture
def ven(db: Session) -> tuple[str, str]:
    made = create_client(db, "ven", "Site 3 controller", ven_id="ven-3")
    db.commit()
    return made.client_id, made.client_secret


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_http_basic_is_accepted_on_every_token_url(
    client: TestClient, app: FastAPI, ven: tuple[str, str], url: str
) -> None:
    response = client.post(url, data=GRANT, headers=basic(*ven))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    holder = verify_token(response.json()["access_token"], app.state.settings)
    assert (holder.client_id, holder.ven_id) == (ven[0], "ven-3")


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_basic_and_body_together_must_agree(
    client: TestClient, ven: tuple[str, str], url: str
) -> None:
    client_id, secret = ven
    same = {**GRANT, "client_id": client_id, "client_secret": secret}
    assert client.post(url, data=same, headers=basic(*ven)).status_code == 200
    other = {**GRANT, "client_id": "someone-else", "client_secret": secret}
    refused = client.post(url, data=other, headers=basic(*ven))
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
    assert "differ" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("form", "headers", "status", "error"),
    [
        ({"client_secret": "wrong"}, {}, 401, "invalid_client"),
        ({"grant_type": "password"}, {}, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, {}, 400, "invalid_request"),
        ({"client_id": ""}, {}, 400, "invalid_request"),
        ({"scope": "write_programs"}, {}, 400, "invalid_scope"),
        ({"client_id": "x" * 129}, {}, 400, "invalid_request"),
        ({}, {"Authorization": "Basic !!!"}, 400, "invalid_request"),
        (
            {},
            {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
            400,
            "invalid_request",
        ),
    ],
)
def test_both_urls_refuse_alike(
    client: TestClient,
    ven: tuple[str, str],
    form: dict[str, str],
    headers: dict[str, str],
    status: int,
    error: str,
) -> None:
    client_id, secret = ven
    data = {**GRANT, "client_id": client_id, "client_secret": secret, **form}
    if headers:
        data = {**GRANT, **form}
    answers = [client.post(url, data=data, headers=headers) for url in TOKEN_URLS]
    for answer in answers:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        body = answer.json()
        assert (body["error"], body["error_description"]) == (error, body["detail"])
    api, vtn = (answer.json() for answer in answers)
    assert {k: v for k, v in api.items() if k != "instance"} == {
        k: v for k, v in vtn.items() if k != "instance"
    }
    if status == 401:
        assert all(a.headers["www-authenticate"].startswith("Basic") for a in answers)


def test_basic_credentials_are_form_decoded() -> None:
    """RFC 6749 section 2.3.1: each part is form-encoded before Basic, so `:` and `%` in a
    secret survive the trip."""
    asked = read_token_request(GRANT, basic("id:with colon", "se%cret+")["Authorization"])
    assert (asked.client_id, asked.client_secret) == ("id:with colon", "se%cret+")


def test_every_field_is_bounded() -> None:
    for field, limit in MAX_LENGTH.items():
        form = {**GRANT, "client_id": "a", "client_secret": "b", field: "x" * (limit + 1)}
        with pytest.raises(AuthError, match=field):
            read_token_request(form, None)
