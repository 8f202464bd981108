"""Tables of settlement (migration 0006): meter data as received and as corrected, the
flags its validation raised, compliance verdicts per order, and statements with every
version kept.

Raw readings stay where they arrive (`readings`, kind telemetry or meter); an uploaded
file is also kept whole (`content`, gzip), so a reading the minute table could not hold (a
second, different value for the same minute) is never lost. A correction never edits a
reading: it adds a row to `settlement_corrections` with a higher version and its batch's
reason. Money is stored as decimal text, exact on every backend.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime

STATEMENT_ISSUED = "issued"
STATEMENT_SUPERSEDED = "superseded"


class MeterBatch(Base):
    """One arrival of meter data: an uploaded CSV, an API upload, the OpenADR reports of a
    period, or a correction (which must say why)."""

    __tablename__ = "settlement_meter_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MeterFlag(Base):
    """Something validation noticed about a reading (kept, never dropped): a gap, a
    duplicate, a negative or implausible value, a clock error."""

    __tablename__ = "settlement_meter_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
    site_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[int] = mapped_column(SmallInteger)
    flag: Mapped[str] = mapped_column(String(32))
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    row: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)


class MeterCorrection(Base):
    """A corrected value for one minute: version N of that reading, from batch `batch_id`
    (whose `reason` says why). The highest version wins; the raw reading stays."""

    __tablename__ = "settlement_corrections"

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    power_mw: Mapped[float | None] = mapped_column(Float)
    energy_mwh: Mapped[float | None] = mapped_column(Float)
    batch_id: Mapped[int] = mapped_column(Integer, index=True)


class SettlementVerdict(Base):
    """The compliance verdict on one order, as the month's settlement judged it."""

    __tablename__ = "settlement_verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    site_id: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    operator: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(32))
    baseline: Mapped[str] = mapped_column(String(32))
    baseline_mw: Mapped[float] = mapped_column(Float)
    limit_mw: Mapped[float] = mapped_column(Float)
    ordered_mw: Mapped[float] = mapped_column(Float)
    delivered_mw: Mapped[float] = mapped_column(Float)
    shortfall_mw: Mapped[float] = mapped_column(Float)
    excess_mwh: Mapped[float] = mapped_column(Float)
    reach_s: Mapped[float | None] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(16))
    breach_number: Mapped[int] = mapped_column(Integer)
    escalation: Mapped[str] = mapped_column(String(16))
    penalty_pkr: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    judged_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SettlementStatement(Base):
    """One version of an operator's monthly statement. A re-issue adds version N+1 with
    its reason and marks the earlier one superseded; nothing is overwritten."""

    __tablename__ = "settlement_statements"
    __table_args__ = (UniqueConstraint("month", "operator", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    operator: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(Integer)
    total_pkr: Mapped[str] = mapped_column(String(32))
    energy_mwh: Mapped[float] = mapped_column(Float)
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
