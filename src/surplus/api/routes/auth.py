"""POST /api/v1/auth/token: the OAuth2 client-credentials grant (RFC 6749 section 4.4).

Credentials come as form fields or as HTTP Basic; errors are problem details that also
carry RFC 6749's `error` and `error_description` members.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.auth import AuthError, issue_token
from surplus.openadr import broker_access

router = APIRouter(prefix="/auth", tags=["auth"])


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise AuthError("invalid_request", "malformed Basic credentials", 400) from error
    return client_id, secret


@router.post("/token", summary="Exchange client credentials for an access token")
def token(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    grant_type: Annotated[str | None, Form(max_length=64)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    scope: Annotated[str | None, Form(max_length=500)] = None,
) -> dict[str, Any]:
    if grant_type is None:
        raise AuthError("invalid_request", "grant_type is required", 400)
    if grant_type != "client_credentials":
        raise AuthError("unsupported_grant_type", "only client_credentials is supported", 400)
    basic = _basic_credentials(request)
    if basic is not None:
        client_id, client_secret = basic
    if not client_id or not client_secret:
        raise AuthError("invalid_request", "client_id and client_secret are required", 400)
    grant = issue_token(session, client_id, client_secret, request.app.state.settings, scope)
    # The token is also the client's password on the OpenADR MQTT broker.
    broker_access.token_issued(session, grant.access_token, request.app.state.settings)
    return grant.as_response()
