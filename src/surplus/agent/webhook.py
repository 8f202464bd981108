"""The agent's webhook receiver: an ASGI app the VTN posts notifications to. It answers
the VTN's echo challenge, checks the bearer token the subscription gave, and hands each
notification to the agent (which takes an event in it at once)."""

from __future__ import annotations

import hmac

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from surplus.agent.ven import SiteAgent

MAX_BODY_BYTES = 1_000_000


def webhook_app(agent: SiteAgent, token: str = "") -> Starlette:
    async def receive(request: Request) -> Response:
        if request.method == "GET":  # the echo challenge
            return PlainTextResponse(request.query_params.get("echo", ""))
        if token:
            sent = request.headers.get("authorization", "")
            if not hmac.compare_digest(sent, f"Bearer {token}"):
                return Response(status_code=401)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        agent.notify(body)
        return Response(status_code=200)

    return Starlette(routes=[Route("/", receive, methods=["GET", "POST"])])
