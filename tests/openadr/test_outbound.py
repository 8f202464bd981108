"""Outbound requests default-deny: a callback that names or resolves to a local, private or
otherwise non-public address is never connected to, in any spelling, at subscription time
or at delivery (the address connected to is the one checked); redirects are not followed;
and a client learns only that its URL was refused, never why."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Iterator, Sequence

import pytest
from fastapi import FastAPI
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from surplus.store.base import make_sessionmaker
from surplus.store.openadr_tables import OutboxRow, SubscriptionRow
from surplus.store.types import utc_now
from tests.openadr.conftest import Vtn, running_vtn, start_vtn
from tests.openadr.helpers import count, program
from tests.openadr.hooks import closed_port, ipv6_loopback, listener

LOCAL_SPELLINGS = [
    "127.0.0.1",
    "localhost",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "0x7f.1",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::1]",
    "[::]",
    "0.0.0.0",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]",
]
PRIVATE = [
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.10",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "240.0.0.1",
    "[fe80::1]",
    "[fc00::1]",
    "[ff02::1]",
    "[2001:db8::1]",
    "192.0.2.1",
]


def _subscription(url: str) -> dict[str, object]:
    return {
        "clientName": "site",
        "objectOperations": [
            {"objects": ["PROGRAM"], "operations": ["CREATE"], "callbackUrl": url}
        ],
    }


def _wait_for_attempts(engine: Engine, rows: int, timeout_s: float = 10.0) -> list[OutboxRow]:
    deadline = time.monotonic() + timeout_s
    while True:
        with make_sessionmaker(engine)() as session:
            found = list(session.scalars(select(OutboxRow).where(OutboxRow.attempts > 0)))
        if len(found) >= rows or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _queue(engine: Engine, destinations: Sequence[str]) -> None:
    """Notifications as an older server or a forged row might have left them."""
    now = utc_now()
    rows = [
        {
            "created_at": now,
            "channel": "WEBHOOK",
            "destination": url,
            "bearer_token": "stolen-if-sent",
            "payload": "{}",
            "status": "PENDING",
            "attempts": 0,
            "next_attempt_at": now,
        }
        for url in destinations
    ]
    with make_sessionmaker(engine)() as session, session.begin():
        session.execute(insert(OutboxRow), rows)


# -- the address rules ----------------------------------------------------------------------


@pytest.mark.parametrize("host", [h for h in LOCAL_SPELLINGS + PRIVATE if h != "localhost"])
def test_no_spelling_of_a_local_or_private_address_is_public(host: str) -> None:
    from surplus.openadr.outbound import OutboundPolicy, is_public, literal_address

    address = literal_address(host)
    assert address is not None, host
    assert not is_public(address)
    assert not OutboundPolicy().permits(address)


def test_public_addresses_pass_and_an_allow_list_opens_only_what_it_names() -> None:
    from surplus.openadr.outbound import OutboundPolicy

    for host in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"):
        assert OutboundPolicy().permits(ipaddress.ip_address(host))
    loopback = OutboundPolicy.from_networks(["127.0.0.0/8"])
    assert loopback.permits(ipaddress.ip_address("127.0.0.1"))
    assert loopback.permits(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not loopback.permits(ipaddress.ip_address("169.254.169.254"))
    assert not loopback.permits(ipaddress.ip_address("::1"))


def test_every_address_a_name_resolves_to_must_be_allowed() -> None:
    from surplus.openadr.outbound import OutboundPolicy, OutboundRefused, Unresolvable

    async def mixed(host: str, port: int) -> list[str]:
        return ["8.8.8.8", "10.0.0.7"]

    async def silent(host: str, port: int) -> list[str]:
        raise OSError("no such name")

    async def main() -> None:
        with pytest.raises(OutboundRefused, match=r"10\.0\.0\.7"):
            await OutboundPolicy(resolver=mixed).addresses("split.test", 443)
        with pytest.raises(Unresolvable):
            await OutboundPolicy(resolver=silent).addresses("nowhere.test", 443)
        assert [str(a) for a in await OutboundPolicy().addresses("8.8.4.4", 80)] == ["8.8.4.4"]

    asyncio.run(main())


# -- subscriptions --------------------------------------------------------------------------


def test_a_callback_to_a_local_address_is_refused_and_never_connected(vtn: Vtn) -> None:
    hosts = list(LOCAL_SPELLINGS)
    with listener() as (port, seen):
        urls = [f"http://{host}:{port}/hook" for host in hosts]
        if ipv6_loopback():
            with listener("::1") as (port6, seen6):
                urls.append(f"http://[::1]:{port6}/hook")
                answers = [
                    vtn.client.post(vtn.url("/subscriptions"), json=_subscription(u), headers=h)
                    for u in urls
                    for h in (vtn.ven1.headers, vtn.bl.headers)
                ]
            assert seen6.connections == 0
        else:
            answers = [
                vtn.client.post(vtn.url("/subscriptions"), json=_subscription(u), headers=h)
                for u in urls
                for h in (vtn.ven1.headers, vtn.bl.headers)
            ]
    assert [a.status_code for a in answers] == [400] * len(answers), [a.text for a in answers]
    assert seen.connections == 0
    assert count(vtn.engine, SubscriptionRow) == 0


@pytest.mark.parametrize("host", PRIVATE)
def test_a_callback_to_a_private_address_is_refused(vtn: Vtn, host: str) -> None:
    answer = vtn.client.post(
        vtn.url("/subscriptions"), json=_subscription(f"http://{host}/hook"), headers=vtn.bl.headers
    )
    assert answer.status_code == 400
    assert count(vtn.engine, SubscriptionRow) == 0


# -- deliveries -----------------------------------------------------------------------------


@pytest.fixture
def live_vtn(sqlite_engine: Engine) -> Iterator[Vtn]:
    """A VTN whose outbox worker runs, with default outbound rules."""
    yield from start_vtn(sqlite_engine, worker=True)


def test_a_queued_notification_to_a_local_address_is_never_sent(live_vtn: Vtn) -> None:
    with listener() as (port, seen):
        urls = [f"http://{host}:{port}/hook" for host in LOCAL_SPELLINGS]
        _queue(live_vtn.engine, urls)
        live_vtn.client.app.state.openadr_worker.wake()  # type: ignore[attr-defined]
        attempted = _wait_for_attempts(live_vtn.engine, len(urls))
    assert seen.connections == 0
    assert len(attempted) == len(urls)
    assert all(row.status == "PENDING" and row.last_error for row in attempted)
    # Refused by the address check, or (httpx's own check) as an invalid URL.
    errors = {row.destination.split("//")[1].rsplit(":", 1)[0]: row.last_error for row in attempted}
    assert "not a public address" in (errors["127.0.0.1"] or "")
    assert all("public" in e or "Invalid" in e for e in errors.values() if e), errors


def test_the_connection_goes_to_the_address_that_was_checked(sqlite_engine: Engine) -> None:
    """DNS rebinding: the name is public when the subscription is made, local when the
    notification goes. The delivery resolves again and refuses."""
    from surplus.openadr.outbound import Outbound, OutboundPolicy

    answers = iter(["93.184.215.14", "127.0.0.1"])

    async def rebinding(host: str, port: int) -> list[str]:
        return [next(answers, "127.0.0.1")]

    def rebinding_resolver(app: FastAPI) -> None:
        app.state.outbound = Outbound(OutboundPolicy(resolver=rebinding))

    with (
        listener() as (port, seen),
        running_vtn(sqlite_engine, worker=True, prepare=rebinding_resolver) as vtn,
    ):
        url = f"http://rebind.test:{port}/hook"
        created = vtn.client.post(
            vtn.url("/subscriptions"), json=_subscription(url), headers=vtn.bl.headers
        )
        assert created.status_code == 201, created.text
        program(vtn, "p")
        attempted = _wait_for_attempts(vtn.engine, 1)
        assert attempted and "127.0.0.1" in (attempted[0].last_error or "")
    assert seen.connections == 0


def test_an_allowed_network_is_reached_and_redirects_are_not_followed(
    sqlite_engine: Engine,
) -> None:
    with (
        listener() as (target_port, target),
        listener(redirect=f"http://127.0.0.1:{target_port}/elsewhere") as (hop_port, hop),
        listener() as (port, seen),
        running_vtn(sqlite_engine, worker=True, outbound_allow_networks=["127.0.0.0/8"]) as vtn,
    ):
        for url in (f"http://127.0.0.1:{port}/hook", f"http://localhost:{hop_port}/hook"):
            created = vtn.client.post(
                vtn.url("/subscriptions"), json=_subscription(url), headers=vtn.bl.headers
            )
            assert created.status_code == 201, created.text
        program(vtn, "p")
        attempted = _wait_for_attempts(vtn.engine, 2)
        by_url = {row.destination: row for row in attempted}
        assert by_url[f"http://127.0.0.1:{port}/hook"].status == "DELIVERED"
        redirected = by_url[f"http://localhost:{hop_port}/hook"]
        assert redirected.status == "PENDING" and "302" in (redirected.last_error or "")
    assert seen.connections >= 1 and seen.requests[0][0] == "POST"
    assert hop.connections >= 1 and target.connections == 0


# -- what a client is told ------------------------------------------------------------------


def test_every_refused_callback_gets_the_same_answer(
    sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Not allowed, no such host, nothing listening, not speaking TLS: one answer, so the
    VTN cannot be used to map what it can reach. The reasons are in the server's log."""
    with (
        listener() as (port, _),
        running_vtn(sqlite_engine, outbound_allow_networks=["127.0.0.0/8"]) as vtn,
    ):
        production = vtn.settings.model_copy(
            update={"environment": "production", "outbound_read_timeout_s": 2.0}
        )
        vtn.client.app.state.settings = production
        urls = [
            "https://10.0.0.1/hook",
            "https://nowhere.invalid/hook",
            f"https://127.0.0.1:{closed_port()}/hook",
            f"https://127.0.0.1:{port}/hook",  # answers in clear, not TLS
        ]
        details = set()
        for url in urls:
            answer = vtn.client.post(
                vtn.url("/subscriptions"), json=_subscription(url), headers=vtn.ven1.headers
            )
            assert answer.status_code == 400, answer.text
            details.add(answer.json()["detail"])
    assert len(details) == 1
    (detail,) = details
    for leak in ("Errno", "onnection", "resolve", "10.0.0.1", "SSL", "timed out", str(port)):
        assert leak not in detail
    logged = caplog.text
    assert "10.0.0.1" in logged and "nowhere.invalid" in logged


def test_the_delivery_client_takes_no_proxy_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A proxy would resolve and connect on its own, past every check."""
    from surplus.openadr.outbound import Outbound, OutboundPolicy

    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://10.9.9.9:3128")

    async def main() -> None:
        with listener() as (port, seen):
            policy = OutboundPolicy.from_networks(["127.0.0.0/8"])
            async with Outbound(policy, 1.0, 2.0).client() as http:
                answer = await http.post(f"http://127.0.0.1:{port}/hook", content=b"{}")
        assert answer.status_code == 200 and seen.connections == 1

    asyncio.run(main())


def test_deliveries_have_short_timeouts(live_vtn: Vtn) -> None:
    """A callback that hangs holds a delivery slot seconds, not tens of seconds."""
    timeout = live_vtn.client.app.state.openadr_worker.http.timeout  # type: ignore[attr-defined]
    assert timeout.connect is not None and timeout.connect <= 3.0
    assert timeout.read is not None and timeout.read <= 5.0
