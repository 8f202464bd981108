"""Starting and stopping the notification outbox worker with the app that mounts the VTN,
and, when the broker enforces access control, the VTN's administration of it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from surplus.auth.deps import revocations
from surplus.openadr import broker_access
from surplus.openadr.broker_access import BrokerAccess
from surplus.openadr.deps import outbound_of
from surplus.openadr.dynsec import DynsecControl, DynsecError
from surplus.openadr.mqtt import Broker, Publisher
from surplus.openadr.outbox import OutboxWorker
from surplus.settings import Settings, get_settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.types import utc_now

log = logging.getLogger(__name__)
# Webhook posts in progress at once per process, and as many pooled connections, so no
# post waits for a connection. More costs more than it gives: httpcore's pool checks
# every connection it holds each time it assigns one.
DELIVERY_SLOTS = 100
KEPT_ALIVE = 20


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
    try:
        if getattr(app.state, "openadr_run_worker", True) is False:
            yield None
        else:
            async with _outbox_worker(app):
                try:
                    yield None
                finally:  # before the worker stops, so the last reports' notifications go
                    await _close_report_queue(app)
    finally:
        await _close_report_queue(app)


async def _close_report_queue(app: FastAPI) -> None:
    queue = getattr(app.state, "openadr_reports", {}).get(asyncio.get_running_loop())
    if queue is not None:
        await queue.close()


@contextlib.asynccontextmanager
async def _outbox_worker(app: FastAPI) -> AsyncIterator[None]:
    settings = _settings(app)
    factory = _factory(app, settings)
    publisher, access = None, None
    if settings.mqtt_url:
        broker = Broker.from_url(settings.mqtt_url, settings.mqtt_ca_file)
        if broker.access_controlled:
            access = await asyncio.to_thread(_start_broker_access, broker, factory)
            # Hooks read by surplus.auth and the token route: a revoked client loses its
            # broker account, an issued token becomes its client's broker password.
            app.state.on_client_revoked = broker_access.client_revoked
            app.state.on_token_issued = broker_access.token_issued
        publisher = await asyncio.to_thread(Publisher, broker)
    # Public addresses only (or the networks SURPLUS_OUTBOUND_ALLOW_NETWORKS names),
    # checked at every connection; short timeouts; no redirects.
    limits = httpx.Limits(max_connections=DELIVERY_SLOTS, max_keepalive_connections=KEPT_ALIVE)
    http = outbound_of(app).client(limits)
    worker = OutboxWorker(factory, http, publisher, concurrency=DELIVERY_SLOTS)
    app.state.openadr_worker = worker
    tasks = [asyncio.create_task(worker.run(), name="openadr-outbox")]
    if access is not None:
        sweep = _expire_broker_passwords(app, access, factory, settings.broker_expiry_sweep_s)
        tasks.append(asyncio.create_task(sweep, name="openadr-broker-expiry"))
    try:
        yield None
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await http.aclose()
        if publisher is not None:
            await asyncio.to_thread(publisher.close)
        if access is not None:
            app.state.on_token_issued = None
            broker_access.install(None)
            await asyncio.to_thread(access.control.close)


async def _expire_broker_passwords(
    app: FastAPI, access: BrokerAccess, factory: sessionmaker[Session], every_s: float
) -> None:
    """Every `every_s` seconds: withdraw expired tokens as broker passwords, and reload the
    revoked clients (which removes their broker accounts) even when no REST request comes
    to do it, since a VEN may only listen by MQTT."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await asyncio.to_thread(access.expire_passwords, factory, utc_now())
            await asyncio.to_thread(revocations(app).refresh)
        except Exception:  # a background loop must outlive any one failure
            log.exception("expired MQTT broker passwords not withdrawn (next sweep retries)")


def _start_broker_access(broker: Broker, factory: sessionmaker[Session]) -> BrokerAccess:
    """Connect to the broker's control topic and bring its rules in step with the database.

    A broker that cannot be reached or refuses is logged, not fatal: REST keeps serving,
    and each later token or ven change tries again."""
    access = BrokerAccess(DynsecControl(broker), broker.username)
    try:
        with factory() as session:
            access.resync(session)
    except DynsecError as error:
        log.error("MQTT broker access control not set up at start-up: %s", error)
    broker_access.install(access)
    return access
