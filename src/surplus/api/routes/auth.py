"""The token endpoint, one implementation mounted at `/api/v1/auth/token` and at the VTN's
`/auth/token`: the OAuth2 client-credentials grant (RFC 6749 section 4.4).

Errors are problem details that also carry RFC 6749's `error` and `error_description`.
Failed attempts are throttled per client id and per address (`surplus.auth.throttle`) and
recorded in the audit log with the client id and address, never the secret. Whatever else
must happen when a token is issued (the OpenADR broker makes it the client's MQTT
password) is a hook the app's state holds, `on_token_issued`, so this module knows nothing
of who listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.auth import AuthError, issue_token
from surplus.auth.clients import audit_refusal
from surplus.auth.grant import MAX_LENGTH, NO_STORE, read_token_request
from surplus.auth.throttle import token_guard
from surplus.settings import Settings

log = logging.getLogger(__name__)
TokenHook = Callable[[Session, str, Settings], None]
"""Told of each token issued: (the request's session, the access token, the settings)."""

router = APIRouter(prefix="/auth", tags=["auth"])

_FORM_FIELD = {"type": "string"}
TOKEN_REQUEST_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {**_FORM_FIELD, "maxLength": MAX_LENGTH["client_id"]},
                        "client_secret": {**_FORM_FIELD, "maxLength": MAX_LENGTH["client_secret"]},
                        "scope": {**_FORM_FIELD, "maxLength": MAX_LENGTH["scope"]},
                    },
                }
            }
        },
        "description": "Client credentials in the body, or by HTTP Basic (then leave them out "
        "of the body).",
    }
}
"""The request as the OpenAPI document shows it (the handler reads the form itself)."""


async def form_fields(request: Request) -> dict[str, str]:
    """The form body's text fields (an empty mapping for a body that is not a form)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def token(
    request: Request,
    fields: Annotated[dict[str, str], Depends(form_fields)],
    session: Annotated[Session, Depends(get_session)],
) -> JSONResponse:
    """Exchange client credentials (HTTP Basic or form body) for an access token."""
    asked = read_token_request(fields, request.headers.get("authorization"))
    settings: Settings = request.app.state.settings
    address = request.client.host if request.client is not None else "unknown"
    try:
        with token_guard(request.app).attempt(asked.client_id, address) as attempt:
            try:
                grant = issue_token(
                    session, asked.client_id, asked.client_secret, settings, asked.scope
                )
            except AuthError as error:
                if error.error != "invalid_client":
                    attempt.succeeded()  # the credentials were right; the scope was not
                raise
            attempt.succeeded()
    except AuthError as error:
        if error.error == "invalid_client":
            audit_refusal(session, "token.refused", asked.client_id, address, error.reason)
        elif error.status == 429:
            log.warning("token request of client %r from %s throttled", asked.client_id, address)
        raise
    hook: TokenHook | None = getattr(request.app.state, "on_token_issued", None)
    if hook is not None:
        hook(session, grant.access_token, settings)
    return JSONResponse(grant.as_response(), headers=NO_STORE)


router.add_api_route(
    "/token",
    token,
    methods=["POST"],
    summary="Exchange client credentials for an access token",
    response_model=None,
    openapi_extra=TOKEN_REQUEST_DOC,
)
