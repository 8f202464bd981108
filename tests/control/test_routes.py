"""The control room's endpoints: grid state pushed in (authenticated, audited, checked),
and a frequency reading that sheds every enrolled miner with no controller running."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.control.push import StoreFeed
from surplus.simulation.world import World
from surplus.store.audit import AuditEntry
from surplus.store.clients import Client
from surplus.store.control_tables import ControlGridState, ControlOrder
from surplus.store.openadr_tables import EventRow, TargetRow
from tests.control.stack import ScriptedFeed, miner, world

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[World, TestClient]]:
    w = world(
        tmp_path,
        [miner(1, 100), miner(2, 50), miner(3, 20, zone="ke")],
        ScriptedFeed({"mepco": 1000.0, "ke": 100.0}),
    )
    w._register()  # the programme as the allocation leaves it: no controller, no agents
    with TestClient(w.app) as client:
        yield w, client
    w.engine.dispose()


def headers(w: World, role: str = "bl", register: bool = True) -> dict[str, str]:
    """A token for the client `<role>-client`, registered first unless `register` is
    false (the service refuses tokens of clients it does not know)."""
    client_id = f"{role}-client"
    if register:
        with w.factory() as session:
            if session.get(Client, client_id) is None:
                row = Client(client_id=client_id, secret_hash="scrypt$unusable", role=role,
                             name=f"test {role}")  # fmt: skip
                session.add(row)
                session.commit()
    token = grant_for(client_id, role, None, SCOPES_BY_ROLE[role], w.settings).access_token
    return {"Authorization": f"Bearer {token}"}


def now() -> datetime:
    return datetime.now(UTC)


def test_grid_state_needs_business_logic_credentials(stack: tuple[World, TestClient]) -> None:
    w, client = stack
    body = {"zones": [{"zone": "mepco", "spare_mw": 50.0, "observed_at": now().isoformat()}]}
    assert client.post("/api/v1/control/grid-state", json=body).status_code == 401
    assert (
        client.post("/api/v1/control/grid-state", json=body, headers=headers(w, "ven")).status_code
        == 403
    )


def test_pushes_get_the_protections_of_the_rest_of_the_api(
    stack: tuple[World, TestClient],
) -> None:
    """Tokens of unknown or revoked clients, NUL in a string, an oversized body: refused
    as on every other /api/v1 route, with the service's headers, and nothing stored."""
    w, client = stack
    t = now().replace(microsecond=0).isoformat()
    body = {"zones": [{"zone": "mepco", "spare_mw": 50.0, "observed_at": t}]}
    url = "/api/v1/control/grid-state"
    unknown = client.post(url, json=body, headers=headers(w, register=False))
    assert unknown.status_code == 401  # validly signed, but for a client that does not exist
    assert unknown.headers["x-content-type-options"] == "nosniff"
    known = headers(w)
    nul = client.post(url, json={**body, "source": "NP\x00CC"}, headers=known)
    assert nul.status_code == 422 and "NUL" in nul.json()["detail"]
    frequency = {"hz": 49.6, "observed_at": t, "source": "PMU\x00"}
    assert (
        client.post("/api/v1/control/frequency", json=frequency, headers=known).status_code == 422
    )
    status = client.get("/api/v1/control/orders", params={"status": "a\x00"}, headers=known)
    assert status.status_code == 422
    huge = {"zones": body["zones"], "source": "x" * 200, "pad": "y" * 5_000_000}
    assert client.post(url, json=huge, headers=known).status_code == 413
    with w.factory() as session:
        assert list(session.scalars(select(ControlGridState))) == []
        row = session.get(Client, "bl-client")
        assert row is not None
        row.revoked_at = now()
        session.commit()
    w.app.state.revocations = None  # as every process does within SURPLUS_REVOCATION_REFRESH_S
    revoked = client.post(url, json=body, headers=known)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]


def test_pushed_grid_state_is_stored_audited_and_read_by_the_feed(
    stack: tuple[World, TestClient],
) -> None:
    w, client = stack
    t = now().replace(microsecond=0)
    body = {
        "source": "NPCC",
        "zones": [
            {
                "zone": "mepco",
                "spare_mw": 50.0,
                "price_pkr_per_mwh": 30000,
                "observed_at": t.isoformat(),
            },
            {"zone": "ke", "spare_mw": -20.0, "observed_at": t.isoformat()},
        ],
    }
    answer = client.post("/api/v1/control/grid-state", json=body, headers=headers(w))
    assert answer.status_code == 201 and answer.json() == {"received": 2, "stored": 2}
    older = {
        "zones": [
            {
                "zone": "mepco",
                "spare_mw": 999.0,
                "observed_at": (t - timedelta(seconds=5)).isoformat(),
            }
        ]
    }
    assert (
        client.post("/api/v1/control/grid-state", json=older, headers=headers(w)).json()["stored"]
        == 0
    )
    snapshot = StoreFeed(w.factory).snapshot(t)
    assert snapshot.zones["mepco"].spare_mw == 50.0
    assert snapshot.zones["mepco"].price_pkr_per_mwh == 30000
    assert snapshot.zones["ke"].spare_mw == -20.0
    with w.factory() as session:
        pushes = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "control.grid_state"))
        )
    assert len(pushes) == 2 and pushes[0].payload["source"] == "NPCC"


@pytest.mark.parametrize(
    "zones",
    [
        [{"zone": "mepco", "spare_mw": 1.0, "observed_at": "2026-01-01T00:00:00"}],  # naive
        [{"zone": "mepco", "spare_mw": 1.0, "observed_at": "2999-01-01T00:00:00Z"}],  # future
        [{"zone": "mepco", "spare_mw": 1.0, "observed_at": "2026-01-01T00:00:00Z"}] * 2,
        [{"zone": "mepco", "spare_mw": "lots", "observed_at": "2026-01-01T00:00:00Z"}],
    ],
)
def test_bad_pushes_are_refused_and_change_nothing(
    stack: tuple[World, TestClient], zones: list[dict[str, object]]
) -> None:
    w, client = stack
    answer = client.post("/api/v1/control/grid-state", json={"zones": zones}, headers=headers(w))
    assert answer.status_code == 422
    with w.factory() as session:
        assert list(session.scalars(select(ControlGridState))) == []


def test_under_frequency_sheds_every_miner_at_once_with_no_controller_running(
    stack: tuple[World, TestClient],
) -> None:
    w, client = stack
    low = {"hz": 49.6, "observed_at": now().isoformat(), "source": "PMU-1"}
    answer = client.post("/api/v1/control/frequency", json=low, headers=headers(w))
    assert answer.status_code == 201
    assert answer.json() == {"action": "trip", "tripped": True, "sites_shed": 3}
    again = client.post("/api/v1/control/frequency", json=low, headers=headers(w)).json()
    assert again == {"action": None, "tripped": True, "sites_shed": 0}  # one shed, not two
    with w.factory() as session:
        events = [
            e
            for e in session.scalars(select(EventRow))
            if e.body.get("eventName") == "under-frequency shed"
        ]
        (shed,) = events
        targets = set(
            session.scalars(select(TargetRow.target).where(TargetRow.object_id == shed.id))
        )
        placed = list(session.scalars(select(ControlOrder)))
        trips = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == "control.frequency_trip"))
        )
    assert targets == {"under-frequency"}
    assert shed.body["intervals"][0]["payloads"][0] == {"type": "SIMPLE", "values": [3]}
    assert sorted((o.site_id, o.limit_mw, o.reason) for o in placed) == [
        (1, 0.0, "frequency"),
        (2, 0.0, "frequency"),
        (3, 0.0, "frequency"),
    ]
    assert len(trips) == 1 and trips[0].payload["hz"] == 49.6
    listed = client.get("/api/v1/control/orders?status=active", headers=headers(w)).json()
    assert listed["total"] == 3


def test_a_normal_frequency_sheds_nothing(stack: tuple[World, TestClient]) -> None:
    w, client = stack
    fine = {"hz": 49.95, "observed_at": now().isoformat()}
    answer = client.post("/api/v1/control/frequency", json=fine, headers=headers(w)).json()
    assert answer == {"action": None, "tripped": False, "sites_shed": 0}
