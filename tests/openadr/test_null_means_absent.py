"""Null means absent: for every object the VTN accepts, a body with each unset optional
property sent as `null` (as generated clients send it) is stored exactly like the same body
with those properties left out, and what the VTN answers holds no `null` the spec forbids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis

from tests.clock import rfc3339_from_now
from tests.openadr.conftest import Party, Vtn
from tests.openadr.helpers import get, grant, post, program, report_body
from tests.openadr.nulls import null_count, request_schema, with_nulls
from tests.openadr.spec import with_errata

SCHEMA = schemathesis.openapi.from_dict(with_errata("http://testserver"))
METADATA = {"id", "createdDateTime", "modificationDateTime"}

Body = dict[str, Any]


def _event(vtn: Vtn) -> Body:
    return {
        "programID": program(vtn, "p-event")["id"],
        "eventName": "curtail",
        "reportDescriptors": [{"payloadType": "USAGE"}],
        "intervalPeriod": {"start": rfc3339_from_now(hours=2), "duration": "PT1H"},
        "intervals": [{"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [9]}]}],
    }


def _report(vtn: Vtn) -> Body:
    grant(vtn, vtn.ven1, "site-1", ["zone-a"])
    event = post(vtn, vtn.bl, "/events", _event(vtn))
    return report_body(event["id"])


def _subscription(vtn: Vtn) -> Body:
    return {
        "clientName": "site-1",
        "objectOperations": [
            {"objects": ["EVENT"], "operations": ["CREATE"], "callbackUrl": "https://a.example/h"}
        ],
    }


def _resource(vtn: Vtn) -> Body:
    ven = grant(vtn, vtn.ven1, "site-1", ["zone-a"])
    return {
        "objectType": "BL_RESOURCE_REQUEST",
        "clientID": vtn.ven1.client_id,
        "resourceName": "miners",
        "venID": ven["id"],
    }


CASES: dict[str, tuple[Callable[[Vtn], Body], Callable[[Vtn], Party]]] = {
    "/programs": (lambda vtn: {"programName": "p", "targets": ["zone-a"]}, lambda v: v.bl),
    "/events": (_event, lambda v: v.bl),
    "/reports": (_report, lambda v: v.ven1),
    "/subscriptions": (_subscription, lambda v: v.ven1),
    "/vens": (
        lambda vtn: {"objectType": "VEN_VEN_REQUEST", "venName": "site-2"},
        lambda v: v.ven2,
    ),
    "/resources": (_resource, lambda v: v.bl),
}


def _stored(answer: Body) -> Body:
    return {key: value for key, value in answer.items() if key not in METADATA}


@pytest.mark.parametrize("path", CASES)
def test_nulls_are_stored_as_absent(vtn: Vtn, path: str) -> None:
    make, who = CASES[path]
    body = make(vtn)
    padded = with_nulls(body, request_schema(path))
    assert null_count(padded) > 0
    party = who(vtn)
    response = vtn.client.post(vtn.url(path), json=padded, headers=party.headers)
    assert response.status_code == 201, response.text
    SCHEMA[path]["POST"].validate_response(response)
    created = response.json()
    assert null_count(_stored(created)) == 0
    assert get(vtn, party, f"{path}/{created['id']}") == created
    # The same body without the nulls, after the first is gone: stored identically.
    vtn.client.delete(vtn.url(f"{path}/{created['id']}"), headers=party.headers)
    plain = vtn.client.post(vtn.url(path), json=body, headers=party.headers)
    assert plain.status_code == 201, plain.text
    assert _stored(created) == _stored(plain.json())


def test_a_required_property_sent_as_null_is_still_refused(vtn: Vtn) -> None:
    response = vtn.client.post(
        vtn.url("/programs"), json={"programName": None}, headers=vtn.bl.headers
    )
    assert response.status_code == 400 and "programName" in response.json()["detail"]


def test_an_update_with_nulls_clears_what_it_leaves_out(vtn: Vtn) -> None:
    made = program(vtn, "p", targets=["zone-a"])
    padded = with_nulls({"programName": "p"}, request_schema("/programs"))
    updated = vtn.client.put(
        vtn.url(f"/programs/{made['id']}"), json=padded, headers=vtn.bl.headers
    )
    assert updated.status_code == 200, updated.text
    assert "targets" not in updated.json() and null_count(_stored(updated.json())) == 0
