"""Tables of the OpenADR 3 server (migrations 0002 and 0003): one per object type, plus
the notification outbox.

Each object row keeps the client's representation as JSON in `body` and copies into
indexed columns the fields the API filters on (names, programID, venID, clientID,
clientName, an event's end); targets and a subscription's object types get their own
tables so those filters are index look-ups and every search pages in the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime

ID_LENGTH = 128
# Outbox statuses `surplus db maintain` relies on (written by surplus.openadr.outbox).
OUTBOX_DELIVERED = "DELIVERED"
BigId = BigInteger().with_variant(Integer, "sqlite")


class _ObjectColumns:
    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class ProgramRow(_ObjectColumns, Base):
    __tablename__ = "openadr_programs"

    program_name: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)


class EventRow(_ObjectColumns, Base):
    __tablename__ = "openadr_events"

    program_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    # When the event's last interval ends (surplus.openadr.timing.end_instant); NULL for
    # an open-ended event. `active=true` is `ends_at IS NULL OR ends_at > now`.
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class ReportRow(_ObjectColumns, Base):
    __tablename__ = "openadr_reports"
    __table_args__ = (UniqueConstraint("client_id", "idempotency_key"),)

    event_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    program_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    client_name: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(ID_LENGTH))


class SubscriptionRow(_ObjectColumns, Base):
    __tablename__ = "openadr_subscriptions"

    client_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    client_name: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    program_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    owner_is_bl: Mapped[bool] = mapped_column(Boolean)


class SubscriptionObjectRow(Base):
    """One object type a subscription names in any of its objectOperations: what
    `objects=` looks up."""

    __tablename__ = "openadr_subscription_objects"

    subscription_id: Mapped[str] = mapped_column(
        String(ID_LENGTH),
        # Named by hand: the convention's name exceeds PostgreSQL's 63 characters.
        ForeignKey(
            "openadr_subscriptions.id",
            ondelete="CASCADE",
            name="fk_openadr_subscription_objects_subscription",
        ),
        primary_key=True,
    )
    object_type: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)


class VenRow(_ObjectColumns, Base):
    __tablename__ = "openadr_vens"
    # Names are unique per owner (migration 0007), so no client can take another's name.
    __table_args__ = (UniqueConstraint("client_id", "ven_name"),)

    client_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    ven_name: Mapped[str] = mapped_column(String(ID_LENGTH))


class ResourceRow(_ObjectColumns, Base):
    __tablename__ = "openadr_resources"
    __table_args__ = (UniqueConstraint("ven_id", "resource_name"),)

    ven_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    resource_name: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)


class TargetRow(Base):
    """One target string of one object: what `targets=` queries and VEN grants look up."""

    __tablename__ = "openadr_targets"
    __table_args__ = (Index("ix_openadr_targets_type_target", "object_type", "target"),)

    object_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    target: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)


class OutboxRow(Base):
    """A notification to deliver, written in the same transaction as the change it reports.

    `next_attempt_at` doubles as a lease: a worker that claims a row pushes it forward, so a
    worker that dies mid-delivery leaves the row to be retried, never lost.
    """

    __tablename__ = "openadr_outbox"
    __table_args__ = (Index("ix_openadr_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(Text)
    bearer_token: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class DeliveryAttemptRow(Base):
    """One try at delivering one outbox row, kept for operators and for audits of delivery."""

    __tablename__ = "openadr_delivery_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("openadr_outbox.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float] = mapped_column(Float)
