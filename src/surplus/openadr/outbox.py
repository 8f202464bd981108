"""Delivering the notification outbox: webhooks by HTTP POST, MQTT by QoS 1 publish.

A worker claims due rows by pushing their `next_attempt_at` forward by a lease and
delivers each on its own: no delivery waits for another, each outcome is recorded as soon
as it is known (outcomes that finish while a write is under way go into the next write),
and new rows are claimed while slow ones are still going. A failure is retried with
exponential back-off until `max_attempts`, then the row is marked FAILED and kept. A
process that dies mid-delivery loses nothing: its claimed rows fall due again when the
lease runs out (delivery is therefore at least once; receivers can de-duplicate on the
object's id and modificationDateTime).

Webhooks go through `surplus.openadr.outbound` (public addresses only, checked at every
connection, no redirects, short timeouts), at most `per_host` at a time to one host, and
a host that keeps failing is skipped for a while (`surplus.openadr.breaker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from surplus.openadr.breaker import HostBreaker
from surplus.openadr.mqtt import Publisher
from surplus.openadr.notify import MQTT, PENDING, WEBHOOK
from surplus.store.base import table_of
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


_OUTBOX = table_of(OutboxRow)
_ATTEMPTS = table_of(DeliveryAttemptRow)
_LEASED = select(_OUTBOX.c.id).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
_RECORD = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(
        status=bindparam("new_status"),
        attempts=bindparam("new_attempts"),
        delivered_at=bindparam("new_delivered_at"),
        last_error=bindparam("new_error"),
        next_attempt_at=bindparam("new_next_attempt_at"),
    )
)


def record_outcomes(
    factory: sessionmaker[Session], outcomes: list[Outcome], policy: RetryPolicy, now: datetime
) -> None:
    """Record each outcome: an attempt row, and the outbox row delivered, failed for good or
    due again after its back-off. Three statements for any number of outcomes (the worker
    records while other deliveries are still going, so this must cost little CPU). A row's
    attempts are counted from the claim: the lease kept anyone else from it meanwhile."""
    if not outcomes:
        return
    with factory() as session, session.begin():
        ids = [outcome.delivery.id for outcome in outcomes]
        present = set(session.scalars(_LEASED, {"ids": ids}))
        attempts, rows = [], []
        for outcome in outcomes:
            delivery = outcome.delivery
            if delivery.id not in present:
                continue  # deleted meanwhile (a cleanup): nothing to record against
            tries = delivery.attempts + 1
            ok = outcome.error is None
            status = DELIVERED if ok else FAILED if tries >= policy.max_attempts else PENDING
            retry_at = now + timedelta(seconds=policy.delay_s(tries))
            attempts.append(
                {
                    "outbox_id": delivery.id,
                    "attempted_at": now,
                    "ok": ok,
                    "status_code": outcome.status_code,
                    "error": outcome.error,
                    "duration_ms": outcome.duration_ms,
                }
            )
            rows.append(
                {
                    "row_id": delivery.id,
                    "new_status": status,
                    "new_attempts": tries,
                    "new_delivered_at": now if ok else None,
                    "new_error": outcome.error,
                    "new_next_attempt_at": retry_at if status == PENDING else now,
                }
            )
        if rows:
            session.execute(insert(_ATTEMPTS), attempts)
            session.execute(_RECORD, rows)


def host_of(url: str) -> str:
    """The host (and port) a callback URL connects to: the breaker's and the per-host
    limit's key.

    >>> host_of("https://Ven.Example.com/hook?x=1")
    'ven.example.com:443'
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 443 if parts.scheme == "https" else 80
    return f"{(parts.hostname or '').lower()}:{port or default}"


async def post_webhook(http: httpx.AsyncClient, delivery: Delivery) -> Outcome:
    headers = {"Content-Type": "application/json"}
    if delivery.bearer_token:
        headers["Authorization"] = f"Bearer {delivery.bearer_token}"
    started = time.perf_counter()
    try:
        response = await http.post(delivery.destination, content=delivery.payload, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        elapsed = (time.perf_counter() - started) * 1000
        return Outcome(delivery, f"{type(error).__name__}: {error}"[:500], None, elapsed)
    elapsed = (time.perf_counter() - started) * 1000
    refused = None if response.is_success else f"callback answered HTTP {response.status_code}"
    return Outcome(delivery, refused, response.status_code, elapsed)


class _Recorder:
    """Writes outcomes as they come: whatever finished while one write was under way goes
    into the next, so one slow delivery never holds back the record of the others. A write
    waits `gather_s` for company first: a fan-out of a thousand deliveries is then a
    handful of transactions, not a thousand, and leaves the CPU to the deliveries."""

    def __init__(
        self, factory: sessionmaker[Session], policy: RetryPolicy, gather_s: float = 0.1
    ) -> None:
        self.factory = factory
        self.policy = policy
        self.gather_s = gather_s
        self._pending: list[Outcome] = []
        self._writer: asyncio.Task[None] | None = None

    def add(self, outcomes: list[Outcome]) -> None:
        self._pending.extend(outcomes)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="openadr-outbox-record")

    async def _write(self) -> None:
        while self._pending:
            await asyncio.sleep(self.gather_s)
            batch, self._pending = self._pending, []
            try:
                await asyncio.to_thread(
                    record_outcomes, self.factory, batch, self.policy, utc_now()
                )
            except Exception:  # the rows fall due again when their lease ends
                log.exception("outcomes of %d deliveries not recorded", len(batch))

    async def flush(self) -> None:
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)


class OutboxWorker:
    """Runs until stopped; `wake()` (thread-safe) makes it look for work at once.

    `concurrency` bounds the webhook posts in progress, `per_host` those to one host, and
    `max_in_flight` the rows claimed and not yet recorded (so a host that hangs holds at
    most that many rows, not the database's whole backlog)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        http: httpx.AsyncClient,
        publisher: Publisher | None,
        policy: RetryPolicy | None = None,
        batch: int = 500,
        concurrency: int = 100,
        idle_poll_s: float = 1.0,
        per_host: int = 32,
        max_in_flight: int = 2000,
        breaker: HostBreaker | None = None,
    ) -> None:
        self.factory = factory
        self.http = http
        self.publisher = publisher
        self.policy = policy or RetryPolicy()
        self.batch = batch
        self.idle_poll_s = idle_poll_s
        self.per_host = per_host
        self.max_in_flight = max_in_flight
        self.breaker = breaker or HostBreaker()
        self._limit = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._starved = False  # the last claim was cut short by max_in_flight
        self._recorder = _Recorder(factory, self.policy)

    def wake(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            while True:
                room = self.max_in_flight - len(self._tasks)
                claimed = 0
                if room > 0:
                    try:
                        claimed = await self._claim_and_start(min(self.batch, room))
                    except Exception:  # keep delivering after a database hiccup; it is logged
                        log.exception("outbox pass failed")
                self._starved = room <= 0 or claimed == room
                if claimed == self.batch and not self._starved:
                    continue  # there may be more due already
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self.idle_poll_s)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._recorder.flush()

    async def drain_once(self) -> int:
        """Deliver what is due now and record every outcome; returns how many rows were
        attempted."""
        claimed = await self._claim_and_start(self.batch)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self._recorder.flush()
        return claimed

    async def _claim_and_start(self, limit: int) -> int:
        due = await asyncio.to_thread(claim_due, self.factory, utc_now(), limit, self.policy)
        messages = [d for d in due if d.channel == MQTT]
        for delivery in due:
            if delivery.channel == WEBHOOK:
                self._start(self._webhook(delivery))
        if messages:
            self._start(self._publish(messages))
        return len(due)

    def _start(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._starved:
            self._wakeup.set()  # room for more rows

    async def _webhook(self, delivery: Delivery) -> None:
        host = host_of(delivery.destination)
        try:
            async with self._host_slot(host):
                # Asked only now, so deliveries queued behind a host's failing ones are
                # skipped too, not just those that arrive after the circuit opened.
                refused = self.breaker.refusal(host)
                if refused is not None:
                    outcome = Outcome(delivery, refused, None, 0.0)
                else:
                    async with self._limit:
                        outcome = await post_webhook(self.http, delivery)
                    up = outcome.status_code is not None and outcome.status_code < 500
                    self.breaker.record(host, host_up=up)
        except asyncio.CancelledError:
            self.breaker.abandon(host)
            raise
        except Exception as error:  # a bug, not the callback's fault: logged, retried
            log.exception("delivery %d to %s failed unexpectedly", delivery.id, host)
            self.breaker.abandon(host)
            outcome = Outcome(delivery, f"internal error: {type(error).__name__}", None, 0.0)
        self._recorder.add([outcome])

    @contextlib.asynccontextmanager
    async def _host_slot(self, host: str) -> Any:
        gate, users = self._hosts.get(host) or (asyncio.Semaphore(self.per_host), 0)
        self._hosts[host] = (gate, users + 1)
        try:
            async with gate:
                yield
        finally:
            gate, users = self._hosts[host]
            if users <= 1:
                del self._hosts[host]
            else:
                self._hosts[host] = (gate, users - 1)

    async def _publish(self, messages: list[Delivery]) -> None:
        started = time.perf_counter()
        if self.publisher is None:
            errors: list[str | None] = ["MQTT is not configured on this server"] * len(messages)
        else:
            pairs = [(d.destination, d.payload) for d in messages]
            errors = await asyncio.to_thread(self.publisher.publish_many, pairs)
        elapsed = (time.perf_counter() - started) * 1000
        outcomes = [Outcome(d, e, None, elapsed) for d, e in zip(messages, errors, strict=True)]
        self._recorder.add(outcomes)
