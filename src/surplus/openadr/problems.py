"""Errors of the VTN as RFC 9457 problem documents, with the status codes the spec lists.

`ProblemRoute` makes every route of the OpenADR router answer a problem itself — bad
query parameters included, which the spec wants as 400 rather than FastAPI's 422 — so
the VTN's error shapes hold whatever exception handlers the host app installs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from surplus.api.problems import auth_problem, problem
from surplus.auth.principal import AuthError


class OpenADRProblem(Exception):
    """A refusal with its HTTP status and a detail a client developer can act on."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def not_found(object_type: str, object_id: str) -> OpenADRProblem:
    return OpenADRProblem(404, f"no {object_type.lower()} with id {object_id!r} is visible to you")


def validation_detail(errors: list[Any]) -> str:
    parts = []
    for item in errors[:8]:
        where = ".".join(str(part) for part in item.get("loc", ()))
        parts.append(f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", "")))
    return "; ".join(parts)


def as_problem(request: Request, error: Exception) -> Response | None:
    """The problem response for an expected error, or None to let it propagate.

    `instance` is the request's path under SURPLUS_PUBLIC_URL (the spec's problem schema
    wants a URI there), never built from the request's Host header.
    """
    instance = request.app.state.settings.public_url + request.url.path
    if isinstance(error, OpenADRProblem):
        return problem(error.status, error.detail, headers=error.headers, instance=instance)
    if isinstance(error, RequestValidationError | ValidationError):
        detail = "invalid request: " + validation_detail(list(error.errors()))
        return problem(400, detail, instance=instance)
    if isinstance(error, AuthError):
        return auth_problem(error, instance)
    if isinstance(error, HTTPException | StarletteHTTPException):
        headers = dict(error.headers) if error.headers else None
        return problem(error.status_code, str(error.detail), headers=headers, instance=instance)
    return None


class ProblemRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as error:
                response = as_problem(request, error)
                if response is None:
                    raise
                return response

        return handle
