"""Headers every response carries, and the Host check production makes.

Plain ASGI middleware (no per-request objects), so the service's busiest requests pay
for one list extension each.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from surplus.api.problems import PROBLEM_JSON

HSTS_MAX_AGE_S = 63_072_000  # two years, as browsers' preload lists ask
ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """`X-Content-Type-Options: nosniff` (a JSON answer is never run as a script),
    no referrer, no framing; and in production `Strict-Transport-Security`."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.headers = list(ALWAYS)
        if hsts:
            value = f"max-age={HSTS_MAX_AGE_S}; includeSubDomains".encode()
            self.headers.append((b"strict-transport-security", value))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)


class HostCheck:
    """Answer 400 to a request whose Host header names none of `allowed` (production):
    nothing the service builds depends on the Host header, and refusing strangers keeps
    it that way for anything in front of it (caches, logs)."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = frozenset(host.lower() for host in allowed if host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.strip("[]").lower() in self.allowed:
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "the Host header names no host this service answers for",
            }
        ).encode()
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": body})
