"""Signed, expiring access tokens (JWT, HS256 with `settings.secret_key`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy.orm import Session

from surplus.auth.clients import authenticate
from surplus.auth.principal import AuthError, Principal
from surplus.auth.scopes import ROLES, SCOPES_BY_ROLE
from surplus.settings import Settings

ALGORITHM = "HS256"
ISSUER = "surplus"


def signing_key(settings: Settings) -> bytes:
    """A 256-bit HMAC key derived from `secret_key`, whatever that key's length."""
    return hashlib.sha256(settings.secret_key.encode()).digest()


@dataclass(frozen=True)
class TokenGrant:
    """A token response (RFC 6749 section 5.1)."""

    access_token: str
    expires_in: int
    scope: str
    token_type: str = "Bearer"

    def as_response(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "scope": self.scope,
        }


def issue_token(
    session: Session,
    client_id: str,
    client_secret: str,
    settings: Settings,
    scope: str | None = None,
) -> TokenGrant:
    """Exchange client credentials for a token carrying the role's scopes.

    `scope` (space-separated) narrows the grant; asking for a scope the role lacks raises
    AuthError("invalid_scope", status 400). Wrong id or secret: AuthError("invalid_client", 401).
    """
    client = authenticate(session, client_id, client_secret)
    if client is None:
        raise AuthError(
            "invalid_client", "unknown client or wrong secret", 401, 'Basic realm="surplus"'
        )
    allowed = SCOPES_BY_ROLE[client.role]
    granted = allowed if not scope else frozenset(scope.split())
    if not granted <= allowed:
        extra = " ".join(sorted(granted - allowed))
        raise AuthError("invalid_scope", f"scope not allowed for role {client.role}: {extra}", 400)
    return grant_for(client.client_id, client.role, client.ven_id, granted, settings)


def grant_for(
    client_id: str, role: str, ven_id: str | None, scopes: frozenset[str], settings: Settings
) -> TokenGrant:
    """Sign a token for an already-authenticated client (tests, the CLI)."""
    now = datetime.now(UTC)
    scope = " ".join(sorted(scopes))
    claims = {
        "iss": ISSUER,
        "sub": client_id,
        "role": role,
        "scope": scope,
        "ven_id": ven_id,
        "iat": now,
        "exp": now + timedelta(seconds=settings.token_lifetime_s),
    }
    token = jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM)
    return TokenGrant(token, settings.token_lifetime_s, scope)


VERIFIED_CACHE_SIZE = 20_000
_verified: dict[tuple[str, str], Principal] = {}


def verify_token(token: str, settings: Settings) -> Principal:
    """The caller a token names, or AuthError("invalid_token") if forged, expired or malformed.

    A client sends the same token with every request until it expires, so tokens already
    verified under the same secret are remembered (checking their expiry on every use):
    decoding a JWT is a noticeable share of a small request's cost.
    """
    key = (token, settings.secret_key)
    known = _verified.get(key)
    if known is not None:
        if known.expires_at > datetime.now(UTC):
            return known
        _verified.pop(key, None)
    principal = _decode(token, settings)
    if len(_verified) >= VERIFIED_CACHE_SIZE:
        _verified.clear()
    _verified[key] = principal
    return principal


def _decode(token: str, settings: Settings) -> Principal:
    try:
        claims = jwt.decode(
            token,
            signing_key(settings),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise AuthError("invalid_token", "the access token has expired") from error
    except jwt.InvalidTokenError as error:
        raise AuthError("invalid_token", f"the access token is not valid: {error}") from error
    role = claims.get("role")
    if role not in ROLES:
        raise AuthError("invalid_token", "the access token names no known role")
    scopes = frozenset(str(claims.get("scope", "")).split()) & SCOPES_BY_ROLE[role]
    return Principal(
        client_id=str(claims["sub"]),
        role=role,
        scopes=scopes,
        ven_id=claims.get("ven_id"),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
