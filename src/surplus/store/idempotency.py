"""Remembered responses to requests sent with an `Idempotency-Key`, so a retry after a
lost reply does the work once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime, utc_now


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
