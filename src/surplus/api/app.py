"""The programme's REST API under /api/v1, as one router (`surplus.server` mounts it)."""

from __future__ import annotations

from fastapi import APIRouter

from surplus.api.routes import audit, auth, readings, register

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(auth.router)
    for resource in register.routers:
        router.include_router(resource)
    router.include_router(readings.router)
    router.include_router(audit.router)
    return router
