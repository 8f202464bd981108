"""Headers every response carries, and the Host check production makes.

Plain ASGI middleware (no per-request objects), so the service's busiest requests pay
for one list extension each.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from surplus.api.problems import PROBLEM_JSON

log = logging.getLogger(__name__)

HSTS_MAX_AGE_S = 63_072_000  # two years, as browsers' preload lists ask
ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def _problem_start(status: int, body: bytes) -> Message:
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    return {"type": "http.response.start", "status": status, "headers": headers}


def _internal_error(path: str) -> bytes:
    """The body of the app's own 500 problem (surplus.api.problems)."""
    body = {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "internal error; it has been logged",
        "instance": path,
    }
    return json.dumps(body).encode()


class SecurityHeaders:
    """`X-Content-Type-Options: nosniff` (a JSON answer is never run as a script),
    no referrer, no framing; and in production `Strict-Transport-Security`.

    A route that sets one of these itself (the dashboard's pages) keeps its value: a
    header is added only when the response lacks it, so none is sent twice. An error no
    handler caught is answered here, with the headers, as the same 500 problem the app's
    handler writes: Starlette answers those outside every middleware, without them."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.headers = list(ALWAYS)
        if hsts:
            value = f"max-age={HSTS_MAX_AGE_S}; includeSubDomains".encode()
            self.headers.append((b"strict-transport-security", value))
        self.names = frozenset(name for name, _ in self.headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers} & self.names
                if present:
                    headers += [(n, v) for n, v in self.headers if n not in present]
                else:
                    headers += self.headers
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            if started:
                raise
            path = str(scope.get("path", ""))
            log.exception("unhandled error on %s", path)
            body = _internal_error(path)
            await with_headers(_problem_start(500, body))
            await send({"type": "http.response.body", "body": body})
            # Starlette's outer error layer sees the answer sent and only re-raises, so
            # the server still logs the failure and tests that ask to see it still do.
            raise


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
        await send(_problem_start(400, body))
        await send({"type": "http.response.body", "body": body})
