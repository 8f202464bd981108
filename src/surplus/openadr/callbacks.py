"""Checks on subscription callback URLs (Definition, Security/Webhooks).

Everywhere: http(s) with a host. In production: https only, no private or local address
(SSRF), and the echo challenge — a GET with a random `echo` query value that the VEN
must answer with 200 and that value in the body before the subscription is stored.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from surplus.openadr.problems import OpenADRProblem

ECHO_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class CallbackCheck:
    production: bool
    transport: httpx.BaseTransport | None = None  # tests inject a mock


def check_callback_url(url: str, production: bool) -> None:
    parts = urlsplit(url)
    allowed = ("https",) if production else ("http", "https")
    if parts.scheme not in allowed or not parts.hostname:
        raise OpenADRProblem(400, f"callbackUrl must be an {' or '.join(allowed)} URL with a host")
    if production:
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return
        if not address.is_global:
            raise OpenADRProblem(400, "callbackUrl may not point at a private or local address")


def verify_echo(url: str, transport: httpx.BaseTransport | None) -> None:
    challenge = secrets.token_urlsafe(16)
    try:
        with httpx.Client(
            transport=transport, timeout=ECHO_TIMEOUT_S, follow_redirects=False
        ) as http:
            response = http.get(url, params={"echo": challenge})
    except httpx.HTTPError as error:
        raise OpenADRProblem(
            400, f"callbackUrl did not answer the echo challenge: {error}"
        ) from None
    if response.status_code != 200 or challenge not in response.text:
        raise OpenADRProblem(
            400, "callbackUrl must answer GET ?echo=<value> with 200 and the value in the body"
        )


def check_callback(url: str, check: CallbackCheck) -> None:
    check_callback_url(url, check.production)
    if check.production:
        verify_echo(url, check.transport)
