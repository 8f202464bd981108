from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.store.audit import AuditEntry, verify
from tests.api.helpers import SITE, created, operator_site

Headers = dict[str, str]


def test_operator_lifecycle_is_audited_with_its_actor(
    client: TestClient, bl: Headers, db: Session
) -> None:
    made = created(
        client, "/api/v1/operators", {"name": "Acme", "contact_email": "ops@acme.pk"}, bl
    )
    url = f"/api/v1/operators/{made['id']}"
    assert client.get(url, headers=bl).json()["name"] == "Acme"
    changed = client.patch(url, json={"contact_email": "grid@acme.pk"}, headers=bl)
    assert changed.status_code == 200 and changed.json()["contact_email"] == "grid@acme.pk"
    assert client.delete(url, headers=bl).status_code == 204
    assert client.get(url, headers=bl).status_code == 404
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.object_type, e.object_id, e.actor) for e in entries] == [
        ("create", "operator", str(made["id"]), "client:admin"),
        ("update", "operator", str(made["id"]), "client:admin"),
        ("delete", "operator", str(made["id"]), "client:admin"),
    ]
    assert entries[1].payload == {"contact_email": "grid@acme.pk"}
    assert verify(db).ok


def test_full_register_chain(client: TestClient, bl: Headers) -> None:
    operator_id, site_id = operator_site(client, bl)
    application = created(
        client,
        "/api/v1/applications",
        {
            "operator_id": operator_id,
            "site_id": site_id,
            "requested_mw": 15,
            "load_kind": "bitcoin_mining",
        },
        bl,
    )
    assert application["status"] == "submitted"
    allocation = created(
        client,
        "/api/v1/allocations",
        {
            "application_id": application["id"],
            "site_id": site_id,
            "allocated_mw": 12.5,
            "tariff_rule": "marginal-cost-plus",
            "curtailment_rights": "full",
            "terms": {"notice_min": 10, "max_curtailed_hours_per_year": 800},
            "starts_on": "2026-01-01",
        },
        bl,
    )
    assert allocation["terms"]["notice_min"] == 10 and allocation["status"] == "proposed"
    listed = client.get("/api/v1/allocations", params={"site_id": site_id}, headers=bl).json()
    assert listed["total"] == 1 and listed["items"][0]["allocated_mw"] == 12.5


def test_pages_and_filters(client: TestClient, bl: Headers) -> None:
    operator = created(client, "/api/v1/operators", {"name": "Many Sites"}, bl)
    for n in range(7):
        zone = "LESCO" if n % 2 == 0 else "MEPCO"
        created(
            client,
            "/api/v1/sites",
            {**SITE, "name": f"site {n}", "zone": zone, "operator_id": operator["id"]},
            bl,
        )
    first = client.get("/api/v1/sites", params={"limit": 3}, headers=bl).json()
    second = client.get("/api/v1/sites", params={"limit": 3, "offset": 3}, headers=bl).json()
    last = client.get("/api/v1/sites", params={"limit": 3, "offset": 6}, headers=bl).json()
    names = [s["name"] for page in (first, second, last) for s in page["items"]]
    assert names == [f"site {n}" for n in range(7)]
    assert (first["total"], first["limit"], first["offset"]) == (7, 3, 0)
    lesco = client.get("/api/v1/sites", params={"zone": "LESCO"}, headers=bl).json()
    assert lesco["total"] == 4 and {s["zone"] for s in lesco["items"]} == {"LESCO"}


def test_deleting_an_operator_with_sites_conflicts_and_changes_nothing(
    client: TestClient, bl: Headers, db: Session
) -> None:
    operator_id, _ = operator_site(client, bl)
    before = db.scalar(select(func.count()).select_from(AuditEntry))
    response = client.delete(f"/api/v1/operators/{operator_id}", headers=bl)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/operators/{operator_id}", headers=bl).status_code == 200
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_duplicate_operator_name_conflicts(client: TestClient, bl: Headers) -> None:
    created(client, "/api/v1/operators", {"name": "Acme"}, bl)
    response = client.post("/api/v1/operators", json={"name": "Acme"}, headers=bl)
    assert response.status_code == 409 and response.json()["status"] == 409


def test_a_site_for_a_missing_operator_is_refused(client: TestClient, bl: Headers) -> None:
    response = client.post("/api/v1/sites", json={**SITE, "operator_id": 999}, headers=bl)
    assert response.status_code == 422 and "operator 999" in response.json()["detail"]


def test_patch_cannot_null_a_required_field(client: TestClient, bl: Headers) -> None:
    _, site_id = operator_site(client, bl)
    response = client.patch(f"/api/v1/sites/{site_id}", json={"zone": None}, headers=bl)
    assert response.status_code == 422 and "zone" in response.json()["detail"]
    assert client.get(f"/api/v1/sites/{site_id}", headers=bl).json()["zone"] == "LESCO"


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in [
        "/api/v1/operators",
        "/api/v1/sites/{site_id}",
        "/api/v1/readings",
        "/api/v1/audit/verify",
        "/api/v1/auth/token",
    ]:
        assert path in paths


def test_audit_list_filters_and_verify(client: TestClient, bl: Headers) -> None:
    _, site_id = operator_site(client, bl)
    client.patch(f"/api/v1/sites/{site_id}", json={"zone": "MEPCO"}, headers=bl)
    listed = client.get("/api/v1/audit", params={"object_type": "site"}, headers=bl).json()
    assert [e["action"] for e in listed["items"]] == ["create", "update"]
    assert listed["items"][1]["prev_hash"] == listed["items"][0]["hash"]
    check = client.get("/api/v1/audit/verify", headers=bl).json()
    assert check == {
        "ok": True,
        "entries": 3,
        "head_hash": check["head_hash"],
        "first_bad_id": None,
        "reason": "",
    }
    assert check["head_hash"] == listed["items"][1]["hash"]
