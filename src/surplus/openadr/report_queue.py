"""Group commit for report posts: posts that arrive while a batch is being written wait on
the event loop and go to the database together in the next one.

One queue per server process, writing from one worker thread at a time. A post is
answered only after its batch has committed, so an acknowledged report is stored; a batch
that fails answers each of its posts with the error (none is half stored).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from surplus.openadr.problems import OpenADRProblem
from surplus.openadr.report_batch import ReportPost, write_reports

log = logging.getLogger(__name__)
MAX_BATCH = 500
# Posts allowed to wait at once. Past it the database is not keeping up: a VEN told 503
# with Retry-After posts again later (same Idempotency-Key), rather than the process
# holding an ever longer queue in memory and every post timing out.
MAX_WAITING = 5_000
RETRY_AFTER_S = 5


class ReportQueue:
    """Posts waiting to be stored; a writer task runs while there are any."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        mqtt_enabled: bool,
        on_notifications: Callable[[], None] | None = None,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._factory = factory
        self._mqtt_enabled = mqtt_enabled
        self._on_notifications = on_notifications
        self._max_batch = max_batch
        self._max_waiting = max_waiting
        self._waiting: list[tuple[ReportPost, asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, post: ReportPost) -> dict[str, Any]:
        """The stored report (or the earlier one for a repeated Idempotency-Key)."""
        if len(self._waiting) >= self._max_waiting:
            raise OpenADRProblem(
                503,
                "too many reports are waiting to be stored; post again later",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting.append((post, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="openadr-report-writer")
        outcome = await future
        if isinstance(outcome, OpenADRProblem):
            raise outcome
        return dict(outcome)

    async def _drain(self) -> None:
        batch: list[tuple[ReportPost, asyncio.Future[Any]]] = []
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                await self._write(batch)
        finally:
            # Cancelled, or failed beyond a database error: nobody may wait for ever. A post
            # whose batch was in flight may still have been stored; its retry (same key)
            # finds it.
            for _, future in batch + self._waiting:
                if not future.done():
                    future.set_exception(OpenADRProblem(503, "the report was not confirmed"))
            self._waiting.clear()
            self._writer = None  # no reference to this loop survives the writer

    async def _write(self, batch: list[tuple[ReportPost, asyncio.Future[Any]]]) -> None:
        posts = [post for post, _ in batch]
        try:
            stored = await asyncio.to_thread(
                write_reports, self._factory, posts, self._mqtt_enabled
            )
        except Exception as error:  # the database refused the batch: every post hears why
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), outcome in zip(batch, stored.outcomes, strict=True):
            if not future.done():  # a client that went away leaves a cancelled future
                future.set_result(outcome)
        if stored.notifications and self._on_notifications is not None:
            try:
                self._on_notifications()
            except Exception:  # the outbox worker also polls: a lost wake-up only delays
                log.exception("could not wake the notification worker")

    async def close(self) -> None:
        """Let the writer finish what is queued (each post is then answered)."""
        if self._writer is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
