"""The OAuth2 client-credentials grant (RFC 6749 section 4.4), read the same way for every
token URL the service offers (`/api/v1/auth/token` and the VTN's `/auth/token`).

A client authenticates by HTTP Basic (RFC 6749 section 2.3.1, which a server must support)
or by `client_id` and `client_secret` in the form body. Sending both is tolerated only when
they agree: two different identities in one request is a client bug worth refusing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from surplus.auth.principal import AuthError

GRANT_TYPE = "client_credentials"
MAX_LENGTH = {"grant_type": 64, "client_id": 128, "client_secret": 512, "scope": 1000}
"""Bounds on every field, so that no request makes the server hash a megabyte."""

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""No field of a token request holds control characters (NUL would not even fit a
PostgreSQL text column, where a refused attempt is recorded)."""

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
"""RFC 6749 section 5.1: a response carrying a token must not be cached."""


@dataclass(frozen=True)
class TokenRequest:
    """A well-formed client-credentials request; the credentials are not yet checked."""

    client_id: str
    client_secret: str
    scope: str | None


def read_token_request(form: Mapping[str, str], authorization: str | None) -> TokenRequest:
    """The request's grant, or AuthError (400, RFC 6749 section 5.2 codes) saying what is wrong.

    >>> read_token_request({"grant_type": "client_credentials"}, "Basic YTpi").client_id
    'a'
    """
    for field, limit in MAX_LENGTH.items():
        if len(form.get(field, "")) > limit:
            raise AuthError("invalid_request", f"{field} is longer than {limit} characters", 400)
        if CONTROL.search(form.get(field, "")):
            raise AuthError("invalid_request", f"{field} holds control characters", 400)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise AuthError("invalid_request", "grant_type is required", 400)
    if grant_type != GRANT_TYPE:
        raise AuthError("unsupported_grant_type", f"only {GRANT_TYPE} is supported", 400)
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    basic = _basic_credentials(authorization)
    if basic is not None:
        if (client_id, client_secret) not in ((None, None), basic):
            raise AuthError(
                "invalid_request",
                "credentials sent both by HTTP Basic and in the body, and they differ",
                400,
            )
        client_id, client_secret = basic
    if not client_id or not client_secret:
        raise AuthError("invalid_request", "client_id and client_secret are required", 400)
    return TokenRequest(client_id, client_secret, form.get("scope") or None)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """HTTP Basic credentials; RFC 6749 has the client form-encode each part first."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise AuthError("invalid_request", "malformed HTTP Basic credentials", 400) from error
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise AuthError("invalid_request", "HTTP Basic credentials need id:secret", 400)
    client_id, secret = unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
    for field, value in (("client_id", client_id), ("client_secret", secret)):
        if len(value) > MAX_LENGTH[field]:
            raise AuthError(
                "invalid_request", f"{field} is longer than {MAX_LENGTH[field]} characters", 400
            )
        if CONTROL.search(value):
            raise AuthError("invalid_request", f"{field} holds control characters", 400)
    return client_id, secret
