"""Starting and stopping the notification outbox worker with the app that mounts the VTN."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from surplus.openadr.mqtt import Broker, Publisher
from surplus.openadr.outbox import OutboxWorker
from surplus.settings import Settings, get_settings
from surplus.store.base import make_engine, make_sessionmaker

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_S = 10.0  # the Definition suggests 10 to 30 s


def _settings(app: FastAPI) -> Settings:
    settings = getattr(app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def _factory(app: FastAPI, settings: Settings) -> sessionmaker[Session]:
    factory = getattr(app.state, "sessionmaker", None)
    if factory is None:
        factory = make_sessionmaker(make_engine(settings.database_url))
    return factory


@contextlib.asynccontextmanager
async def openadr_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the outbox worker while the app serves. Set `app.state.openadr_run_worker = False`
    before start-up to drive the outbox yourself (tests, one-off tools)."""
    if getattr(app.state, "openadr_run_worker", True) is False:
        yield None
        return
    settings = _settings(app)
    publisher = None
    if settings.mqtt_url:
        broker = Broker.from_url(settings.mqtt_url)
        publisher = await asyncio.to_thread(Publisher, broker)
    http = httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_S, follow_redirects=False)
    worker = OutboxWorker(_factory(app, settings), http, publisher)
    app.state.openadr_worker = worker
    task = asyncio.create_task(worker.run(), name="openadr-outbox")
    try:
        yield None
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await http.aclose()
        if publisher is not None:
            await asyncio.to_thread(publisher.close)
