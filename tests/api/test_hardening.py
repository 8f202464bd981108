"""The smaller findings of the attack review, each pinned: headers, no CDN documentation in
production, nothing built from the Host header, settings typed any case, values a database
cannot store refused at validation, the audit chain checked offline, no server banner."""

from __future__ import annotations

import json
import secrets
import warnings
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from surplus.api.cli import db_app
from surplus.cli import app as surplus_cli
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.store.audit import AuditEntry
from tests.api.helpers import operator_site

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

Headers = dict[str, str]


def _production(**overrides: Any) -> FastAPI:
    values: dict[str, Any] = {
        "database_url": "sqlite://",
        "secret_key": secrets.token_urlsafe(32),
        "environment": "production",
        "public_url": "https://ops.example.pk",
        "mqtt_url": "",
    }
    return create_app(Settings(**{**values, **overrides}))


def _development() -> FastAPI:
    return create_app(
        Settings(database_url="sqlite://", secret_key=secrets.token_urlsafe(32), mqtt_url="")
    )


def test_every_answer_says_nosniff_and_production_adds_hsts(client: TestClient) -> None:
    for answer in (
        client.get("/openadr3/3.1.0/auth/server"),
        client.get("/api/v1/operators"),  # a 401 problem
        client.post("/api/v1/auth/token", data={}),
    ):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in answer.headers  # plain http in development
    production = TestClient(_production(), base_url="https://ops.example.pk")
    answer = production.get("/openadr3/3.1.0/auth/server")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["strict-transport-security"].startswith("max-age=")


SURFACES = [
    "/openadr3/3.1.0/auth/server",  # the VTN
    "/api/v1/operators",  # the REST API (a 401 problem)
    "/api/v1/control/orders",  # the control room's endpoints (a 401 problem)
    "/api/v1/settlement/statements",  # settlement's (a 401 problem)
    "/",  # a dashboard page
    "/dashboard-static/dashboard.css",  # a dashboard file
    "/api/v1/public/dashboard",  # the dashboard's JSON
    "/no/such/path",  # a 404
]


def _headers_once(answer: Any) -> dict[str, str]:
    """The security headers of an answer, each of which must be sent exactly once."""
    raw = [name.lower() for name, _ in answer.headers.raw]
    seen = {}
    for name in ("x-content-type-options", "referrer-policy", "x-frame-options",
                 "strict-transport-security", "content-security-policy"):  # fmt: skip
        count = raw.count(name.encode())
        assert count <= 1, f"{name} sent {count} times on {answer.url}"
        if count:
            seen[name] = answer.headers[name]
    return seen


def test_every_surface_carries_the_headers_once_and_the_dashboard_keeps_its_policy(
    client: TestClient, app: FastAPI
) -> None:
    migrated = _production(database_url=app.state.settings.database_url)
    production = TestClient(migrated, base_url="https://ops.example.pk")
    try:
        for path in SURFACES:
            for test_client, hsts in ((client, False), (production, True)):
                answer = test_client.get(path)
                assert answer.status_code in (200, 401, 404), (path, answer.status_code)
                seen = _headers_once(answer)
                assert seen["x-content-type-options"] == "nosniff", path
                assert seen["referrer-policy"] == "no-referrer", path
                assert seen["x-frame-options"] == "DENY", path
                assert ("strict-transport-security" in seen) == hsts, path
    finally:
        migrated.state.engine.dispose()
    page = _headers_once(client.get("/"))
    assert page["content-security-policy"].startswith("default-src 'none'")


def test_an_unexpected_error_is_a_500_problem_with_the_security_headers() -> None:
    """Starlette answers an error no handler caught outside every middleware; the service
    answers it itself, so even a 500 is nosniff (and HSTS in production)."""
    for app, hsts in ((_development(), False), (_production(), True)):

        @app.get("/api/v1/boom")
        def boom() -> None:
            raise RuntimeError("a bug with a secret in its message: hunter2")

        base = "https://ops.example.pk" if hsts else "http://testserver"
        answer = TestClient(app, base_url=base, raise_server_exceptions=False).get("/api/v1/boom")
        assert answer.status_code == 500
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json() == {
            "type": "about:blank",
            "title": "Internal Server Error",
            "status": 500,
            "detail": "internal error; it has been logged",
            "instance": "/api/v1/boom",
        }
        assert "hunter2" not in answer.text
        seen = _headers_once(answer)
        assert seen["x-content-type-options"] == "nosniff"
        assert ("strict-transport-security" in seen) == hsts
        with pytest.raises(RuntimeError):  # and the error still reaches the server's log
            TestClient(app, base_url=base).get("/api/v1/boom")


def test_production_serves_no_documentation_from_a_cdn(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200  # development keeps Swagger UI
    production = TestClient(_production(), base_url="https://ops.example.pk")
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        answer = production.get(path)
        assert answer.status_code == 404, path
        assert "cdn" not in answer.text.lower()
    assert production.get("/openapi.json").status_code == 200


def test_a_forged_host_header_changes_nothing(client: TestClient, bl: Headers) -> None:
    honest = client.get("/openadr3/3.1.0/auth/server").json()
    forged = client.get("/openadr3/3.1.0/auth/server", headers={"Host": "evil.example"}).json()
    assert honest == forged == {"tokenURL": "http://127.0.0.1:8000/openadr3/3.1.0/auth/token"}
    missing = client.get("/openadr3/3.1.0/programs/x", headers={**bl, "Host": "evil.example"})
    assert missing.json()["instance"] == "http://127.0.0.1:8000/openadr3/3.1.0/programs/x"
    slash = client.get("/api/v1/operators/", headers={**bl, "Host": "evil.example"})
    assert "evil.example" not in slash.headers.get("location", "")
    assert "evil.example" not in slash.text


def test_production_answers_only_for_its_own_host_names() -> None:
    app = _production(allowed_hosts=["ops-internal.example.pk"])
    for base in ("https://ops.example.pk", "https://ops-internal.example.pk:8443"):
        answer = TestClient(app, base_url=base).get("/openadr3/3.1.0/auth/server")
        assert answer.status_code == 200
        assert answer.json()["tokenURL"] == "https://ops.example.pk/openadr3/3.1.0/auth/token"
    refused = TestClient(app, base_url="https://evil.example").get("/openadr3/3.1.0/auth/server")
    assert refused.status_code == 400 and refused.json()["status"] == 400


def test_production_needs_an_https_public_url() -> None:
    with pytest.raises(Exception, match="SURPLUS_PUBLIC_URL must be https"):
        _production(public_url="http://ops.example.pk")


def test_the_environment_may_be_written_in_any_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`SURPLUS_ENVIRONMENT=Production` used to end in a traceback."""
    from surplus.settings import get_settings

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    monkeypatch.setenv("SURPLUS_ENVIRONMENT", "Production")
    get_settings.cache_clear()
    try:
        assert Settings().environment == "production"
        done = runner.invoke(surplus_cli, ["db", "upgrade", "--database-url", url])
        assert done.exit_code == 0, done.output
        monkeypatch.setenv("SURPLUS_ENVIRONMENT", "staging")
        get_settings.cache_clear()
        refused = runner.invoke(surplus_cli, ["db", "upgrade", "--database-url", url])
        assert refused.exit_code == 1
        assert "SURPLUS_ENVIRONMENT" in refused.output and "Traceback" not in refused.output
        assert refused.exception is None or isinstance(refused.exception, SystemExit)
    finally:
        get_settings.cache_clear()


def test_serve_sends_no_server_banner_and_trusts_no_forwarded_headers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.setenv("SURPLUS_SECRET_KEY", secrets.token_urlsafe(32))
    from surplus.settings import get_settings

    get_settings.cache_clear()
    try:
        url = f"sqlite:///{tmp_path / 'ops.db'}"
        done = CliRunner().invoke(surplus_cli, ["serve", "--database-url", url])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert seen["server_header"] is False
    assert seen["proxy_headers"] is False


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/operators", {"name": "Acme\u0000"}),
        ("/api/v1/operators", {"name": "Acme", "contact_email": "a\u0000@b.pk"}),
        ("/api/v1/sites", {"name": "S", "zone": "NORTH\u0000"}),
        ("/api/v1/sites", {"name": "S", "zone": "NORTH", "ven_id": "ven\u0000"}),
        ("/api/v1/applications", {"load_kind": "other", "notes": "x\u0000"}),
    ],
)
def test_nul_in_a_name_is_a_422_that_changes_nothing(
    client: TestClient, bl: Headers, db: Session, path: str, body: dict[str, Any]
) -> None:
    operator_id, site_id = operator_site(client, bl)
    site = {"latitude_deg": 30.0, "longitude_deg": 70.0, "connection_mw": 5.0}
    full = {
        "/api/v1/operators": body,
        "/api/v1/sites": {**site, "operator_id": operator_id, **body},
        "/api/v1/applications": {
            "operator_id": operator_id,
            "site_id": site_id,
            "requested_mw": 2.0,
            **body,
        },
    }[path]
    entries = db.query(AuditEntry).count()
    answer = client.post(path, json=full, headers=bl)
    assert answer.status_code == 422, answer.text
    assert "NUL" in answer.json()["detail"]
    db.expire_all()
    assert db.query(AuditEntry).count() == entries
    filtered = client.get("/api/v1/operators", params={"name": "Acme\u0000"}, headers=bl)
    assert filtered.status_code == 422


def test_the_audit_chain_is_checked_offline(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    runner = CliRunner()
    assert runner.invoke(surplus_cli, ["db", "upgrade", "--database-url", url]).exit_code == 0
    made = runner.invoke(
        surplus_cli, ["admin", "operator", "create", "--name", "Acme", "--database-url", url]
    )
    assert made.exit_code == 0, made.output
    good = runner.invoke(db_app, ["verify-audit", "--database-url", url])
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["ok"] is True and json.loads(good.output)["entries"] == 1
    from surplus.store.base import make_engine

    engine: Engine = make_engine(url)
    with engine.begin() as connection:  # SQLite has no trigger to stop this
        connection.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    engine.dispose()
    bad = runner.invoke(db_app, ["verify-audit", "--database-url", url])
    assert bad.exit_code == 1
    assert "broken at entry 1" in bad.output and "Traceback" not in bad.output
