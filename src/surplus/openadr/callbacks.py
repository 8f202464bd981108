"""Checks on subscription callback URLs (Definition, Security/Webhooks), made before a
subscription is stored and outside the VTN's write gate.

Everywhere: an http(s) URL with a host, whose every address is public or in a network the
operator allowed (`surplus.openadr.outbound`). A name that does not resolve is accepted
outside production (the delivery checks again, at every connection). In production: https
only, and the echo challenge, a GET with a random `echo` query value that must come back
in a 200 body, over the same guarded connection the deliveries use.

A client learns only that its URL was refused, never why: telling apart "not allowed",
"no such host", "connection refused" and "timed out" would let anyone map the networks
the server can reach. The reason goes to the server's log.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import anyio
import httpx

from surplus.openadr.outbound import (
    Outbound,
    OutboundPolicy,
    OutboundRefused,
    Unresolvable,
    literal_address,
)
from surplus.openadr.problems import OpenADRProblem

log = logging.getLogger(__name__)
ECHO_BODY_LIMIT = 65_536
REFUSED = (
    "callbackUrl was refused: it must reach a public address{https} (GET ?echo=<value> "
    "answered with 200 and the value in the body, in production)"
)


@dataclass(frozen=True)
class CallbackCheck:
    production: bool
    outbound: Outbound = field(default_factory=Outbound)


def refused(production: bool) -> OpenADRProblem:
    """The one answer a client gets for a callback URL the server will not call."""
    return OpenADRProblem(400, REFUSED.format(https=" over https" if production else ""))


def check_callback_url(
    url: str, production: bool, policy: OutboundPolicy | None = None
) -> tuple[str, int]:
    """(host, port) of a well-formed callback URL; the rules that need no network (an
    address written in the URL, in any spelling, must be one the policy permits)."""
    parts = urlsplit(url)
    allowed = ("https",) if production else ("http", "https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 0
    if parts.scheme not in allowed or not parts.hostname or not port:
        raise OpenADRProblem(400, f"callbackUrl must be an {' or '.join(allowed)} URL with a host")
    address = literal_address(parts.hostname)
    if address is not None and not (policy or OutboundPolicy()).permits(address):
        log.warning("callback %s refused: %s is not a permitted address", url, address)
        raise refused(production)
    return parts.hostname, port


async def check_callback(url: str, check: CallbackCheck) -> None:
    """Refuse (400) a callback URL this server must not call."""
    host, port = check_callback_url(url, check.production, check.outbound.policy)
    try:
        await check.outbound.policy.addresses(host, port)
    except Unresolvable as error:
        if check.production:
            log.warning("callback %s refused: %s", url, error)
            raise refused(True) from None
        log.info("callback %s accepted unresolved (delivery checks again): %s", url, error)
    except OutboundRefused as error:
        log.warning("callback %s refused: %s", url, error)
        raise refused(check.production) from None
    if check.production:
        await verify_echo(url, check.outbound)


async def verify_echo(url: str, outbound: Outbound) -> None:
    challenge = secrets.token_urlsafe(16)
    deadline_s = outbound.connect_timeout_s + outbound.read_timeout_s
    try:
        with anyio.fail_after(deadline_s):
            async with outbound.client() as http:
                request = http.build_request("GET", url, params={"echo": challenge})
                response = await http.send(request, stream=True)
                try:
                    body = b""
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > ECHO_BODY_LIMIT:
                            break
                finally:
                    await response.aclose()
    except (httpx.HTTPError, httpx.InvalidURL, TimeoutError) as error:
        log.warning(
            "callback %s failed the echo challenge: %s: %s", url, type(error).__name__, error
        )
        raise refused(True) from None
    if response.status_code != 200 or challenge.encode() not in body:
        log.warning("callback %s answered the echo challenge wrongly (HTTP %d)", url,
                    response.status_code)  # fmt: skip
        raise refused(True)
