"""FastAPI dependencies and parameter types shared by the VTN's routes."""

from __future__ import annotations

import asyncio
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
from surplus.openadr.report_queue import ReportQueue
from surplus.openadr.service import Context

ID_PATTERN = r"^[a-zA-Z0-9_-]*$"
ObjectIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN)]
ObjectIdQuery = Annotated[str | None, Query(min_length=1, max_length=128, pattern=ID_PATTERN)]
NameQuery = Annotated[str | None, Query(min_length=1, max_length=128)]
TargetItem = Annotated[str, StringConstraints(min_length=1, max_length=128)]
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
    return Context(
        session,
        who,
        mqtt_enabled=bool(request.app.state.settings.mqtt_url),
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


async def write_gate(request: Request) -> AsyncIterator[None]:
    if request.method == "GET" or _is_report_post(request):
        yield  # report posts are batched by their own queue
        return
    loop = asyncio.get_running_loop()
    gate = _gates.setdefault(loop, asyncio.Semaphore(WRITE_SLOTS))
    async with gate:
        yield


def _is_report_post(request: Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/reports")


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


def callback_check(request: Request) -> CallbackCheck:
    """Production checks callback URLs in full (echo challenge included); tests may set
    `app.state.openadr_http_transport` to answer that challenge."""
    return CallbackCheck(
        production=request.app.state.settings.environment == "production",
        transport=getattr(request.app.state, "openadr_http_transport", None),
    )
