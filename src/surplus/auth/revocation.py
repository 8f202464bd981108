"""Withdrawing a client's access, and the per-process list of withdrawn clients that every
token check consults.

Tokens are self-contained JWTs, so a revoked client's token stays well-formed until it
expires. Rather than query the database on every request, each process keeps the set of
revoked client ids and reloads it at most every `refresh_s` seconds
(SURPLUS_REVOCATION_REFRESH_S, default 2): that is the longest a revoked client's
already-issued token keeps working. New tokens are refused at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from surplus.errors import SurplusError
from surplus.store import audit
from surplus.store.clients import Client
from surplus.store.types import utc_now


@dataclass(frozen=True)
class Revoked:
    client_id: str
    revoked_at: datetime
    newly: bool


def revoke_client(
    session: Session, client_id: str, actor: str, now: datetime | None = None
) -> Revoked:
    """Mark the client revoked (audited, in the caller's transaction).

    Revoking a client already revoked changes nothing and keeps its first time; an unknown
    id is a SurplusError.
    """
    client = session.get(Client, client_id, with_for_update=True)
    if client is None:
        raise SurplusError(f"no client with id {client_id!r}")
    if client.revoked_at is not None:
        return Revoked(client_id, client.revoked_at, newly=False)
    client.revoked_at = now or utc_now()
    audit.record(
        session,
        actor,
        "revoke",
        "client",
        client_id,
        {"role": client.role, "name": client.name, "revoked_at": client.revoked_at.isoformat()},
    )
    return Revoked(client_id, client.revoked_at, newly=True)


class RevocationList:
    """The revoked client ids, reloaded when older than `refresh_s` (thread-safe).

    While one thread reloads, the others answer from the set they have rather than wait;
    only the first load (nothing known yet) makes them wait, so a process never starts
    by accepting revoked clients. A failed load raises and is retried on the next check.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        refresh_s: float,
        clock: Callable[[], float] = time.monotonic,
        on_revoked: Callable[[str], None] | None = None,
    ) -> None:
        self.factory = factory
        self.refresh_s = refresh_s
        self.clock = clock
        self.on_revoked = on_revoked  # told of each client newly seen revoked
        self._revoked: frozenset[str] = frozenset()
        self._loaded_at: float | None = None
        self._lock = threading.Lock()

    def is_revoked(self, client_id: str) -> bool:
        """Whether the client is revoked, reloading first when due (blocks while it does)."""
        if self.due():
            self.refresh()
        return client_id in self

    def __contains__(self, client_id: object) -> bool:
        """Membership in the set as last loaded, never touching the database."""
        return client_id in self._revoked

    def due(self) -> bool:
        return self._loaded_at is None or self.clock() - self._loaded_at >= self.refresh_s

    def refresh(self) -> None:
        """Reload if still due. Blocks only when nothing has been loaded yet."""
        if not self._lock.acquire(blocking=self._loaded_at is None):
            return  # another thread is reloading; the current set is at most one period old
        try:
            if self.due():
                started = self.clock()  # the set is at least as fresh as this moment
                with self.factory() as session:
                    query = select(Client.client_id).where(Client.revoked_at.is_not(None))
                    revoked = frozenset(session.scalars(query))
                newly, self._revoked = revoked - self._revoked, revoked
                self._loaded_at = started
                notify = self.on_revoked
                if notify is not None:
                    for client_id in sorted(newly):
                        notify(client_id)
        finally:
            self._lock.release()
