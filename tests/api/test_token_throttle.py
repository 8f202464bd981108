"""The token endpoint under attack: failures are limited per client id and per address
(429 with Retry-After), right secrets are not, hashing is capped, and each refusal is in
the audit log with the client id and the address, never the secret."""

from __future__ import annotations

import json
import threading
import warnings

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.auth import AuthError, create_client
from surplus.store.audit import AuditEntry

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TOKEN_URLS = ("/api/v1/auth/token", "/openadr3/3.1.0/auth/token")


def _ask(client: TestClient, client_id: str, secret: str, url: str = TOKEN_URLS[0]) -> int:
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    response = client.post(url, data=data)
    if response.status_code == 429:
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["status"] == 429
    return response.status_code


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 50000))


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_twenty_five_wrong_secrets_in_a_row_meet_a_429(
    client: TestClient, db: Session, url: str
) -> None:
    made = create_client(db, "ven", "Site 3 controller", client_id="tt-victim")
    db.commit()
    answers = [_ask(client, made.client_id, f"guess-{n}", url) for n in range(25)]
    assert answers[:10] == [401] * 10
    assert set(answers[10:]) == {429}
    # The right secret, from the same address, waits too: the address's bucket is empty.
    assert _ask(client, made.client_id, made.client_secret, url) == 429
    refused = db.scalars(select(AuditEntry).where(AuditEntry.action == "token.refused")).all()
    assert len(refused) == 10  # each checked failure, not the throttled ones
    entry = refused[0]
    assert (entry.object_id, entry.actor) == ("tt-victim", "address:testclient")
    assert entry.payload == {
        "client_id": "tt-victim",
        "address": "testclient",
        "reason": "wrong secret",
    }
    assert not any("guess-" in json.dumps(e.payload) for e in refused)


def test_failures_are_counted_per_address_across_client_ids(app: FastAPI, db: Session) -> None:
    app.state.token_guard = None
    one = _from(app, "203.0.113.9")
    answers = [_ask(one, f"nobody-{n}", "x") for n in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
    reasons = db.scalars(
        select(AuditEntry.payload).where(AuditEntry.action == "token.refused")
    ).all()
    assert {r["reason"] for r in reasons} == {"unknown client"}
    made = create_client(db, "bl", "administrator", client_id="tt-admin")
    db.commit()
    assert _ask(_from(app, "198.51.100.4"), made.client_id, made.client_secret) == 200


def test_failures_are_counted_per_client_across_addresses(app: FastAPI, db: Session) -> None:
    app.state.token_guard = None
    made = create_client(db, "ven", "Site 4 controller", client_id="tt-target")
    db.commit()
    answers = [_ask(_from(app, f"192.0.2.{n}"), made.client_id, "wrong") for n in range(12)]
    assert answers[:10] == [401] * 10 and answers[10:] == [429, 429]
    other = create_client(db, "ven", "Site 5 controller", client_id="tt-bystander")
    db.commit()
    assert _ask(_from(app, "192.0.2.200"), other.client_id, other.client_secret) == 200


def test_right_secrets_use_up_no_bucket(client: TestClient, db: Session) -> None:
    made = create_client(db, "ven", "Site 6 controller", client_id="tt-busy")
    db.commit()
    assert {_ask(client, made.client_id, made.client_secret) for _ in range(15)} == {200}


def test_a_bucket_refills_at_its_rate() -> None:
    from surplus.auth.throttle import FailureBuckets

    now = [0.0]
    buckets = FailureBuckets(per_minute=10, clock=lambda: now[0])
    keys = ["client:a", "address:1.2.3.4"]
    assert all(buckets.take(keys) is None for _ in range(10))
    wait_s = buckets.take(keys)
    assert wait_s == pytest.approx(6.0)  # one token every 60/10 s
    now[0] += 5.9
    assert buckets.take(keys) is not None
    now[0] += 0.2
    assert buckets.take(keys) is None and buckets.take(keys) is not None
    buckets.give_back(keys)  # a right secret returns its token
    assert buckets.take(keys) is None
    assert buckets.take(["client:b", "address:5.6.7.8"]) is None  # others unaffected


def test_hashing_is_capped_and_overflow_is_a_503() -> None:
    from surplus.auth.throttle import TokenGuard

    guard = TokenGuard(failures_per_minute=100, hash_concurrency=1, hash_wait_s=0.05)
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with guard.attempt("a", "1.1.1.1") as attempt:
            inside.set()
            release.wait(5)
            attempt.succeeded()

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(5)
    with pytest.raises(AuthError) as busy, guard.attempt("b", "2.2.2.2"):
        pass
    release.set()
    holder.join(5)
    assert busy.value.status == 503 and busy.value.headers() == {"Retry-After": "1"}
    with guard.attempt("b", "2.2.2.2") as attempt:  # the slot is free again
        attempt.succeeded()
