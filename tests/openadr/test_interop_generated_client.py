"""Interoperability with clients generated from the OpenAPI document (and OAuth2 libraries):
credentials by HTTP Basic at the advertised token URL, and bodies in which every unset
optional property is an explicit `null`. A real VTN process on each database, driven over
HTTP through a whole programme: program → VEN → targeted event → report → read-back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from sqlalchemy.engine import Engine

from tests.clock import rfc3339_from_now
from tests.openadr.nulls import null_count, request_schema, with_nulls
from tests.openadr.server import Server
from tests.openadr.spec import with_errata
from tests.store.databases import empty_all_tables


@pytest.fixture
def live_vtn(any_engine: Engine, tmp_path: Path) -> Iterator[Server]:
    server = Server(
        any_engine.url.render_as_string(hide_password=False), log_path=tmp_path / "server.log"
    )
    yield server
    server.stop()
    empty_all_tables(any_engine)


class GeneratedClient:
    """What such a client does: discover the token URL, fetch a token by HTTP Basic, send
    every optional property (null when unset), and check answers against the spec."""

    def __init__(self, base_url: str, client_id: str, secret: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        self.spec = schemathesis.openapi.from_dict(with_errata(base_url.split("/openadr3")[0]))
        token_url = self.http.get("/auth/server").json()["tokenURL"]
        answer = httpx.post(
            token_url, data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        )
        assert answer.status_code == 200, answer.text
        assert answer.headers["cache-control"] == "no-store"
        self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def close(self) -> None:
        self.http.close()

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        padded = with_nulls(body, request_schema(path))
        assert null_count(padded) > 0
        response = self.http.post(path, json=padded)
        assert response.status_code == 201, response.text
        return self._checked(path, "POST", response)

    def read(self, template: str, path: str | None = None, **params: str) -> Any:
        response = self.http.get(path or template, params=params)
        assert response.status_code == 200, response.text
        return self._checked(template, "GET", response)

    def _checked(self, template: str, method: str, response: httpx.Response) -> Any:
        self.spec[template][method].validate_response(response)
        return response.json()


def _event(program_id: str, target: str, limit_kw: float) -> dict[str, Any]:
    return {
        "programID": program_id,
        "eventName": f"curtail-{target}",
        "targets": [target],
        "intervalPeriod": {"start": rfc3339_from_now(hours=24), "duration": "PT2H"},
        "intervals": [
            {"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [limit_kw]}]}
        ],
    }


def test_generated_client_runs_a_whole_programme(live_vtn: Server) -> None:
    bl_id, bl_secret = live_vtn.add_client("bl", "administrator")
    ven_id, ven_secret = live_vtn.add_client("ven", "site-1")
    live_vtn.start()
    bl = GeneratedClient(live_vtn.base_url, bl_id, bl_secret)
    ven = GeneratedClient(live_vtn.base_url, ven_id, ven_secret)
    try:
        _run_programme(bl, ven, ven_id)
    finally:
        bl.close()
        ven.close()


def _run_programme(bl: GeneratedClient, ven: GeneratedClient, ven_id: str) -> None:

    program = bl.create("/programs", {"programName": "zone-curtailment"})
    site = bl.create(
        "/vens",
        {
            "objectType": "BL_VEN_REQUEST",
            "clientID": ven_id,
            "venName": "site-1",
            "targets": ["zone-a"],
        },
    )
    ours = bl.create("/events", _event(program["id"], "zone-a", 250.0))
    bl.create("/events", _event(program["id"], "zone-b", 100.0))

    seen = ven.read("/events", programID=program["id"])
    assert [e["id"] for e in seen] == [ours["id"]]
    assert seen[0]["intervals"][0]["payloads"][0]["values"] == [250.0]
    assert ven.read("/vens")[0]["id"] == site["id"]

    report = ven.create(
        "/reports",
        {
            "eventID": ours["id"],
            "clientName": "site-1",
            "resources": [
                {
                    "resourceName": "AGGREGATED_REPORT",
                    "intervals": [{"id": 0, "payloads": [{"type": "USAGE", "values": [240.5]}]}],
                }
            ],
        },
    )
    for reader in (bl, ven):
        found = reader.read("/reports", eventID=ours["id"])
        assert [r["id"] for r in found] == [report["id"]]
        assert found[0]["clientID"] == ven_id
        assert found[0]["resources"][0]["intervals"][0]["payloads"][0]["values"] == [240.5]
    assert bl.read("/reports/{reportID}", f"/reports/{report['id']}") == found[0]
