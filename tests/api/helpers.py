"""Requests that set up the register through the API itself."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

SITE = {
    "name": "Kot Lakhpat 1",
    "zone": "LESCO",
    "latitude_deg": 31.47,
    "longitude_deg": 74.34,
    "connection_mw": 20.0,
}


def created(
    client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def operator_site(
    client: TestClient, headers: dict[str, str], name: str = "Acme", ven_id: str | None = None
) -> tuple[int, int]:
    operator = created(client, "/api/v1/operators", {"name": name}, headers)
    site = created(
        client, "/api/v1/sites", {**SITE, "operator_id": operator["id"], "ven_id": ven_id}, headers
    )
    return operator["id"], site["id"]
