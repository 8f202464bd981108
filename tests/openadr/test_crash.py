"""Reliability: the VTN process is SIGKILLed while VENs post reports, then restarted.
Clients retry until acknowledged, sending an Idempotency-Key; afterwards every report the
server acknowledged is stored, and each exactly once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from surplus.auth import SCOPES_BY_ROLE, grant_for
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.openadr_tables import ReportRow
from tests.openadr.conftest import make_settings
from tests.openadr.server import Server
from tests.store.databases import BACKENDS, fresh_url

VENS = 4
REPORTS_PER_VEN = 25


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    vtn = Server(fresh_url(request.param, "openadr_crash", tmp_path), log_path=tmp_path / "log")
    vtn.prepare()
    yield vtn
    vtn.stop()


def _token(server: Server, role: str, name: str) -> str:
    client_id, _ = server.add_client(role, name)
    settings = make_settings(server.database_url)
    return grant_for(client_id, role, None, SCOPES_BY_ROLE[role], settings).access_token


def _setup_event(server: Server, bl_token: str) -> str:
    headers = {"Authorization": f"Bearer {bl_token}"}
    program = httpx.post(f"{server.base_url}/programs", json={"programName": "p"}, headers=headers)
    event = httpx.post(
        f"{server.base_url}/events",
        headers=headers,
        json={"programID": program.json()["id"], "intervals": []},
    )
    return str(event.json()["id"])


def _post_until_acknowledged(
    server: Server, token: str, event_id: str, acked: dict[str, str], stop: threading.Event
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=5) as http:
        for n in range(REPORTS_PER_VEN):
            key = f"{token[-12:]}-{n}"
            body = {
                "eventID": event_id,
                "clientName": "site",
                "reportName": key,
                "resources": [
                    {
                        "resourceName": "AGGREGATED_REPORT",
                        "intervals": [{"id": 0, "payloads": [{"type": "USAGE", "values": [n]}]}],
                    }
                ],
            }
            while not stop.is_set():
                try:
                    response = http.post(
                        f"{server.base_url}/reports",
                        json=body,
                        headers={**headers, "Idempotency-Key": key},
                    )
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue
                if response.status_code == 201:
                    acked[key] = response.json()["id"]
                    break
                assert response.status_code >= 500, response.text
                time.sleep(0.05)


def test_reports_acknowledged_before_a_crash_are_stored_exactly_once(server: Server) -> None:
    server.start()
    event_id = _setup_event(server, _token(server, "bl", "bl"))
    tokens = [_token(server, "ven", f"site-{i}") for i in range(VENS)]
    acked: list[dict[str, str]] = [{} for _ in tokens]
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_post_until_acknowledged, args=(server, token, event_id, acked[i], stop)
        )
        for i, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    total = VENS * REPORTS_PER_VEN
    deadline = time.monotonic() + 60
    while sum(map(len, acked)) < total // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    before_kill = sum(map(len, acked))
    server.kill()
    time.sleep(0.5)
    server.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    assert 0 < before_kill < total, "the kill must land while reports are being posted"

    everything = {key: report_id for per_ven in acked for key, report_id in per_ven.items()}
    assert len(everything) == total
    engine = make_engine(server.database_url)
    with make_sessionmaker(engine)() as session:
        stored = dict(
            session.execute(select(ReportRow.idempotency_key, ReportRow.id)).tuples().all()
        )
        rows = session.scalar(select(func.count()).select_from(ReportRow))
    engine.dispose()
    assert rows == total  # no duplicate from a retried post
    assert stored == everything  # each acknowledged id is the stored one
