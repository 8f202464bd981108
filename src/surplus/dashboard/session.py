"""Operators' log-in: client credentials once, then a signed session cookie.

An operator logs in with the client id and secret of one of its site controllers (a `ven`
client, `surplus admin client create --role ven --ven-id ...`): the operator is the one that
owns the sites with that client's venID. There is no operator role in the register yet;
this keeps the portal to what the register can prove.

The session is a JWT (HS256) in an HttpOnly, SameSite=Strict cookie, Secure (and `__Host-`
prefixed) whenever the request came by HTTPS or in production. It is signed with a key
derived from the service's token-signing key (`surplus.auth.keys`: the key file or
`SURPLUS_SECRET_KEY`) for this purpose alone, so an API token is not a session and a
session is not an API token; it names that key (`kid`), so `surplus admin key rotate`
treats sessions as it treats tokens (valid one token lifetime, or ended at once with
`--revoke-previous`). Every form carries a CSRF token: before log-in a signed
double-submit cookie, after it a value inside the session. Each request checks again
that the client is not revoked. Failed log-ins use up the same per-client and
per-address buckets as the token endpoints (`surplus.auth.throttle`).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from surplus.auth.clients import check_credentials
from surplus.auth.keys import SigningKey, keyring
from surplus.settings import Settings
from surplus.store.clients import Client
from surplus.store.programme import Site

AUDIENCE = "surplus-dashboard"
ALGORITHM = "HS256"
SESSION_COOKIE = "surplus_session"
LOGIN_CSRF_COOKIE = "surplus_login_csrf"


def _derived(key: SigningKey, purpose: str) -> bytes:
    """The dashboard's own key for `purpose`, from a token-signing key (HMAC-SHA256 as a
    key-derivation step): knowing it reveals nothing of the signing key."""
    return hmac.new(key.key, f"surplus dashboard {purpose}".encode(), "sha256").digest()


def _current_key(settings: Settings) -> SigningKey:
    return keyring(settings).keys().current


def _accepted_key(settings: Settings, kid: object) -> SigningKey | None:
    if not isinstance(kid, str):
        return None
    return keyring(settings).keys().accepted(kid, datetime.now(UTC))


def is_secure(request: Request, settings: Settings) -> bool:
    return request.url.scheme == "https" or settings.environment == "production"


def cookie_name(base: str, secure: bool) -> str:
    """`__Host-` cookies are only accepted over HTTPS, without Domain, for path /."""
    return f"__Host-{base}" if secure else base


def set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int) -> None:
    response.set_cookie(
        cookie_name(name, secure),
        value,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(
        cookie_name(name, secure), path="/", secure=secure, httponly=True, samesite="strict"
    )


# -- CSRF before log-in: a signed double-submit token ---------------------------------------


def _csrf_mac(key: SigningKey, nonce: str) -> str:
    return hmac.new(_derived(key, "csrf"), nonce.encode(), "sha256").hexdigest()


def new_login_csrf(settings: Settings) -> str:
    """`kid.nonce.mac`: a random nonce, signed with the current key, which it names."""
    key = _current_key(settings)
    nonce = secrets.token_urlsafe(24)
    return f"{key.kid}.{nonce}.{_csrf_mac(key, nonce)}"


def login_csrf_ok(request: Request, settings: Settings, submitted: str) -> bool:
    cookie = request.cookies.get(cookie_name(LOGIN_CSRF_COOKIE, is_secure(request, settings)))
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        return False
    kid, _, rest = cookie.partition(".")
    nonce, _, mac = rest.partition(".")
    key = _accepted_key(settings, kid)
    return key is not None and bool(nonce) and hmac.compare_digest(mac, _csrf_mac(key, nonce))


# -- the session ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorSession:
    client_id: str
    operator_id: int
    csrf: str


def operator_of(session: Session, client: Client) -> int | None:
    """The one operator owning the sites of a VEN client; None for any other client."""
    if client.role != "ven" or not client.ven_id or client.revoked_at is not None:
        return None
    owners = session.scalars(
        select(func.distinct(Site.operator_id)).where(Site.ven_id == client.ven_id)
    ).all()
    return owners[0] if len(owners) == 1 else None


def log_in(session: Session, client_id: str, secret: str) -> tuple[OperatorSession | None, str]:
    """Check credentials (scrypt, constant work for unknown ids) and find the operator:
    (the session, "") or (None, why), the reason for the audit log only."""
    client, why = check_credentials(session, client_id, secret)
    if client is None:
        return None, why
    operator_id = operator_of(session, client)
    if operator_id is None:
        return None, "not the site controller of one operator"
    return OperatorSession(client.client_id, operator_id, secrets.token_urlsafe(24)), ""


def encode(value: OperatorSession, settings: Settings, now: datetime) -> str:
    issued = int(now.timestamp())
    claims = {
        "sub": value.client_id,
        "op": value.operator_id,
        "csrf": value.csrf,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + settings.token_lifetime_s,
    }
    key = _current_key(settings)
    return jwt.encode(
        claims, _derived(key, "session"), algorithm=ALGORITHM, headers={"kid": key.kid}
    )


def current(request: Request, session: Session, settings: Settings) -> OperatorSession | None:
    """The request's valid session, or None (no cookie, forged, expired, client revoked or
    no longer linked to that operator)."""
    token = request.cookies.get(cookie_name(SESSION_COOKIE, is_secure(request, settings)))
    if not token:
        return None
    try:
        key = _accepted_key(settings, jwt.get_unverified_header(token).get("kid"))
        if key is None:  # a key retired past its grace, revoked, or never ours
            return None
        claims = jwt.decode(
            token,
            _derived(key, "session"),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["exp", "sub", "op", "csrf"]},
        )
    except jwt.InvalidTokenError:
        return None
    client = session.get(Client, str(claims["sub"]))
    if client is None or operator_of(session, client) != claims["op"]:
        return None
    return OperatorSession(str(claims["sub"]), int(claims["op"]), str(claims["csrf"]))
