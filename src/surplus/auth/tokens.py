"""Signed, expiring access tokens: JWTs, HS256 with the current key of `surplus.auth.keys`,
named in the header (`kid`) so a rotation can keep accepting the previous key a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy.orm import Session

from surplus.auth.clients import check_credentials
from surplus.auth.keys import KeyRing, keyring
from surplus.auth.principal import AuthError, Principal
from surplus.auth.scopes import ROLES, SCOPES_BY_ROLE
from surplus.settings import Settings

ALGORITHM = "HS256"
ISSUER = "surplus"
NOT_VALID = "the access token is not valid"


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
    client, why = check_credentials(session, client_id, client_secret)
    if client is None:
        raise invalid_client(why)
    allowed = SCOPES_BY_ROLE[client.role]
    granted = allowed if not scope else frozenset(scope.split())
    if not granted <= allowed:
        extra = " ".join(sorted(granted - allowed))
        raise AuthError("invalid_scope", f"scope not allowed for role {client.role}: {extra}", 400)
    return grant_for(client.client_id, client.role, client.ven_id, granted, settings)


def invalid_client(reason: str = "") -> AuthError:
    """The one refusal for an unknown client, a wrong secret and a revoked client alike
    (`reason` tells them apart for the audit log only)."""
    return AuthError(
        "invalid_client",
        "unknown client or wrong secret",
        401,
        'Basic realm="surplus"',
        reason=reason,
    )


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
    return TokenGrant(sign(claims, settings), settings.token_lifetime_s, scope)


def sign(claims: dict[str, Any], settings: Settings) -> str:
    """A JWT of `claims` signed with the current key, which its header names."""
    current = keyring(settings).keys().current
    return jwt.encode(claims, current.key, algorithm=ALGORITHM, headers={"kid": current.kid})


VERIFIED_CACHE_SIZE = 20_000
_verified: dict[str, tuple[Principal, KeyRing, str]] = {}


def verify_token(token: str, settings: Settings) -> Principal:
    """The caller a token names, or AuthError("invalid_token") if forged, expired, signed by
    a key no longer accepted, or malformed. The reason stays in the server; the client is
    told only that the token is not valid (or has expired).

    A client sends the same token with every request until it expires, so tokens already
    verified are remembered (checking their expiry and their key on every use): decoding a
    JWT is a noticeable share of a small request's cost.
    """
    ring = keyring(settings)
    now = datetime.now(UTC)
    known = _verified.get(token)
    if known is not None:
        principal, known_ring, kid = known
        if known_ring is ring and principal.expires_at > now and ring.keys().accepted(kid, now):
            return principal
        _verified.pop(token, None)
    principal, kid = _decode(token, ring, now)
    if len(_verified) >= VERIFIED_CACHE_SIZE:
        _verified.clear()
    _verified[token] = (principal, ring, kid)
    return principal


def _decode(token: str, ring: KeyRing, now: datetime) -> tuple[Principal, str]:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = ring.keys().accepted(kid, now) if isinstance(kid, str) else None
        if key is None:
            raise AuthError("invalid_token", NOT_VALID)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise AuthError("invalid_token", "the access token has expired") from error
    except jwt.InvalidTokenError as error:
        # PyJWT's message (which check failed, and how) is for the server, not the caller.
        raise AuthError("invalid_token", NOT_VALID) from error
    role = claims.get("role")
    if role not in ROLES:
        raise AuthError("invalid_token", "the access token names no known role")
    scopes = frozenset(str(claims.get("scope", "")).split()) & SCOPES_BY_ROLE[role]
    principal = Principal(
        client_id=str(claims["sub"]),
        role=role,
        scopes=scopes,
        ven_id=claims.get("ven_id"),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
    return principal, key.kid
