"""OAuth2 clients: business-logic users and VENs that exchange a secret for a token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime, utc_now


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (CheckConstraint("role IN ('bl', 'ven')", name="role_known"),)

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>; the secret itself is never stored.
    secret_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    ven_id: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Set by `surplus admin client revoke`: no new tokens, and issued ones are refused.
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the client's MQTT broker password (its latest access token) expires; cleared
    # once the broker has been told (surplus.openadr.broker_access).
    broker_password_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
