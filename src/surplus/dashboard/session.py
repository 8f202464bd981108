"""Operators' log-in: client credentials once, then a signed session cookie.

An operator logs in with the client id and secret of one of its site controllers (a `ven`
client, `surplus admin client create --role ven --ven-id ...`): the operator is the one that
owns the sites with that client's venID. There is no operator role in the register yet;
this keeps the portal to what the register can prove.

The session is a JWT (HS256, `SURPLUS_SECRET_KEY` through a key of its own, so an API token
is not a session and a session is not an API token) in an HttpOnly, SameSite=Strict cookie,
Secure (and `__Host-` prefixed) whenever the request came by HTTPS or in production. Every
form carries a CSRF token: before log-in a signed double-submit cookie, after it a value
inside the session. Each request checks again that the client is not revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import jwt
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from surplus.auth.clients import authenticate
from surplus.settings import Settings
from surplus.store.clients import Client
from surplus.store.programme import Site

AUDIENCE = "surplus-dashboard"
ALGORITHM = "HS256"
SESSION_COOKIE = "surplus_session"
LOGIN_CSRF_COOKIE = "surplus_login_csrf"
MAX_FAILURES = 5
FAILURE_WINDOW_S = 900.0


def _key(settings: Settings, purpose: str) -> bytes:
    return hashlib.sha256(f"surplus dashboard {purpose}\0{settings.secret_key}".encode()).digest()


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


def new_login_csrf(settings: Settings) -> str:
    nonce = secrets.token_urlsafe(24)
    mac = hmac.new(_key(settings, "csrf"), nonce.encode(), "sha256").hexdigest()
    return f"{nonce}.{mac}"


def login_csrf_ok(request: Request, settings: Settings, submitted: str) -> bool:
    cookie = request.cookies.get(cookie_name(LOGIN_CSRF_COOKIE, is_secure(request, settings)))
    if not cookie or not submitted or not hmac.compare_digest(cookie, submitted):
        return False
    nonce, _, mac = cookie.partition(".")
    expected = hmac.new(_key(settings, "csrf"), nonce.encode(), "sha256").hexdigest()
    return hmac.compare_digest(mac, expected)


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


def log_in(session: Session, client_id: str, secret: str) -> OperatorSession | None:
    """Check credentials (scrypt, constant work for unknown ids) and find the operator."""
    client = authenticate(session, client_id, secret)
    if client is None:
        return None
    operator_id = operator_of(session, client)
    if operator_id is None:
        return None
    return OperatorSession(client.client_id, operator_id, secrets.token_urlsafe(24))


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
    return jwt.encode(claims, _key(settings, "session"), algorithm=ALGORITHM)


def current(request: Request, session: Session, settings: Settings) -> OperatorSession | None:
    """The request's valid session, or None (no cookie, forged, expired, client revoked or
    no longer linked to that operator)."""
    token = request.cookies.get(cookie_name(SESSION_COOKIE, is_secure(request, settings)))
    if not token:
        return None
    try:
        claims = jwt.decode(
            token,
            _key(settings, "session"),
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


class LoginThrottle:
    """At most MAX_FAILURES failed log-ins per client id and per address in a window: the
    secret is long, but each try costs the server an scrypt hash."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        failures = self._failures[key]
        while failures and now - failures[0] > FAILURE_WINDOW_S:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(k)) >= MAX_FAILURES for k in keys)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self._clock())
