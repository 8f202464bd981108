"""FastAPI dependencies that turn a bearer token into a `Principal` and enforce roles/scopes.

Settings come from `request.app.state.settings` (set by `surplus.api.app.create_app`).
Failures raise HTTPException 401/403, which the app renders as problem details.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from surplus.auth.principal import AuthError, Principal
from surplus.auth.tokens import verify_token

bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/token")


def current_client(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    """The authenticated caller; 401 with `WWW-Authenticate: Bearer` when there is none."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            401, "a bearer access token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        return verify_token(credentials.credentials, request.app.state.settings)
    except AuthError as error:
        raise HTTPException(
            401,
            error.description,
            headers={"WWW-Authenticate": f'Bearer error="{error.error}"'},
        ) from error


def require_role(*roles: str) -> Callable[[Principal], Principal]:
    """Dependency: the caller, if its role is one of `roles`; else 403."""

    def check(principal: Principal = Depends(current_client)) -> Principal:
        if principal.role not in roles:
            raise HTTPException(403, f"this needs role {' or '.join(roles)}")
        return principal

    return check


def require_scope(*scopes: str) -> Callable[[Principal], Principal]:
    """Dependency: the caller, if its token carries any of `scopes`; else 403."""

    def check(principal: Principal = Depends(current_client)) -> Principal:
        if not principal.scopes & set(scopes):
            raise HTTPException(403, f"this needs scope {' or '.join(scopes)}")
        return principal

    return check
