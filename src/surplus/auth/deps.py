"""FastAPI dependencies that turn a bearer token into a `Principal` and enforce roles/scopes.

Settings come from `request.app.state.settings` (set by `surplus.server.create_app`).
Failures raise HTTPException 401/403, which the app renders as problem details. A token
of a revoked client is refused once the process's revocation list has reloaded
(`surplus.auth.revocation`), without a database query per request; a token naming a
client that does not exist is refused too (a validly signed token for a made-up client
means the signing key has leaked, or the client was never registered).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from surplus.auth.principal import AuthError, Principal
from surplus.auth.revocation import RevocationList
from surplus.auth.tokens import NOT_VALID, verify_token

bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/token")
_making_list = threading.Lock()


def revocations(app: FastAPI) -> RevocationList:
    """The app's revoked-client list, made on first use (tests may set their own first)."""
    found: RevocationList | None = getattr(app.state, "revocations", None)
    if found is None:
        with _making_list:
            found = getattr(app.state, "revocations", None)
            if found is None:
                settings = app.state.settings
                found = RevocationList(
                    app.state.sessionmaker,
                    settings.revocation_refresh_s,
                    on_revoked=getattr(app.state, "on_client_revoked", None),
                )
                app.state.revocations = found
    return found


async def current_client(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The authenticated caller; 401 with `WWW-Authenticate: Bearer` when there is none."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401, "a bearer access token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        principal = verify_token(credentials.credentials, request.app.state.settings)
        clients = revocations(request.app)
        if clients.due():  # at most every refresh_s; the query stays off the event loop
            await run_in_threadpool(clients.refresh)
        active = clients.active(principal.client_id)
        if active is None:  # not known when last loaded: look again now
            active = await run_in_threadpool(clients.admit, principal.client_id)
            if not active and principal.client_id not in clients:
                raise AuthError("invalid_token", NOT_VALID)
        if not active:
            raise AuthError("invalid_token", "the client of this access token has been revoked")
    except AuthError as error:
        raise HTTPException(
            401,
            error.description,
            headers={"WWW-Authenticate": f'Bearer error="{error.error}"'},
        ) from error
    return principal


def require_role(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Dependency: the caller, if its role is one of `roles`; else 403."""

    async def check(principal: Principal = Depends(current_client)) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"this needs role {' or '.join(roles)}")
        return principal

    return check


def require_scope(*scopes: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Dependency: the caller, if its token carries any of `scopes`; else 403."""

    async def check(principal: Principal = Depends(current_client)) -> Principal:
        if not principal.scopes & set(scopes):
            raise HTTPException(403, f"this needs scope {' or '.join(scopes)}")
        return principal

    return check
