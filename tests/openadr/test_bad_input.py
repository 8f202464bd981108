"""Bad input to the VTN that used to get through, on both backends: NUL in any string,
durations written with other scripts' digits, numbers too large for a float, and callback
bearer tokens kept in clear in the audit log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from surplus.store.audit import AuditEntry
from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import EventRow, ProgramRow, ReportRow
from tests.clock import rfc3339_from_now
from tests.openadr.conftest import Vtn
from tests.openadr.helpers import count, event, post, program, report_body

NUL = "\u0000"


def _audit_count(vtn: Vtn) -> int:
    return count(vtn.engine, AuditEntry)


def _refused(vtn: Vtn, path: str, raw: str | dict[str, Any], party: str = "bl") -> str:
    """Post `raw`; it must be a 400 problem that stores nothing and audits nothing."""
    who = getattr(vtn, party)
    before = (_audit_count(vtn), count(vtn.engine, ProgramRow), count(vtn.engine, EventRow))
    content = raw if isinstance(raw, str) else json.dumps(raw)
    answer = vtn.client.post(
        vtn.url(path),
        content=content,
        headers={**who.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    after = (_audit_count(vtn), count(vtn.engine, ProgramRow), count(vtn.engine, EventRow))
    assert after == before
    detail: str = answer.json()["detail"]
    return detail


def test_nul_is_refused_in_every_string_the_vtn_stores(any_vtn: Vtn) -> None:
    vtn = any_vtn
    prog = program(vtn, "p")
    base_event = {
        "programID": prog["id"],
        "intervals": [{"id": 0, "payloads": [{"type": "SIMPLE", "values": [1]}]}],
    }
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/programs", {"programName": f"p{NUL}2"}, "bl"),
        ("/events", {**base_event, "eventName": f"curtail{NUL}"}, "bl"),
        (
            "/events",
            {**base_event, "intervals": [{"id": 0, "payloads": [{"type": "X", "values": [NUL]}]}]},
            "bl",
        ),
        (
            "/events",
            {
                **base_event,
                "payloadDescriptors": [
                    {
                        "objectType": "EVENT_PAYLOAD_DESCRIPTOR",
                        "payloadType": "PRICE",
                        "currency": f"PKR{NUL}",
                    }
                ],
            },
            "bl",
        ),
        (
            "/subscriptions",
            {
                "clientName": "c",
                "objectOperations": [
                    {
                        "objects": ["EVENT"],
                        "operations": ["CREATE"],
                        "callbackUrl": "https://ven.example.com/hook",
                        "bearerToken": f"token{NUL}",
                    }
                ],
            },
            "ven1",
        ),
        ("/vens", {"objectType": "VEN_VEN_REQUEST", "venName": f"site{NUL}"}, "ven1"),
    ]
    evt = event(vtn, prog["id"])
    cases.append(("/reports", {**report_body(evt["id"]), "reportName": f"r{NUL}"}, "ven1"))
    for path, body, party in cases:
        detail = _refused(vtn, path, body, party)
        assert "NUL" in detail, (path, detail)
    assert count(vtn.engine, ReportRow) == 0
    for query in ({"venName": f"a{NUL}"}, {"targets": f"t{NUL}"}):
        answer = vtn.client.get(vtn.url("/vens"), params=query, headers=vtn.bl.headers)
        assert answer.status_code == 400, answer.text


@pytest.mark.parametrize("duration", ["P١D", "PT١H", "P1D١", "PT٢٠M", "P１D"])
def test_durations_take_ascii_digits_only(vtn: Vtn, duration: str) -> None:
    prog = program(vtn, "p")
    body = {
        "programID": prog["id"],
        "intervalPeriod": {"start": rfc3339_from_now(hours=24), "duration": duration},
        "intervals": [],
    }
    assert "duration" in _refused(vtn, "/events", body)
    assert "duration" in _refused(vtn, "/programs", {"programName": "q", **body})


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/programs", '{"programName": "p", "attributes": [{"type": "X", "values": [1e309]}]}'),
        ("/programs", '{"programName": "p", "attributes": [{"type": "X", "values": [-1e309]}]}'),
        (
            "/programs",
            '{"programName": "p", "attributes": [{"type": "X", "values": [{"x": 1e309, "y": 0}]}]}',
        ),
    ],
)
def test_a_number_too_large_for_a_float_is_a_clean_400(vtn: Vtn, path: str, raw: str) -> None:
    detail = _refused(vtn, path, raw)
    for internal in ("audit", "JSON compliant", "Traceback", "float values"):
        assert internal not in detail, detail


def test_callback_bearer_tokens_are_not_kept_in_the_audit_log(any_vtn: Vtn) -> None:
    vtn = any_vtn
    secret = "hook-secret-that-must-not-be-archived"
    made = post(
        vtn,
        vtn.ven1,
        "/subscriptions",
        {
            "clientName": "c",
            "objectOperations": [
                {
                    "objects": ["EVENT"],
                    "operations": ["CREATE"],
                    "callbackUrl": "https://ven.example.com/hook",
                    "bearerToken": secret,
                }
            ],
        },
    )
    assert made["objectOperations"][0]["bearerToken"] == secret  # the owner still reads it
    changed = vtn.client.put(
        vtn.url(f"/subscriptions/{made['id']}"),
        json={**{k: made[k] for k in ("clientName", "objectOperations")}},
        headers=vtn.ven1.headers,
    )
    assert changed.status_code == 200, changed.text
    assert vtn.client.delete(
        vtn.url(f"/subscriptions/{made['id']}"), headers=vtn.ven1.headers
    ).is_success
    with make_sessionmaker(vtn.engine)() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "subscription")
        ).all()
    assert [e.action for e in entries] == ["openadr.create", "openadr.update", "openadr.delete"]
    for entry in entries:
        assert secret not in json.dumps(entry.payload)
        assert entry.payload["objectOperations"][0]["bearerToken"] == "[redacted]"
