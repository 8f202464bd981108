"""Bad input gets a problem document, never a 500, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.store.audit import AuditEntry
from surplus.store.programme import Site
from tests.api.helpers import SITE, created
from tests.strategies import json_values

Headers = dict[str, str]
PROBLEM = "application/problem+json"


def _counts(db: Session) -> tuple[int, int]:
    db.expire_all()
    sites = db.scalar(select(func.count()).select_from(Site)) or 0
    return sites, db.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _assert_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith(PROBLEM)  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.fixture
def operator_id(client: TestClient, bl: Headers) -> int:
    return int(created(client, "/api/v1/operators", {"name": "Acme"}, bl)["id"])


def test_malformed_json_is_400(
    client: TestClient, bl: Headers, db: Session, operator_id: int
) -> None:
    before = _counts(db)
    response = client.post(
        "/api/v1/sites",
        content=b'{"name": "x",',
        headers={**bl, "content-type": "application/json"},
    )
    _assert_problem(response, 400)
    assert _counts(db) == before


def test_wrong_types_are_422_naming_the_field(
    client: TestClient, bl: Headers, db: Session, operator_id: int
) -> None:
    before = _counts(db)
    body = {**SITE, "operator_id": operator_id, "connection_mw": "lots"}
    problem = _assert_problem(client.post("/api/v1/sites", json=body, headers=bl), 422)
    assert "connection_mw" in str(problem["detail"])
    assert _counts(db) == before


@pytest.mark.parametrize(
    "change",
    [
        {"latitude_deg": 91},
        {"connection_mw": 0},
        {"zone": ""},
        {"surprise": 1},
        {"connection_mw": float("nan")},
    ],
)
def test_out_of_range_values_are_422(
    client: TestClient, bl: Headers, db: Session, operator_id: int, change: dict[str, object]
) -> None:
    before = _counts(db)
    payload = json.dumps({**SITE, "operator_id": operator_id, **change})  # NaN goes out as NaN
    response = client.post(
        "/api/v1/sites", content=payload, headers={**bl, "content-type": "application/json"}
    )
    _assert_problem(response, 422)
    assert _counts(db) == before


def test_unknown_ids_are_404(client: TestClient, bl: Headers) -> None:
    for path in [
        "/api/v1/operators/4040",
        "/api/v1/sites/4040",
        "/api/v1/applications/4040",
        "/api/v1/allocations/4040",
    ]:
        assert "4040" in str(_assert_problem(client.get(path, headers=bl), 404)["detail"])
    _assert_problem(client.patch("/api/v1/sites/4040", json={"zone": "X"}, headers=bl), 404)
    _assert_problem(client.delete("/api/v1/sites/4040", headers=bl), 404)


def test_integers_beyond_the_columns_are_422_not_500(
    client: TestClient, bl: Headers, operator_id: int, db: Session
) -> None:
    """Ids wider than a 32-bit key and offsets wider than 64 bits used to reach the driver."""
    huge = 2**63
    day = "start=2024-01-01T00:00Z&end=2024-01-02T00:00Z"
    for path in [
        f"/api/v1/sites/{huge}",
        f"/api/v1/sites/{2**31}",
        f"/api/v1/sites?offset={huge}",
        f"/api/v1/sites?operator_id={huge}",
        f"/api/v1/audit?offset={huge}",
        f"/api/v1/sites/{huge}/readings?{day}",
    ]:
        _assert_problem(client.get(path, headers=bl), 422)
    before = _counts(db)
    _assert_problem(client.patch(f"/api/v1/sites/{huge}", json={"zone": "X"}, headers=bl), 422)
    _assert_problem(client.delete(f"/api/v1/sites/{huge}", headers=bl), 422)
    site = {**SITE, "operator_id": 2**31}
    _assert_problem(client.post("/api/v1/sites", json=site, headers=bl), 422)
    reading = {"site_id": huge, "kind": "meter", "read_at": "2024-01-01T00:00Z", "power_mw": 1.0}
    _assert_problem(client.post("/api/v1/readings", json={"readings": [reading]}, headers=bl), 422)
    assert _counts(db) == before


def test_non_numeric_id_is_422(client: TestClient, bl: Headers) -> None:
    _assert_problem(client.get("/api/v1/sites/abc", headers=bl), 422)


def test_oversized_declared_body_is_413(
    client: TestClient, bl: Headers, db: Session, operator_id: int
) -> None:
    before = _counts(db)
    big = json.dumps({**SITE, "operator_id": operator_id, "name": "x" * 300_000})
    response = client.post(
        "/api/v1/sites", content=big, headers={**bl, "content-type": "application/json"}
    )
    _assert_problem(response, 413)
    assert _counts(db) == before


def test_oversized_streamed_body_is_413(
    client: TestClient, bl: Headers, db: Session, operator_id: int
) -> None:
    """Without Content-Length the limit is applied to the bytes as they arrive."""
    before = _counts(db)

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(30):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post(
        "/api/v1/sites", content=chunks(), headers={**bl, "content-type": "application/json"}
    )
    assert _assert_problem(response, 413)["title"] == "Content Too Large"
    assert _counts(db) == before


def test_unknown_route_is_a_problem_too(client: TestClient) -> None:
    _assert_problem(client.get("/api/v1/nothing-here"), 404)


JSON_VALUES = json_values(max_leaves=12)
SITE_LIKE = st.fixed_dictionaries(
    {}, optional={key: JSON_VALUES for key in [*SITE, "operator_id", "ven_id"]}
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.one_of(JSON_VALUES, SITE_LIKE))
def test_random_bodies_never_cause_a_500(
    client: TestClient, bl: Headers, db: Session, body: object
) -> None:
    before = _counts(db)
    response = client.post("/api/v1/sites", json=body, headers=bl)
    assert response.status_code in {201, 409, 413, 422}, response.text
    if response.status_code != 201:
        assert response.headers["content-type"].startswith(PROBLEM)
        assert _counts(db) == before
