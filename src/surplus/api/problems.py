"""Every error the API returns is an RFC 9457 problem details document
(`application/problem+json`): status, a short title, and a detail a person can act on."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from surplus.auth.principal import AuthError
from surplus.errors import SurplusError

PROBLEM_JSON = "application/problem+json"
# RFC 9110 renamed these; Python 3.11's HTTPStatus still has the older phrases.
TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}
log = logging.getLogger(__name__)


def problem(
    status: int,
    detail: str,
    request: Request | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
    body.update(extensions)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "msg": item.get("msg", ""),
            "type": item.get("type", ""),
        }
        for item in error.errors()
    ]


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, str(exc.detail), request, headers=exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    if any(item["type"] == "json_invalid" for item in errors):
        return problem(400, "the request body is not valid JSON", request, errors=errors)
    fields = "; ".join(f"{'.'.join(item['loc'])}: {item['msg']}" for item in errors[:10])
    return problem(422, f"invalid request: {fields}", request, errors=errors)


def auth_problem(error: AuthError, instance: str) -> JSONResponse:
    """The one shape of an authentication failure on every surface: a problem document with
    RFC 6749's `error` and `error_description`, and the challenge a 401 owes."""
    return problem(
        error.status,
        error.description,
        headers=error.headers(),
        instance=instance,
        error=error.error,
        error_description=error.description,
    )


async def _auth_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return auth_problem(exc, request.url.path)


async def _surplus_error(request: Request, exc: Exception) -> JSONResponse:
    return problem(422, str(exc), request)


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error on %s: %s", request.url.path, exc)
    return problem(409, "the change conflicts with data already stored", request)


async def _client_gone(request: Request, exc: Exception) -> JSONResponse:
    """The client hung up before its body arrived: nothing was done and nobody will read
    the answer, so this is no server error worth a traceback."""
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return problem(400, "the client disconnected before sending its whole request", request)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem(500, "internal error; it has been logged", request)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(SurplusError, _surplus_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected_error)
