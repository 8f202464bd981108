"""Minute time series from sites (telemetry and revenue meters) and their hourly roll-up.

Sized for 10,000 sites at one reading a minute (about 5.3 billion rows a year): on
PostgreSQL `readings` is range-partitioned by month of `read_at` (see
`surplus.store.maintenance` and docs/store.md); on SQLite it is one plain table.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sqlalchemy import Float, ForeignKey, Index, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime


class ReadingKind(IntEnum):
    """Where a reading came from; stored as a small integer to keep minute rows narrow."""

    TELEMETRY = 1
    METER = 2


class Reading(Base):
    """One minute at one site: mean power drawn (MW, positive = consumption) and/or energy
    metered over the minute (MWh). The primary key makes re-sent readings harmless."""

    __tablename__ = "readings"
    __table_args__ = (
        # BRIN: tiny, and enough to find a time window in minute rows inserted in time order.
        Index("ix_readings_read_at", "read_at", postgresql_using="brin"),
        {"postgresql_partition_by": "RANGE (read_at)"},
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    power_mw: Mapped[float | None] = mapped_column(Float)
    energy_mwh: Mapped[float | None] = mapped_column(Float)


class ReadingHourly(Base):
    """Hourly aggregate of `readings`, kept forever after raw minutes are dropped."""

    __tablename__ = "readings_hourly"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hour_start: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    samples: Mapped[int] = mapped_column(Integer)
    power_mw_mean: Mapped[float | None] = mapped_column(Float)
    power_mw_min: Mapped[float | None] = mapped_column(Float)
    power_mw_max: Mapped[float | None] = mapped_column(Float)
    energy_mwh: Mapped[float | None] = mapped_column(Float)
