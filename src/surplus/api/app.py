"""The operations service as one FastAPI app: the programme's REST API under /api/v1 and,
when its module is present, the OpenADR 3.1.0 VTN under /openadr3/3.1.0."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from surplus.api.limits import RequestSizeLimit
from surplus.api.problems import install_problem_handlers
from surplus.api.routes import audit, auth, readings, register
from surplus.dashboard import router as dashboard_router
from surplus.settings import Settings, get_settings
from surplus.store.base import make_engine, make_sessionmaker

API_PREFIX = "/api/v1"
OPENADR_PREFIX = "/openadr3/3.1.0"
OPENADR_ROUTES = "surplus.openadr.routes"
CONTROL_ROUTES = "surplus.control.routes"
SETTLEMENT_ROUTES = "surplus.settlement.routes"


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(auth.router)
    for resource in register.routers:
        router.include_router(resource)
    router.include_router(readings.router)
    router.include_router(audit.router)
    control = _optional_router(CONTROL_ROUTES)  # the control room's grid-state push
    if control is not None:
        router.include_router(control)
    settlement = _optional_router(SETTLEMENT_ROUTES)  # meter files, statements, verdicts
    if settlement is not None:
        router.include_router(settlement)
    return router


def _optional_router(module: str) -> APIRouter | None:
    """A package's router if its module exists; a module that exists but fails to import
    is an error worth seeing, so only absence is tolerated."""
    try:
        present = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        present = False
    if not present:
        return None
    router: APIRouter = importlib.import_module(module).router
    return router


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. It does not migrate the database: `surplus serve` and tests do."""
    settings = settings or get_settings()
    settings.check_for_production()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="surplus operations service",
        version="0.1.0",
        description="Programme register, readings and audit log; OpenADR 3.1.0 VTN.",
        docs_url="/docs",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    install_problem_handlers(app)
    app.add_middleware(RequestSizeLimit, max_bytes=settings.max_request_bytes)
    # The VTN first: the framework tries routes in order, and the VTN's report posts are
    # the service's highest-volume requests.
    openadr = _optional_router(OPENADR_ROUTES)
    if openadr is not None:
        app.include_router(openadr, prefix=OPENADR_PREFIX)
    app.include_router(api_router())
    app.include_router(dashboard_router)  # the public dashboard: /, /ur/, /operator/
    return app
