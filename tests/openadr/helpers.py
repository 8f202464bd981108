"""Building blocks for VTN tests: the objects of a small programme, made through the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from surplus.store.audit import AuditEntry
from surplus.store.base import make_sessionmaker
from tests.clock import rfc3339_from_now
from tests.openadr.conftest import Party, Vtn


def post(
    vtn: Vtn, party: Party, path: str, body: dict[str, Any], status: int = 201
) -> dict[str, Any]:
    response = vtn.client.post(vtn.url(path), json=body, headers=party.headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def get(vtn: Vtn, party: Party, path: str, status: int = 200) -> Any:
    response = vtn.client.get(vtn.url(path), headers=party.headers)
    assert response.status_code == status, response.text
    return response.json()


def program(vtn: Vtn, name: str, targets: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"programName": name}
    if targets is not None:
        body["targets"] = targets
    return post(vtn, vtn.bl, "/programs", body)


def event(
    vtn: Vtn, program_id: str, targets: list[str] | None = None, limit_kw: float = 500.0
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programID": program_id,
        "eventName": "curtail",
        "intervalPeriod": {"start": rfc3339_from_now(hours=24), "duration": "PT1H"},
        "intervals": [
            {"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [limit_kw]}]}
        ],
    }
    if targets is not None:
        body["targets"] = targets
    return post(vtn, vtn.bl, "/events", body)


def grant(vtn: Vtn, party: Party, ven_name: str, targets: list[str]) -> dict[str, Any]:
    """BL creates the ven object of `party`, granting it `targets`."""
    body = {
        "objectType": "BL_VEN_REQUEST",
        "clientID": party.client_id,
        "venName": ven_name,
        "targets": targets,
    }
    return post(vtn, vtn.bl, "/vens", body)


def report_body(event_id: str, usage_kw: float = 480.0) -> dict[str, Any]:
    """A site's telemetry report on an event: one interval of energy used."""
    return {
        "eventID": event_id,
        "clientName": "site",
        "resources": [
            {
                "resourceName": "AGGREGATED_REPORT",
                "intervals": [{"id": 0, "payloads": [{"type": "USAGE", "values": [usage_kw]}]}],
            }
        ],
    }


def report(vtn: Vtn, party: Party, event_id: str, usage_kw: float = 480.0) -> dict[str, Any]:
    return post(vtn, party, "/reports", report_body(event_id, usage_kw))


def count(engine: Engine, model: Any) -> int:
    with make_sessionmaker(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_entries(engine: Engine) -> list[AuditEntry]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
