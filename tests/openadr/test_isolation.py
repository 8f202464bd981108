"""No client can stall or crowd out the others: callback checks hold no write slot, a slow
callback delays no one else's notifications, a failing host is skipped for a while, each
VEN holds a bounded number of objects, and names are unique per owner only."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from surplus.openadr.outbox import DELIVERED, OutboxWorker
from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import OutboxRow, ResourceRow, SubscriptionRow, VenRow
from tests.openadr.conftest import Vtn, running_vtn
from tests.openadr.helpers import count, get, post, program


def _subscription(url: str, name: str = "site") -> dict[str, object]:
    return {
        "clientName": name,
        "objectOperations": [
            {"objects": ["PROGRAM"], "operations": ["CREATE"], "callbackUrl": url}
        ],
    }


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield int(server.getsockname()[1])


def test_callbacks_that_hang_do_not_hold_up_other_writes(
    sqlite_engine: Engine, hanging_port: int
) -> None:
    """Four subscriptions whose callback never answers the echo challenge used to hold
    all four write slots for the echo's timeout: a BL's program (and so a curtailment
    event) waited about 10 s behind them."""
    loopback = ["127.0.0.0/8", "::1/128"]
    with running_vtn(
        sqlite_engine, outbound_allow_networks=loopback, outbound_read_timeout_s=2.0
    ) as vtn:
        app = vtn.client.app
        app.state.settings = vtn.settings.model_copy(update={"environment": "production"})
        url = f"https://localhost:{hanging_port}/hook"

        async def main() -> tuple[float, list[int]]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://vtn") as http:
                hanging = [
                    asyncio.create_task(
                        http.post(
                            vtn.url("/subscriptions"),
                            json=_subscription(url, f"s{n}"),
                            headers=vtn.ven1.headers,
                        )
                    )
                    for n in range(6)
                ]
                await asyncio.sleep(0.5)  # every echo has connected and is waiting
                started = time.monotonic()
                made = await http.post(
                    vtn.url("/programs"), json={"programName": "urgent"}, headers=vtn.bl.headers
                )
                took_s = time.monotonic() - started
                assert made.status_code == 201, made.text
                answers = await asyncio.gather(*hanging)
            return took_s, [answer.status_code for answer in answers]

        took_s, statuses = asyncio.run(main())
    assert took_s < 1.5, f"the program waited {took_s:.1f} s behind hanging callbacks"
    assert statuses == [400] * 6


def _outbox_rows(engine: Engine) -> dict[str, OutboxRow]:
    with make_sessionmaker(engine)() as session:
        return {row.destination: row for row in session.scalars(select(OutboxRow))}


def test_a_slow_callback_does_not_delay_anyone_elses_notifications(vtn: Vtn) -> None:
    """120 subscriptions of one VEN whose callbacks hang, and one healthy subscriber: the
    healthy one's notification is delivered and recorded at once, not after the others."""
    for n in range(120):
        post(vtn, vtn.bl, "/subscriptions", _subscription(f"http://hang.test/{n}", f"h{n}"))
    post(vtn, vtn.bl, "/subscriptions", _subscription("http://healthy.test/hook"))
    program(vtn, "p")
    release = asyncio.Event()
    factory = make_sessionmaker(vtn.engine)

    async def callback(request: httpx.Request) -> httpx.Response:
        if request.url.host == "hang.test":
            await release.wait()
        return httpx.Response(200)

    async def main() -> float | None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(callback)) as http:
            worker = OutboxWorker(factory, http, None)
            running = asyncio.create_task(worker.run())
            started, delivered_after = time.monotonic(), None
            while time.monotonic() - started < 5:
                await asyncio.sleep(0.05)
                row = await asyncio.to_thread(_outbox_rows, vtn.engine)
                if row["http://healthy.test/hook"].status == DELIVERED:
                    delivered_after = time.monotonic() - started
                    break
            hanging = await asyncio.to_thread(_outbox_rows, vtn.engine)
            assert all(
                r.status != DELIVERED for url, r in hanging.items() if url.startswith("http://hang")
            )
            release.set()
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
        return delivered_after

    delivered_after = asyncio.run(main())
    assert delivered_after is not None and delivered_after < 2.0


def test_a_failing_host_is_skipped_until_its_circuit_closes() -> None:
    from surplus.openadr.breaker import HostBreaker

    now = [0.0]
    breaker = HostBreaker(threshold=3, open_s=30, max_open_s=120, clock=lambda: now[0])
    host = "down.test:443"
    for _ in range(3):
        assert breaker.refusal(host) is None
        breaker.record(host, host_up=False)
    refusal = breaker.refusal(host)
    assert refusal is not None and "3 times in a row" in refusal
    assert breaker.refusal("up.test:443") is None  # other hosts are unaffected
    now[0] = 30.0
    assert breaker.refusal(host) is None  # one probe
    assert breaker.refusal(host) is not None  # and only one
    breaker.record(host, host_up=False)
    now[0] = 89.0
    assert breaker.refusal(host) is not None  # open twice as long after a failed probe
    now[0] = 90.0
    assert breaker.refusal(host) is None
    breaker.record(host, host_up=True)
    assert breaker.refusal(host) is None and breaker.refusal(host) is None  # closed


def test_the_worker_stops_calling_a_host_that_keeps_failing(vtn: Vtn) -> None:
    """Twelve notifications for a dead host, four at a time: once five have failed the
    circuit opens, and the rest fail at once without a connection. (At most three more
    than five are tried: those already under way when the fifth failure came back.)"""
    for n in range(12):
        post(vtn, vtn.bl, "/subscriptions", _subscription(f"http://down.test/{n}", f"d{n}"))
    program(vtn, "p")
    calls: list[str] = []

    async def down(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        await asyncio.sleep(0.01)
        raise httpx.ConnectError("connection refused", request=request)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as http:
            worker = OutboxWorker(make_sessionmaker(vtn.engine), http, None, per_host=4)
            await worker.drain_once()

    asyncio.run(main())
    rows = _outbox_rows(vtn.engine)
    assert 5 <= len(calls) <= 8
    skipped = [r for r in rows.values() if "circuit open" in (r.last_error or "")]
    assert len(skipped) == 12 - len(calls)
    assert all(r.attempts == 1 and r.status == "PENDING" for r in skipped)


def test_each_ven_holds_a_bounded_number_of_objects(sqlite_engine: Engine) -> None:
    quotas = {"max_subscriptions_per_client": 3, "max_vens_per_client": 2}
    with running_vtn(sqlite_engine, max_resources_per_client=4, **quotas) as vtn:
        for n in range(3):
            post(vtn, vtn.ven1, "/subscriptions", _subscription(f"http://v.test/{n}"))
        refused = vtn.client.post(
            vtn.url("/subscriptions"),
            json=_subscription("http://v.test/x"),
            headers=vtn.ven1.headers,
        )
        assert refused.status_code == 403 and "at most 3 subscriptions" in refused.text
        vens = [
            post(vtn, vtn.ven1, "/vens", {"objectType": "VEN_VEN_REQUEST", "venName": f"v{n}"})
            for n in range(2)
        ]
        third = {"objectType": "VEN_VEN_REQUEST", "venName": "v3"}
        assert (
            vtn.client.post(vtn.url("/vens"), json=third, headers=vtn.ven1.headers).status_code
            == 403
        )
        for n in range(4):
            body = {
                "objectType": "VEN_RESOURCE_REQUEST",
                "resourceName": f"r{n}",
                "venID": vens[n % 2]["id"],
            }
            post(vtn, vtn.ven1, "/resources", body)
        body = {"objectType": "VEN_RESOURCE_REQUEST", "resourceName": "r9", "venID": vens[0]["id"]}
        assert (
            vtn.client.post(vtn.url("/resources"), json=body, headers=vtn.ven1.headers).status_code
            == 403
        )
        # Another VEN has its own quota; BL provisions every site and has none.
        post(vtn, vtn.ven2, "/subscriptions", _subscription("http://w.test/1"))
        for n in range(5):
            post(vtn, vtn.bl, "/subscriptions", _subscription(f"http://bl.test/{n}"))
        assert count(vtn.engine, SubscriptionRow) == 3 + 1 + 5
        assert count(vtn.engine, VenRow) == 2 and count(vtn.engine, ResourceRow) == 4


def test_ven_names_are_unique_per_owner_and_reveal_nothing_of_others(vtn: Vtn) -> None:
    """A VEN used to be able to take a name BL later needed for a site's ven (and learn
    from the 400 which names others had taken)."""
    squat = {"objectType": "VEN_VEN_REQUEST", "venName": "site-7"}
    mine = post(vtn, vtn.ven1, "/vens", squat)
    granted = post(
        vtn,
        vtn.bl,
        "/vens",
        {"objectType": "BL_VEN_REQUEST", "clientID": vtn.ven2.client_id, "venName": "site-7"},
    )
    assert granted["clientID"] == vtn.ven2.client_id
    again = vtn.client.post(vtn.url("/vens"), json=squat, headers=vtn.ven1.headers)
    assert again.status_code == 400 and "you already have a ven named 'site-7'" in again.text
    assert vtn.ven2.client_id not in again.text
    assert [v["id"] for v in get(vtn, vtn.ven1, "/vens?venName=site-7")] == [mine["id"]]
    assert [v["id"] for v in get(vtn, vtn.ven2, "/vens?venName=site-7")] == [granted["id"]]
    # Renaming into a clash is a 409 naming only the caller's own ven.
    other = post(vtn, vtn.ven1, "/vens", {"objectType": "VEN_VEN_REQUEST", "venName": "site-8"})
    clash = vtn.client.put(vtn.url(f"/vens/{other['id']}"), json=squat, headers=vtn.ven1.headers)
    assert clash.status_code == 409
