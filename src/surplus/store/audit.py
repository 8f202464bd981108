"""The append-only audit log: every write to the programme, who made it, hash-chained.

Each entry stores sha256(previous hash + canonical JSON of the entry), so editing or
deleting any row breaks the chain from that row on. `audit_head` holds the last id and
hash, which also exposes a deleted tail; publish `verify(...).head_hash` somewhere the
database's owner cannot edit to anchor the chain. On PostgreSQL a trigger refuses UPDATE,
DELETE and TRUNCATE on `audit_log` (see migration 0001).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, bindparam, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from surplus.errors import SurplusError
from surplus.store.base import Base, table_of
from surplus.store.types import UtcDateTime, utc_now

GENESIS_HASH = "0" * 64
HEAD_ROW = 1


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    # Assigned as head + 1 under the head's lock, never from a sequence, so a rolled-back
    # transaction leaves no gap and any gap means a deleted row.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """One row: the newest entry. Locking it serialises writers so the chain never forks."""

    __tablename__ = "audit_head"

    singleton: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class ChainCheck:
    """Result of `verify`: `first_bad_id` names the first entry that does not check out."""

    ok: bool
    entries: int
    head_hash: str
    first_bad_id: int | None = None
    reason: str = ""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same bytes for the same value every time."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    body = {
        "id": entry.id,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "payload": entry.payload,
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode()).hexdigest()


@dataclass(frozen=True)
class Write:
    """One write to be recorded: who did what to which object, and the object after it."""

    actor: str
    action: str
    object_type: str
    object_id: str | int
    payload: dict[str, Any]


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    payload: dict[str, Any],
) -> AuditEntry:
    """Append one entry in the caller's transaction; it commits or rolls back with the write.

    `payload` must be JSON-serialisable (no NaN); timestamps in it should be ISO strings.
    """
    return record_many(session, [Write(actor, action, object_type, object_id, payload)])[0]


def record_many(session: Session, writes: Sequence[Write]) -> list[AuditEntry]:
    """Append entries for `writes`, in order, under one lock of the chain's head.

    Batching matters because that lock serialises every writer until commit: a batch of
    writes holds it once for all of them.
    """
    try:
        payloads = [json.loads(canonical_json(write.payload)) for write in writes]
    except (TypeError, ValueError) as error:
        raise SurplusError(f"audit payload must be plain JSON (no NaN): {error}") from error
    if not writes:
        return []
    # Lock and read the head in one statement: on PostgreSQL the UPDATE takes its row lock,
    # on SQLite the write lock, so two writers cannot both read the same previous hash.
    last_id, last_hash = session.execute(_LOCK_HEAD).one()
    at = utc_now()
    entries = []
    for write, payload in zip(writes, payloads, strict=True):
        last_id += 1
        entry = AuditEntry(
            id=last_id,
            at=at,
            actor=write.actor,
            action=write.action,
            object_type=write.object_type,
            object_id=str(write.object_id),
            payload=payload,
            prev_hash=last_hash,
        )
        entry.hash = last_hash = entry_hash(last_hash, entry)
        entries.append(entry)
    session.execute(_INSERT_ENTRIES, [_columns(entry) for entry in entries])
    session.execute(_MOVE_HEAD, {"new_id": last_id, "new_hash": last_hash})
    return entries


# Statements built once: every write of the service runs them.
_HEAD = table_of(AuditHead)
_ENTRIES = table_of(AuditEntry)
_LOCK_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.singleton == HEAD_ROW)
    .values(last_id=_HEAD.c.last_id)
    .returning(_HEAD.c.last_id, _HEAD.c.last_hash)
)
_INSERT_ENTRIES = insert(_ENTRIES)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.singleton == HEAD_ROW)
    .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))
)


def _columns(entry: AuditEntry) -> dict[str, Any]:
    return {column.key: getattr(entry, column.key) for column in AuditEntry.__table__.columns}


def verify(session: Session, batch_rows: int = 5_000) -> ChainCheck:
    """Walk the chain from the first entry; report the first edited, missing or moved row."""
    expected_id, prev_hash, count = 1, GENESIS_HASH, 0
    for entry in _entries_in_order(session, batch_rows):
        problem = _entry_problem(entry, expected_id, prev_hash)
        if problem:
            bad_id = min(entry.id, expected_id)
            return ChainCheck(False, count, prev_hash, bad_id, problem)
        expected_id, prev_hash, count = entry.id + 1, entry.hash, count + 1
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.singleton == HEAD_ROW)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if head is None or head.last_id != expected_id - 1 or head.last_hash != prev_hash:
        return ChainCheck(False, count, prev_hash, expected_id, "the newest entries were deleted")
    return ChainCheck(True, count, prev_hash)


def _entries_in_order(session: Session, batch_rows: int) -> Iterator[AuditEntry]:
    """All entries by id, a batch at a time (keyset pages: no server cursor left open)."""
    after = 0
    while True:
        batch = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.id > after)
                .order_by(AuditEntry.id)
                .limit(batch_rows)
            )
            .scalars()
            .all()
        )
        yield from batch
        if len(batch) < batch_rows:
            return
        after = batch[-1].id


def _entry_problem(entry: AuditEntry, expected_id: int, prev_hash: str) -> str:
    if entry.id != expected_id:
        return f"entry {expected_id} is missing (next present is {entry.id})"
    if entry.prev_hash != prev_hash:
        return "prev_hash does not match the previous entry's hash"
    if entry_hash(prev_hash, entry) != entry.hash:
        return "contents do not match the stored hash (edited)"
    return ""
