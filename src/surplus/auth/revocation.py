"""Withdrawing a client's access, and the per-process list of known and withdrawn clients
that every token check consults.

Tokens are self-contained JWTs, so a revoked client's token stays well-formed until it
expires. Rather than query the database on every request, each process keeps the sets of
known and revoked client ids and reloads them at most every `refresh_s` seconds
(SURPLUS_REVOCATION_REFRESH_S, default 2): that is the longest a revoked client's
already-issued token keeps working. New tokens are refused at once. A token naming a
client the list does not know (a client made since the last load, or one that never
existed) makes it reload at once; a client still unknown then is refused.
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
        self._active: frozenset[str] = frozenset()
        self._loaded_at: float | None = None
        self._loads = 0
        self._lock = threading.Lock()

    def is_revoked(self, client_id: str) -> bool:
        """Whether the client is revoked, reloading first when due (blocks while it does)."""
        if self.due():
            self.refresh()
        return client_id in self

    def __contains__(self, client_id: object) -> bool:
        """Membership in the revoked set as last loaded, never touching the database."""
        return client_id in self._revoked

    def active(self, client_id: str) -> bool | None:
        """True for a known, unrevoked client and False for a revoked one, as last loaded;
        None for a client unknown then (`admit` reloads to find out)."""
        if client_id in self._active:
            return True
        return False if client_id in self._revoked else None

    def admit(self, client_id: str) -> bool:
        """Whether a token of `client_id` may be used: known and not revoked. An unknown
        client makes the list reload first (waiting for a reload already under way)."""
        found = self.active(client_id)
        if found is None:
            loads = self._loads
            with self._lock:
                if self._loads == loads:  # nobody reloaded while this thread waited
                    self._load()
            found = self.active(client_id)
        return bool(found)

    def due(self) -> bool:
        return self._loaded_at is None or self.clock() - self._loaded_at >= self.refresh_s

    def refresh(self) -> None:
        """Reload if still due. Blocks only when nothing has been loaded yet."""
        if not self._lock.acquire(blocking=self._loaded_at is None):
            return  # another thread is reloading; the current set is at most one period old
        try:
            if self.due():
                self._load()
        finally:
            self._lock.release()

    def _load(self) -> None:
        started = self.clock()  # the sets are at least as fresh as this moment
        with self.factory() as session:
            rows = session.execute(select(Client.client_id, Client.revoked_at)).tuples().all()
        revoked = frozenset(client_id for client_id, at in rows if at is not None)
        self._active = frozenset(client_id for client_id, at in rows if at is None)
        newly, self._revoked = revoked - self._revoked, revoked
        self._loaded_at = started
        self._loads += 1
        notify = self.on_revoked
        if notify is not None:
            for client_id in sorted(newly):
                notify(client_id)
