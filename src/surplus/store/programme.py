"""The programme's register: operators, their sites, applications for capacity and the
allocations granted against them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime, utc_now

APPLICATION_STATUSES = ("submitted", "under_review", "approved", "rejected", "withdrawn")
ALLOCATION_STATUSES = ("proposed", "active", "suspended", "ended")
LOAD_KINDS = ("bitcoin_mining", "ai_data_centre", "other")


class Operator(Base):
    """A company that runs flexible load at one or more sites."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Site(Base):
    """A grid connection point where an operator draws power."""

    __tablename__ = "sites"
    __table_args__ = (
        CheckConstraint("latitude_deg BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude_deg BETWEEN -180 AND 180", name="longitude_range"),
        CheckConstraint("connection_mw > 0", name="connection_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    zone: Mapped[str] = mapped_column(String(64), index=True)
    latitude_deg: Mapped[float] = mapped_column(Float)
    longitude_deg: Mapped[float] = mapped_column(Float)
    connection_mw: Mapped[float] = mapped_column(Float)
    # The OpenADR venID this site's controller uses, so VEN clients can report for it.
    ven_id: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Application(Base):
    """An operator's request for interruptible capacity at a site."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("requested_mw > 0", name="requested_positive"),
        CheckConstraint(
            "status IN ('submitted', 'under_review', 'approved', 'rejected', 'withdrawn')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    requested_mw: Mapped[float] = mapped_column(Float)
    load_kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # What the applicant offers the allocator (surplus.allocation.Application); optional,
    # so applications stored before these columns existed stay valid.
    min_mw: Mapped[float | None] = mapped_column(Float)
    acceptable_sites: Mapped[list[str] | None] = mapped_column(JSON)
    max_curtailment_share: Mapped[float | None] = mapped_column(Float)
    longest_event_hours: Mapped[int | None] = mapped_column(Integer)
    notice_minutes: Mapped[int | None] = mapped_column(Integer)
    accepts_price_curtailment: Mapped[bool | None] = mapped_column(Boolean)
    tariff_rule: Mapped[str | None] = mapped_column(String(64))
    start_date: Mapped[date | None] = mapped_column(Date)
    ramp_mw_per_min: Mapped[float | None] = mapped_column(Float)


class Allocation(Base):
    """Capacity granted to an application, with its terms.

    The key terms are typed columns so they can be queried and checked; the full contract
    lives in `terms` as data so new clauses need no migration.
    """

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("allocated_mw > 0", name="allocated_positive"),
        CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="ends_after_start"),
        CheckConstraint(
            "status IN ('proposed', 'active', 'suspended', 'ended')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    allocated_mw: Mapped[float] = mapped_column(Float)
    tariff_rule: Mapped[str] = mapped_column(String(64))
    curtailment_rights: Mapped[str] = mapped_column(String(64))
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
