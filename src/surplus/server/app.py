"""`create_app`: every router of the operations service in one FastAPI app, with the
protections every route shares (size limit, problem details, security headers, the Host
check in production):

* the OpenADR 3.1.0 VTN under /openadr3/3.1.0 (`surplus.openadr`);
* the programme's REST API under /api/v1 (`surplus.api`);
* the control room's endpoints under /api/v1/control (`surplus.control`);
* settlement's under /api/v1/settlement (`surplus.settlement`);
* the public dashboard at /, /ur/, /operator/ and /api/v1/public (`surplus.dashboard`).

Routers are imported here and nowhere else; no package below this one mounts another's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import Scope

from surplus.api.app import API_PREFIX, api_router
from surplus.api.headers import HostCheck, SecurityHeaders
from surplus.api.limits import RequestSizeLimit
from surplus.api.problems import install_problem_handlers
from surplus.auth.keys import keyring
from surplus.auth.principal import AuthError
from surplus.auth.tokens import verify_token
from surplus.control.routes import router as control_router
from surplus.dashboard import router as dashboard_router
from surplus.openadr import BASE_PATH as OPENADR_PREFIX
from surplus.openadr.routes import router as openadr_router
from surplus.settings import Settings, get_settings
from surplus.settlement.routes import METER_FILES
from surplus.settlement.routes import router as settlement_router
from surplus.store.base import make_engine, make_sessionmaker


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. It does not migrate the database: `surplus serve` and tests do.

    Refuses (SurplusError) settings that fail the production checklist, and settings that
    leave no key to sign tokens with; the key file is created here on first use."""
    settings = settings or get_settings()
    settings.check_for_production()
    keyring(settings)
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    # Production serves no interactive documentation: Swagger UI and ReDoc load their
    # scripts from a CDN, which a production page must not trust. /openapi.json stays.
    docs = not settings.production
    app = FastAPI(
        title="surplus operations service",
        version="0.1.0",
        description=(
            "Programme register, readings and audit log; the control room's grid state; "
            "OpenADR 3.1.0 VTN; the public dashboard's figures."
        ),
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        lifespan=lifespan,
        # A redirect to the path with(out) its trailing slash would be built from the
        # request's Host header; a wrong path is a 404 instead.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    install_problem_handlers(app)
    app.add_middleware(
        RequestSizeLimit,
        max_bytes=settings.max_request_bytes,
        larger={API_PREFIX + settlement_router.prefix + METER_FILES: settings.max_upload_bytes},
        entitled=lambda scope: bearer_role(scope, settings) == "bl",
    )
    if settings.production:
        app.add_middleware(HostCheck, allowed=[settings.public_host, *settings.allowed_hosts])
    app.add_middleware(SecurityHeaders, hsts=settings.production)
    # The VTN first: the framework tries routes in order, and the VTN's report posts are
    # the service's highest-volume requests.
    app.include_router(openadr_router, prefix=OPENADR_PREFIX)
    app.include_router(api_router())
    app.include_router(control_router, prefix=API_PREFIX)  # the control room's pushes
    app.include_router(settlement_router, prefix=API_PREFIX)  # meter files, statements
    app.include_router(dashboard_router)  # the public dashboard: /, /ur/, /operator/
    return app


def bearer_role(scope: Scope, settings: Settings) -> str | None:
    """The role of the request's bearer token when it verifies, else None: enough to decide
    how large a body to read (the route still checks the token fully, revocation included)."""
    header = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return verify_token(token.strip(), settings).role
    except AuthError:
        return None
