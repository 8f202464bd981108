"""Delivering the notification outbox: webhooks by HTTP POST, MQTT by QoS 1 publish.

A worker claims due rows by pushing their `next_attempt_at` forward by a lease, delivers
them concurrently, then records every attempt. A failure is retried with exponential
back-off until `max_attempts`, then the row is marked FAILED and kept. A process that dies
mid-delivery loses nothing: its claimed rows fall due again when the lease runs out
(delivery is therefore at least once; receivers can de-duplicate on the object's id and
modificationDateTime).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from surplus.openadr.mqtt import Publisher
from surplus.openadr.notify import MQTT, PENDING, WEBHOOK
from surplus.store.openadr_tables import DeliveryAttemptRow, OutboxRow
from surplus.store.types import utc_now

log = logging.getLogger(__name__)
DELIVERED = "DELIVERED"
FAILED = "FAILED"


@dataclass(frozen=True)
class RetryPolicy:
    base_delay_s: float = 1.0
    max_delay_s: float = 600.0
    max_attempts: int = 10
    lease_s: float = 60.0

    def delay_s(self, attempts: int) -> float:
        """Back-off after the `attempts`-th failure: base·2^(attempts-1), capped.

        >>> [RetryPolicy().delay_s(n) for n in (1, 2, 3, 11)]
        [1.0, 2.0, 4.0, 600.0]
        """
        return min(self.max_delay_s, self.base_delay_s * 2 ** (attempts - 1))


@dataclass(frozen=True)
class Delivery:
    id: int
    channel: str
    destination: str
    bearer_token: str | None
    payload: str
    attempts: int


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    error: str | None
    status_code: int | None
    duration_ms: float


def claim_due(
    factory: sessionmaker[Session], now: datetime, batch: int, policy: RetryPolicy
) -> list[Delivery]:
    """Lease up to `batch` due rows to this worker.

    The lease is a conditional UPDATE … RETURNING: a row another worker leased in the
    meantime no longer matches `next_attempt_at <= now`, so two workers (or processes)
    never both get it, on SQLite (whose driver runs the SELECT outside the write
    transaction) as on PostgreSQL (where SKIP LOCKED also keeps them from waiting).
    """
    lease_end = now + timedelta(seconds=policy.lease_s)
    due = (OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now)
    with factory() as session, session.begin():
        candidates = (
            select(OutboxRow.id)
            .where(*due)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        ids = list(session.scalars(candidates))
        if not ids:
            return []
        claimed = session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), *due)
            .values(next_attempt_at=lease_end)
            .returning(
                OutboxRow.id,
                OutboxRow.channel,
                OutboxRow.destination,
                OutboxRow.bearer_token,
                OutboxRow.payload,
                OutboxRow.attempts,
            )
        ).tuples()
        deliveries = [Delivery(*row) for row in claimed]
    return sorted(deliveries, key=lambda delivery: delivery.id)


def record_outcomes(
    factory: sessionmaker[Session], outcomes: list[Outcome], policy: RetryPolicy, now: datetime
) -> None:
    with factory() as session, session.begin():
        # One SELECT for the whole batch rather than one per delivery.
        ids = [outcome.delivery.id for outcome in outcomes]
        rows = {
            row.id: row for row in session.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)))
        }
        for outcome in outcomes:
            row = rows.get(outcome.delivery.id)
            if row is None:
                continue
            session.add(
                DeliveryAttemptRow(
                    outbox_id=row.id,
                    attempted_at=now,
                    ok=outcome.error is None,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                )
            )
            row.attempts += 1
            if outcome.error is None:
                row.status, row.delivered_at, row.last_error = DELIVERED, now, None
            elif row.attempts >= policy.max_attempts:
                row.status, row.last_error = FAILED, outcome.error
            else:
                row.last_error = outcome.error
                row.next_attempt_at = now + timedelta(seconds=policy.delay_s(row.attempts))


async def post_webhook(http: httpx.AsyncClient, delivery: Delivery) -> Outcome:
    headers = {"Content-Type": "application/json"}
    if delivery.bearer_token:
        headers["Authorization"] = f"Bearer {delivery.bearer_token}"
    started = time.perf_counter()
    try:
        response = await http.post(delivery.destination, content=delivery.payload, headers=headers)
    except httpx.HTTPError as error:
        elapsed = (time.perf_counter() - started) * 1000
        return Outcome(delivery, f"{type(error).__name__}: {error}"[:500], None, elapsed)
    elapsed = (time.perf_counter() - started) * 1000
    refused = None if response.is_success else f"callback answered HTTP {response.status_code}"
    return Outcome(delivery, refused, response.status_code, elapsed)


class OutboxWorker:
    """Runs until stopped; `wake()` (thread-safe) makes it look for work at once."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        http: httpx.AsyncClient,
        publisher: Publisher | None,
        policy: RetryPolicy | None = None,
        batch: int = 500,
        concurrency: int = 100,
        idle_poll_s: float = 1.0,
    ) -> None:
        self.factory = factory
        self.http = http
        self.publisher = publisher
        self.policy = policy or RetryPolicy()
        self.batch = batch
        self.idle_poll_s = idle_poll_s
        self._limit = asyncio.Semaphore(concurrency)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        while True:
            try:
                done = await self.drain_once()
            except Exception:  # keep delivering after a database hiccup; it is logged
                log.exception("outbox pass failed")
                done = 0
            if done:
                continue
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self.idle_poll_s)

    async def drain_once(self) -> int:
        """Deliver what is due now; returns how many rows were attempted."""
        due = await asyncio.to_thread(claim_due, self.factory, utc_now(), self.batch, self.policy)
        if not due:
            return 0
        outcomes = await self._deliver(due)
        await asyncio.to_thread(record_outcomes, self.factory, outcomes, self.policy, utc_now())
        return len(due)

    async def _deliver(self, due: list[Delivery]) -> list[Outcome]:
        hooks = [d for d in due if d.channel == WEBHOOK]
        messages = [d for d in due if d.channel == MQTT]

        async def one(delivery: Delivery) -> Outcome:
            async with self._limit:
                return await post_webhook(self.http, delivery)

        tasks: list[Any] = [one(d) for d in hooks]
        if messages:
            tasks.append(self._publish(messages))
        results = await asyncio.gather(*tasks)
        outcomes = [r for r in results if isinstance(r, Outcome)]
        for group in results:
            if isinstance(group, list):
                outcomes.extend(group)
        return outcomes

    async def _publish(self, messages: list[Delivery]) -> list[Outcome]:
        started = time.perf_counter()
        if self.publisher is None:
            errors: list[str | None] = ["MQTT is not configured on this server"] * len(messages)
        else:
            pairs = [(d.destination, d.payload) for d in messages]
            errors = await asyncio.to_thread(self.publisher.publish_many, pairs)
        elapsed = (time.perf_counter() - started) * 1000
        return [Outcome(d, e, None, elapsed) for d, e in zip(messages, errors, strict=True)]
