from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from surplus.store.audit import AuditEntry, verify
from surplus.store.readings import Reading
from surplus.store.rollup import roll_up
from tests.api.helpers import operator_site

Headers = dict[str, str]
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _batch(site_id: int, minutes: range, kind: str = "telemetry") -> dict[str, object]:
    return {
        "readings": [
            {
                "site_id": site_id,
                "kind": kind,
                "read_at": (T0 + timedelta(minutes=m)).isoformat(),
                "power_mw": float(m),
            }
            for m in minutes
        ]
    }


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_bulk_post_counts_new_and_duplicate_minutes(
    client: TestClient, bl: Headers, db: Session
) -> None:
    _, site = operator_site(client, bl)
    first = client.post("/api/v1/readings", json=_batch(site, range(5)), headers=bl)
    assert first.status_code == 201 and first.json() == {
        "received": 5,
        "inserted": 5,
        "duplicates": 0,
    }
    again = client.post("/api/v1/readings", json=_batch(site, range(3, 8)), headers=bl)
    assert again.json() == {"received": 5, "inserted": 3, "duplicates": 2}
    assert _count(db, Reading) == 8
    batches = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "readings")).all()
    assert [b.payload["inserted"] for b in batches] == [5, 3] and batches[0].actor == "client:admin"


def test_idempotency_key_replays_and_refuses_a_changed_body(
    client: TestClient, bl: Headers, db: Session
) -> None:
    _, site = operator_site(client, bl)
    headers = {**bl, "Idempotency-Key": "batch-0001"}
    first = client.post("/api/v1/readings", json=_batch(site, range(4)), headers=headers)
    audit_after_first = _count(db, AuditEntry)
    replay = client.post("/api/v1/readings", json=_batch(site, range(4)), headers=headers)
    assert replay.status_code == 201 and replay.json() == first.json() == {
        "received": 4,
        "inserted": 4,
        "duplicates": 0,
    }
    assert replay.headers["idempotent-replayed"] == "true"
    assert _count(db, AuditEntry) == audit_after_first
    changed = client.post("/api/v1/readings", json=_batch(site, range(9)), headers=headers)
    assert changed.status_code == 409
    assert _count(db, Reading) == 4


def test_a_ven_reports_only_for_its_own_sites(
    client: TestClient, bl: Headers, token_for: Callable[..., Headers], db: Session
) -> None:
    _, mine = operator_site(client, bl, "Mine Co", ven_id="ven-1")
    _, theirs = operator_site(client, bl, "Their Co", ven_id="ven-2")
    ven = token_for("ven", "v1", "ven-1")
    assert (
        client.post("/api/v1/readings", json=_batch(mine, range(2)), headers=ven).status_code == 201
    )
    refused = client.post("/api/v1/readings", json=_batch(theirs, range(2)), headers=ven)
    assert refused.status_code == 403 and _count(db, Reading) == 2
    # Another VEN's site and a site that does not exist get the same answer, so a VEN
    # cannot find out which site ids exist (this used to be 403 against 404).
    window = {"start": T0.isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()}
    missing = theirs + 999_999
    answers = [
        client.get(f"/api/v1/sites/{site}/readings", params=window, headers=ven)
        for site in (theirs, missing)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert [
        a.json()["detail"].replace(str(s), "N")
        for a, s in zip(answers, (theirs, missing), strict=True)
    ] == ["no site N is visible to you"] * 2
    posted = [
        client.post("/api/v1/readings", json=_batch(site, range(2)), headers=ven)
        for site in (theirs, missing)
    ]
    assert [p.status_code for p in posted] == [403, 403]
    assert _count(db, Reading) == 2


def test_bad_readings_are_refused_whole(client: TestClient, bl: Headers, db: Session) -> None:
    _, site = operator_site(client, bl)
    good = _batch(site, range(2))["readings"]
    bad_rows = [
        {
            "site_id": site,
            "kind": "telemetry",
            "read_at": "2026-03-10T12:00:00",
            "power_mw": 1.0,
        },  # naive
        {"site_id": site, "kind": "telemetry", "read_at": T0.isoformat()},  # no value
        {"site_id": site, "kind": "gas", "read_at": T0.isoformat(), "power_mw": 1.0},
        {"site_id": 9999, "kind": "meter", "read_at": T0.isoformat(), "energy_mwh": 1.0},
        {"site_id": site, "kind": "meter", "read_at": "2999-01-01T00:00:00Z", "energy_mwh": 1.0},
    ]
    for bad in bad_rows:
        response = client.post("/api/v1/readings", json={"readings": [*good, bad]}, headers=bl)  # type: ignore[list-item]
        assert response.status_code == 422, (bad, response.text)
    assert client.post("/api/v1/readings", json={"readings": []}, headers=bl).status_code == 422
    assert _count(db, Reading) == 0


def test_range_query_pages_and_hourly_resolution(
    client: TestClient, bl: Headers, db: Session
) -> None:
    _, site = operator_site(client, bl)
    client.post("/api/v1/readings", json=_batch(site, range(90)), headers=bl)
    url = f"/api/v1/sites/{site}/readings"
    window = {
        "start": (T0 + timedelta(minutes=10)).isoformat(),
        "end": (T0 + timedelta(minutes=70)).isoformat(),
    }
    page = client.get(url, params={**window, "limit": 25, "offset": 50}, headers=bl).json()
    assert page["total"] == 60 and len(page["items"]) == 10
    assert page["items"][0]["power_mw"] == 60.0 and page["items"][0]["kind"] == "telemetry"
    roll_up(db, T0, T0 + timedelta(hours=2))
    db.commit()
    hourly = client.get(
        url,
        params={
            "start": T0.isoformat(),
            "end": (T0 + timedelta(hours=2)).isoformat(),
            "resolution": "hour",
        },
        headers=bl,
    ).json()
    assert [(h["samples"], h["power_mw_mean"]) for h in hourly["items"]] == [(60, 29.5), (30, 74.5)]


def test_range_query_needs_an_ordered_aware_window(client: TestClient, bl: Headers) -> None:
    _, site = operator_site(client, bl)
    url = f"/api/v1/sites/{site}/readings"
    assert (
        client.get(
            url, params={"start": T0.isoformat(), "end": T0.isoformat()}, headers=bl
        ).status_code
        == 422
    )
    assert (
        client.get(
            url, params={"start": "2026-03-10T12:00:00", "end": "2026-03-10T13:00:00"}, headers=bl
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/sites/999/readings",
            params={"start": T0.isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()},
            headers=bl,
        ).status_code
        == 404
    )


def test_concurrent_uploads_all_land_and_keep_the_chain(
    app: FastAPI, client: TestClient, bl: Headers, db: Session
) -> None:
    _, site = operator_site(client, bl)
    statuses: list[int] = []

    def upload(worker: int) -> None:
        own = TestClient(app, raise_server_exceptions=False)
        for n in range(5):
            start = (worker * 5 + n) * 10
            response = own.post(
                "/api/v1/readings", json=_batch(site, range(start, start + 10)), headers=bl
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=upload, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 20
    assert _count(db, Reading) == 200
    assert verify(db).ok
