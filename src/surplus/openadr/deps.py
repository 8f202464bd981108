"""FastAPI dependencies and parameter types shared by the VTN's routes."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from surplus.api.deps import get_session
from surplus.auth import current_client
from surplus.auth.principal import Principal
from surplus.openadr import models
from surplus.openadr.access import Caller
from surplus.openadr.callbacks import CallbackCheck
from surplus.openadr.outbound import Outbound, outbound_from
from surplus.openadr.report_queue import ReportQueue
from surplus.openadr.service import Context, Quotas

ID_PATTERN = r"^[a-zA-Z0-9_-]*$"
ObjectIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN)]
ObjectIdQuery = Annotated[str | None, Query(min_length=1, max_length=128, pattern=ID_PATTERN)]
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot compare text with NUL in it
NameQuery = Annotated[str | None, Query(min_length=1, max_length=128, pattern=NO_NUL)]
TargetItem = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=NO_NUL)]
TargetsQuery = Annotated[list[TargetItem] | None, Query()]
Skip = Annotated[int, Query(ge=0, le=models.INT32_MAX)]
Limit = Annotated[int, Query(ge=0, le=50)]
IdempotencyKey = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=128)
]
VEN_REQUEST: TypeAdapter[Any] = TypeAdapter(models.VenRequest)
RESOURCE_REQUEST: TypeAdapter[Any] = TypeAdapter(models.ResourceRequest)


async def caller(principal: Principal = Depends(current_client)) -> Caller:
    return Caller(principal.client_id, principal.role == "bl", principal.scopes, principal.actor)


async def context(
    request: Request, session: Session = Depends(get_session), who: Caller = Depends(caller)
) -> Context:
    worker = getattr(request.app.state, "openadr_worker", None)
    settings = request.app.state.settings
    return Context(
        session,
        who,
        mqtt_enabled=bool(settings.mqtt_url),
        quotas=Quotas(
            settings.max_subscriptions_per_client,
            settings.max_vens_per_client,
            settings.max_resources_per_client,
        ),
        after_commit=worker.wake if worker is not None else None,
    )


# Writes queue here, on the event loop, rather than in the database. Every write ends by
# taking the audit chain's head lock; with dozens of threads waiting on it, the holder
# fights them all for the GIL between its last statements and its commit, and throughput
# collapses. A few slots keep the pipeline full; the rest wait without holding a thread.
WRITE_SLOTS = 4
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


@contextlib.asynccontextmanager
async def write_slot() -> AsyncIterator[None]:
    """One of the WRITE_SLOTS of this event loop, held while a write runs."""
    loop = asyncio.get_running_loop()
    gate = _gates.setdefault(loop, asyncio.Semaphore(WRITE_SLOTS))
    async with gate:
        yield


async def write_gate(request: Request) -> AsyncIterator[None]:
    if request.method == "GET" or _is_report_post(request) or _calls_out(request):
        # Report posts are batched by their own queue; subscription writes call the
        # callback first, then take a slot only for the write (`write_slot`), so a slow
        # callback never holds one.
        yield
        return
    async with write_slot():
        yield


def _is_report_post(request: Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/reports")


def _calls_out(request: Request) -> bool:
    path = request.url.path
    return (request.method == "POST" and path.endswith("/subscriptions")) or (
        request.method == "PUT" and "/subscriptions/" in path
    )


def report_queue(request: Request) -> ReportQueue:
    """The queue of report posts of this app on this event loop, made on first use."""
    state = request.app.state
    if not hasattr(state, "openadr_reports"):
        state.openadr_reports = weakref.WeakKeyDictionary()
    queues = state.openadr_reports
    loop = asyncio.get_running_loop()
    if loop not in queues:
        worker = getattr(request.app.state, "openadr_worker", None)
        queues[loop] = ReportQueue(
            request.app.state.sessionmaker,
            mqtt_enabled=bool(request.app.state.settings.mqtt_url),
            on_notifications=worker.wake if worker is not None else None,
        )
    queue: ReportQueue = queues[loop]
    return queue


async def raw_body(request: Request) -> bytes:
    return await request.body()


Ctx = Annotated[Context, Depends(context)]
Who = Annotated[Caller, Depends(caller)]
Body = Annotated[bytes, Depends(raw_body)]


def ok(content: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status)


def outbound_of(app: Any) -> Outbound:
    """The app's outbound rules (from its settings), made on first use; tests may set
    `app.state.outbound` first (a resolver of their own, a MockTransport)."""
    found: Outbound | None = getattr(app.state, "outbound", None)
    if found is None:
        found = app.state.outbound = outbound_from(app.state.settings)
    return found


def callback_check(request: Request) -> CallbackCheck:
    """Callback URLs must reach allowed addresses everywhere; production also wants https
    and the echo challenge."""
    return CallbackCheck(
        production=request.app.state.settings.production, outbound=outbound_of(request.app)
    )
