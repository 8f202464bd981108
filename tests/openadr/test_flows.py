"""Whole flows through every path, each response checked against the official document:
the positive paths schemathesis rarely reaches with random ids."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import httpx
import schemathesis

from tests.clock import rfc3339_from_now
from tests.openadr.conftest import Party, Vtn
from tests.openadr.spec import with_errata

KARACHI = ZoneInfo("Asia/Karachi")
SCHEMA = schemathesis.openapi.from_dict(with_errata("http://testserver"))


def call(
    vtn: Vtn,
    party: Party | None,
    method: str,
    template: str,
    status: int,
    path: str | None = None,
    **kwargs: Any,
) -> Any:
    headers = party.headers if party else {}
    response: httpx.Response = vtn.client.request(
        method, vtn.url(path or template), headers=headers, **kwargs
    )
    assert response.status_code == status, response.text
    SCHEMA[template][method].validate_response(response)
    return response.json()


def test_programme_lifecycle(vtn: Vtn) -> None:
    bl, ven = vtn.bl, vtn.ven1
    program = call(
        vtn,
        bl,
        "POST",
        "/programs",
        201,
        json={
            "programName": "flex-NORTH",
            "targets": ["zone-NORTH"],
            "intervalPeriod": {"start": "2026-01-01T00:00:00+05:00", "duration": "P1Y"},
            "programDescriptions": [{"URL": "https://surplus.example.pk/programme"}],
            "payloadDescriptors": [
                {
                    "objectType": "EVENT_PAYLOAD_DESCRIPTOR",
                    "payloadType": "IMPORT_CAPACITY_LIMIT",
                    "units": "KW",
                }
            ],
        },
    )
    pid = program["id"]
    renamed = call(
        vtn,
        bl,
        "PUT",
        "/programs/{programID}",
        200,
        f"/programs/{pid}",
        json={"programName": "flex-NORTH-2026", "targets": ["zone-NORTH"]},
    )
    assert renamed["createdDateTime"] == program["createdDateTime"]
    assert renamed["modificationDateTime"] >= program["modificationDateTime"]
    ven_obj = call(
        vtn,
        bl,
        "POST",
        "/vens",
        201,
        json={
            "objectType": "BL_VEN_REQUEST",
            "clientID": ven.client_id,
            "venName": "site-17",
            "targets": ["zone-NORTH", "site-17"],
        },
    )
    vid = ven_obj["id"]
    resource = call(
        vtn,
        ven,
        "POST",
        "/resources",
        201,
        json={"objectType": "VEN_RESOURCE_REQUEST", "resourceName": "hall-1", "venID": vid},
    )
    assert resource["clientID"] == ven.client_id
    call(
        vtn,
        ven,
        "PUT",
        "/resources/{resourceID}",
        200,
        f"/resources/{resource['id']}",
        json={"objectType": "VEN_RESOURCE_REQUEST", "resourceName": "hall-1b", "venID": vid},
    )
    assert [
        r["resourceName"]
        for r in call(vtn, ven, "GET", "/resources", 200, f"/resources?venID={vid}")
    ] == ["hall-1b"]
    event = call(
        vtn,
        bl,
        "POST",
        "/events",
        201,
        json={
            "programID": pid,
            "eventName": "curtail",
            "priority": 1,
            "targets": ["site-17"],
            "reportDescriptors": [{"payloadType": "OPERATING_STATE", "startInterval": 0}],
            "intervalPeriod": {"start": rfc3339_from_now(24, KARACHI), "duration": "PT2H"},
            "intervals": [
                {"id": 0, "payloads": [{"type": "IMPORT_CAPACITY_LIMIT", "values": [250000.0]}]}
            ],
        },
    )
    eid = event["id"]
    assert call(vtn, ven, "GET", "/events/{eventID}", 200, f"/events/{eid}")["targets"] == [
        "site-17"
    ]
    call(
        vtn,
        bl,
        "PUT",
        "/events/{eventID}",
        200,
        f"/events/{eid}",
        json={"programID": pid, "targets": ["site-17"], "intervals": []},
    )
    report = call(
        vtn,
        ven,
        "POST",
        "/reports",
        201,
        json={
            "eventID": eid,
            "clientName": "site-17",
            "reportName": "ack",
            "payloadDescriptors": [
                {
                    "objectType": "REPORT_PAYLOAD_DESCRIPTOR",
                    "payloadType": "DEMAND",
                    "units": "KW",
                    "readingType": "MEAN",
                }
            ],
            "resources": [
                {
                    "resourceName": "AGGREGATED_REPORT",
                    "intervals": [
                        {
                            "id": 0,
                            "payloads": [
                                {"type": "OPERATING_STATE", "values": ["RUNNING_CURTAILED"]},
                                {"type": "DEMAND", "values": [248000.0]},
                            ],
                        }
                    ],
                }
            ],
        },
    )
    call(
        vtn,
        ven,
        "PUT",
        "/reports/{reportID}",
        200,
        f"/reports/{report['id']}",
        json={"eventID": eid, "clientName": "site-17", "resources": []},
    )
    assert len(call(vtn, bl, "GET", "/reports", 200, f"/reports?programID={pid}")) == 1
    assert call(vtn, bl, "GET", "/reports", 200, "/reports?clientName=other") == []
    subscription = call(
        vtn,
        ven,
        "POST",
        "/subscriptions",
        201,
        json={
            "clientName": "site-17",
            "programID": pid,
            "objectOperations": [
                {
                    "objects": ["EVENT"],
                    "operations": ["CREATE"],
                    "callbackUrl": "https://site-17.example.pk/hook",
                }
            ],
        },
    )
    sid = subscription["id"]
    assert len(call(vtn, ven, "GET", "/subscriptions", 200, "/subscriptions?objects=EVENT")) == 1
    assert call(vtn, ven, "GET", "/subscriptions", 200, "/subscriptions?objects=VEN") == []
    call(
        vtn,
        ven,
        "PUT",
        "/subscriptions/{subscriptionID}",
        200,
        f"/subscriptions/{sid}",
        json={"clientName": "site-17", "objectOperations": []},
    )
    call(vtn, ven, "DELETE", "/subscriptions/{subscriptionID}", 200, f"/subscriptions/{sid}")
    call(vtn, ven, "DELETE", "/reports/{reportID}", 200, f"/reports/{report['id']}")
    # Deleting the program takes its events; deleting the ven takes its resources.
    call(vtn, bl, "DELETE", "/programs/{programID}", 200, f"/programs/{pid}")
    call(vtn, bl, "GET", "/events/{eventID}", 404, f"/events/{eid}")
    call(vtn, bl, "DELETE", "/vens/{venID}", 200, f"/vens/{vid}")
    assert call(vtn, bl, "GET", "/resources", 200) == []


def test_auth_endpoints(vtn: Vtn) -> None:
    info = call(vtn, None, "GET", "/auth/server", 200)
    assert info["tokenURL"].endswith("/openadr3/3.1.0/auth/token")
    grant = call(
        vtn,
        None,
        "POST",
        "/auth/token",
        200,
        data={
            "grant_type": "client_credentials",
            "client_id": vtn.ven1.client_id,
            "client_secret": vtn.ven1.client_secret,
        },
    )
    assert grant["token_type"] == "Bearer"
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    assert vtn.client.get(vtn.url("/programs"), headers=headers).status_code == 200
    call(
        vtn,
        None,
        "POST",
        "/auth/token",
        401,
        data={
            "grant_type": "client_credentials",
            "client_id": vtn.ven1.client_id,
            "client_secret": "wrong",
        },
    )
    call(vtn, None, "POST", "/auth/token", 400, data={"grant_type": "password"})


def test_notifier_endpoints_without_a_broker(vtn: Vtn) -> None:
    assert call(vtn, vtn.ven1, "GET", "/notifiers", 200) == {"WEBHOOK": True}
    call(vtn, vtn.bl, "GET", "/notifiers/mqtt/topics/programs", 404)


def test_notifier_endpoints_with_a_broker(vtn: Vtn) -> None:
    vtn.client.app.state.settings = vtn.settings.model_copy(
        update={"mqtt_url": "mqtt://127.0.0.1:1883"}
    )
    notifiers = call(vtn, vtn.ven1, "GET", "/notifiers", 200)
    assert notifiers["MQTT"]["URIS"] == ["mqtt://127.0.0.1:1883"]
    pid = call(vtn, vtn.bl, "POST", "/programs", 201, json={"programName": "p"})["id"]
    vid = call(
        vtn, vtn.ven1, "POST", "/vens", 201, json={"objectType": "VEN_VEN_REQUEST", "venName": "v"}
    )["id"]
    for template, path, party in (
        ("/notifiers/mqtt/topics/programs", None, vtn.ven1),
        (
            "/notifiers/mqtt/topics/programs/{programID}",
            f"/notifiers/mqtt/topics/programs/{pid}",
            vtn.ven1,
        ),
        (
            "/notifiers/mqtt/topics/programs/{programID}/events",
            f"/notifiers/mqtt/topics/programs/{pid}/events",
            vtn.ven1,
        ),
        ("/notifiers/mqtt/topics/events", None, vtn.bl),
        ("/notifiers/mqtt/topics/reports", None, vtn.bl),
        ("/notifiers/mqtt/topics/subscriptions", None, vtn.bl),
        ("/notifiers/mqtt/topics/vens", None, vtn.bl),
        ("/notifiers/mqtt/topics/resources", None, vtn.bl),
        ("/notifiers/mqtt/topics/vens/{venID}", f"/notifiers/mqtt/topics/vens/{vid}", vtn.ven1),
        (
            "/notifiers/mqtt/topics/vens/{venID}/events",
            f"/notifiers/mqtt/topics/vens/{vid}/events",
            vtn.ven1,
        ),
        (
            "/notifiers/mqtt/topics/vens/{venID}/programs",
            f"/notifiers/mqtt/topics/vens/{vid}/programs",
            vtn.ven1,
        ),
        (
            "/notifiers/mqtt/topics/vens/{venID}/resources",
            f"/notifiers/mqtt/topics/vens/{vid}/resources",
            vtn.ven1,
        ),
    ):
        topics = call(vtn, party, "GET", template, 200, path)["topics"]
        assert topics["UPDATE"].startswith("openadr3/") and topics["ALL"].endswith("/+")
    # Another VEN may not learn the topics of ven1's ven.
    call(
        vtn,
        vtn.ven2,
        "GET",
        "/notifiers/mqtt/topics/vens/{venID}",
        404,
        f"/notifiers/mqtt/topics/vens/{vid}",
    )
