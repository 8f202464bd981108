"""Security: VENs are fenced off from each other's objects, bad tokens and missing scopes
are refused, bad or oversized bodies get a 4xx problem and change nothing, and every
write is in the audit log under its actor."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.auth.keys import keyring
from surplus.auth.tokens import ALGORITHM, ISSUER
from surplus.store.audit import verify
from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import ProgramRow, ReportRow, VenRow
from tests.openadr.conftest import Vtn
from tests.openadr.helpers import audit_entries, count, event, grant, post, program, report
from tests.strategies import json_values


def _ven_objects(vtn: Vtn) -> dict[str, str]:
    """ven1's ven, resource, subscription and report; returns path -> id."""
    ven = post(vtn, vtn.ven1, "/vens", {"objectType": "VEN_VEN_REQUEST", "venName": "site-1"})
    resource = post(
        vtn,
        vtn.ven1,
        "/resources",
        {"objectType": "VEN_RESOURCE_REQUEST", "resourceName": "hall", "venID": ven["id"]},
    )
    subscription = post(
        vtn,
        vtn.ven1,
        "/subscriptions",
        {
            "clientName": "site-1",
            "objectOperations": [
                {
                    "objects": ["EVENT"],
                    "operations": ["CREATE"],
                    "callbackUrl": "https://site-1.example/hook",
                }
            ],
        },
    )
    evt = event(vtn, program(vtn, "p")["id"])
    rep = report(vtn, vtn.ven1, evt["id"])
    return {
        "/vens": ven["id"],
        "/resources": resource["id"],
        "/subscriptions": subscription["id"],
        "/reports": rep["id"],
    }


def test_a_ven_cannot_read_or_change_another_vens_objects(vtn: Vtn) -> None:
    owned = _ven_objects(vtn)
    client, other = vtn.client, vtn.ven2.headers
    for path, object_id in owned.items():
        assert client.get(vtn.url(path), headers=other).json() == []
        assert client.get(vtn.url(f"{path}/{object_id}"), headers=other).status_code == 404
        assert client.delete(vtn.url(f"{path}/{object_id}"), headers=other).status_code == 404
        assert (
            client.get(vtn.url(f"{path}/{object_id}"), headers=vtn.ven1.headers).status_code == 200
        )
        assert client.get(vtn.url(f"{path}/{object_id}"), headers=vtn.bl.headers).status_code == 200
    ven_id = owned["/vens"]
    put = client.put(
        vtn.url(f"/vens/{ven_id}"),
        headers=other,
        json={"objectType": "VEN_VEN_REQUEST", "venName": "hijacked"},
    )
    assert put.status_code == 404
    # ven2 may not hang a resource on ven1's ven either.
    hang = client.post(
        vtn.url("/resources"),
        headers=other,
        json={"objectType": "VEN_RESOURCE_REQUEST", "resourceName": "x", "venID": ven_id},
    )
    assert hang.status_code == 404
    assert (
        client.get(vtn.url(f"/vens/{ven_id}"), headers=vtn.bl.headers).json()["venName"] == "site-1"
    )


def test_a_ven_cannot_grant_itself_targets(vtn: Vtn) -> None:
    ven = grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    as_bl = {
        "objectType": "BL_VEN_REQUEST",
        "clientID": vtn.ven1.client_id,
        "venName": "site-1",
        "targets": ["zone-A", "zone-B"],
    }
    response = vtn.client.put(vtn.url(f"/vens/{ven['id']}"), json=as_bl, headers=vtn.ven1.headers)
    assert response.status_code == 403
    renamed = vtn.client.put(
        vtn.url(f"/vens/{ven['id']}"),
        headers=vtn.ven1.headers,
        json={"objectType": "VEN_VEN_REQUEST", "venName": "site-1b"},
    )
    assert renamed.status_code == 200
    assert renamed.json()["targets"] == ["zone-A"]  # the grant survives the VEN's own update


def _token(vtn: Vtn, key: bytes, expires_in_s: int, role: str = "ven") -> str:
    now = datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": vtn.ven1.client_id,
        "role": role,
        "scope": " ".join(sorted(SCOPES_BY_ROLE["bl"])),
        "iat": now,
        "exp": now + timedelta(seconds=expires_in_s),
    }
    # The header names the server's key, so only the signature tells a forgery apart.
    kid = keyring(vtn.settings).keys().current.kid
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


def test_expired_forged_and_missing_tokens_are_refused(vtn: Vtn) -> None:
    key = keyring(vtn.settings).keys().current.key
    cases = {
        "expired": _token(vtn, key, -10),
        "forged": _token(vtn, b"not-the-servers-key-not-the-servers-key", 3600, role="bl"),
        "garbage": "not.a.jwt",
    }
    for name, token in cases.items():
        response = vtn.client.get(
            vtn.url("/programs"), headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, name
        assert response.json()["status"] == 401
    assert vtn.client.get(vtn.url("/programs")).status_code == 401
    assert vtn.client.post(vtn.url("/programs"), json={"programName": "x"}).status_code == 401
    assert count(vtn.engine, ProgramRow) == 0


def test_missing_scopes_are_refused(vtn: Vtn) -> None:
    assert (
        vtn.client.post(
            vtn.url("/programs"), json={"programName": "x"}, headers=vtn.ven1.headers
        ).status_code
        == 403
    )
    evt = event(vtn, program(vtn, "p")["id"])
    narrowed = grant_for(vtn.ven1.client_id, "ven", None, frozenset({"read_targets"}), vtn.settings)
    headers = {"Authorization": f"Bearer {narrowed.access_token}"}
    body = {"eventID": evt["id"], "clientName": "c", "resources": []}
    assert vtn.client.post(vtn.url("/reports"), json=body, headers=headers).status_code == 403
    assert vtn.client.get(vtn.url("/vens"), headers=headers).status_code == 403
    assert (
        vtn.client.get(
            vtn.url("/notifiers/mqtt/topics/events"), headers=vtn.ven1.headers
        ).status_code
        == 403
    )  # read_bl
    # BL may not write reports: only VENs hold write_reports.
    assert (
        vtn.client.post(vtn.url("/reports"), json=body, headers=vtn.bl.headers).status_code == 403
    )
    assert count(vtn.engine, ReportRow) == 0


BAD_BODIES = [
    b"",
    b"{",
    b"[]",
    b'{"programName": ""}',
    b'{"programName": null}',
    b'{"programName": 5}',
    b'{"programName": "' + b"x" * 129 + b'"}',
    b'{"programName": "ok", "intervalPeriod": {"duration": "1 hour"}}',
    b'{"programName": "ok", "intervalPeriod": {"start": "yesterday"}}',
    b'{"programName": "ok", "targets": [""]}',
    b'{"programName": "ok", "payloadDescriptors": [{"objectType": "NO", "payloadType": "P"}]}',
    b'{"programName": "ok", "programDescriptions": [{"URL": "no scheme"}]}',
    '{"programName": "\u00e9"'.encode(),
]


def test_malformed_bodies_get_a_400_problem_and_change_nothing(vtn: Vtn) -> None:
    before = len(audit_entries(vtn.engine))
    for body in BAD_BODIES:
        response = vtn.client.post(
            vtn.url("/programs"),
            content=body,
            headers={**vtn.bl.headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, (body, response.text)
        problem = response.json()
        assert problem["status"] == 400 and problem["title"] == "Bad Request" and problem["detail"]
    assert count(vtn.engine, ProgramRow) == 0
    assert len(audit_entries(vtn.engine)) == before


def test_oversized_body_is_refused_before_parsing(vtn: Vtn) -> None:
    huge = json.dumps(
        {"programName": "big", "attributes": [{"type": "NOTE", "values": ["x" * 1000] * 2000}]}
    )
    response = vtn.client.post(
        vtn.url("/programs"),
        content=huge,
        headers={**vtn.bl.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert count(vtn.engine, ProgramRow) == 0


JSON_BODIES = json_values(max_leaves=20)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=JSON_BODIES, path=st.sampled_from(["/programs", "/events", "/vens", "/subscriptions"]))
def test_random_json_never_causes_a_server_error(vtn: Vtn, body: object, path: str) -> None:
    response = vtn.client.post(vtn.url(path), json=body, headers=vtn.bl.headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["status"] == response.status_code


def test_every_write_is_audited_with_its_actor(vtn: Vtn) -> None:
    start = len(audit_entries(vtn.engine))
    ven = grant(vtn, vtn.ven1, "site-1", ["zone-A"])
    prog = program(vtn, "p", ["zone-A"])
    evt = event(vtn, prog["id"], ["zone-A"])
    rep = report(vtn, vtn.ven1, evt["id"])
    vtn.client.delete(vtn.url(f"/reports/{rep['id']}"), headers=vtn.ven1.headers)
    entries = audit_entries(vtn.engine)[start:]
    seen = [(e.actor, e.action, e.object_type, e.object_id) for e in entries]
    bl, ven1 = f"client:{vtn.bl.client_id}", f"client:{vtn.ven1.client_id}"
    assert seen == [
        (bl, "openadr.create", "ven", ven["id"]),
        (bl, "openadr.create", "program", prog["id"]),
        (bl, "openadr.create", "event", evt["id"]),
        (ven1, "openadr.create", "report", rep["id"]),
        (ven1, "openadr.delete", "report", rep["id"]),
    ]
    assert entries[3].payload["clientID"] == vtn.ven1.client_id
    with make_sessionmaker(vtn.engine)() as session:
        assert verify(session).ok
    assert count(vtn.engine, VenRow) == 1
