"""In production a subscription's callback URL must pass the echo challenge before the
subscription is stored (Definition, Security/Webhooks)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import Engine

from surplus.openadr.outbound import Outbound, OutboundPolicy
from surplus.store.openadr_tables import SubscriptionRow
from tests.openadr.conftest import Vtn, start_vtn
from tests.openadr.helpers import count


@pytest.fixture
def production_vtn(sqlite_engine: Engine) -> Iterator[Vtn]:
    for vtn in start_vtn(sqlite_engine):
        vtn.client.app.state.settings = vtn.settings.model_copy(
            update={"environment": "production"}
        )
        yield vtn


async def public_name(host: str, port: int) -> list[str]:
    """A resolver for names that exist only in these tests, all at a public address."""
    return ["1.1.1.1"]


def answering(vtn: Vtn, handler: httpx.MockTransport) -> None:
    """The VTN's outbound calls answered by `handler` instead of the network."""
    vtn.client.app.state.outbound = Outbound(
        OutboundPolicy(resolver=public_name), transport=handler
    )


def _subscribe(vtn: Vtn, url: str) -> httpx.Response:
    return vtn.client.post(
        vtn.url("/subscriptions"),
        headers=vtn.ven1.headers,
        json={
            "clientName": "site",
            "objectOperations": [
                {"objects": ["EVENT"], "operations": ["CREATE"], "callbackUrl": url}
            ],
        },
    )


def test_a_callback_that_echoes_is_accepted(production_vtn: Vtn) -> None:
    seen: list[httpx.Request] = []

    def ven(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=request.url.params["echo"])

    answering(production_vtn, httpx.MockTransport(ven))
    assert _subscribe(production_vtn, "https://ven.example.com/hook").status_code == 201
    assert seen[0].method == "GET" and len(seen[0].url.params["echo"]) >= 16


@pytest.mark.parametrize("answer", [httpx.Response(200, text="hello"), httpx.Response(404)])
def test_a_callback_that_does_not_echo_is_refused(
    production_vtn: Vtn, answer: httpx.Response
) -> None:
    answering(production_vtn, httpx.MockTransport(lambda _: answer))
    response = _subscribe(production_vtn, "https://ven.example.com/hook")
    assert response.status_code == 400
    assert "echo" in response.json()["detail"]
    assert count(production_vtn.engine, SubscriptionRow) == 0


def test_production_refuses_plain_http_and_private_addresses(production_vtn: Vtn) -> None:
    for url in ("http://ven.example.com/hook", "https://192.168.1.10/hook"):
        assert _subscribe(production_vtn, url).status_code == 400
    assert count(production_vtn.engine, SubscriptionRow) == 0
