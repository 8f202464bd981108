"""Tables of the grid-protection controller (migration 0005): its orders, its ledger per
site, the latest grid state pushed by the control room, non-compliance kept for
settlement, and a few named values (cursors, clocks) so a restarted controller carries on
where the last one stopped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from surplus.store.base import Base
from surplus.store.types import UtcDateTime

ORDER_ACTIVE = "active"
ORDER_ENDED = "ended"


class ControlOrder(Base):
    """One order: a site's curtailment episode, mirrored by one OpenADR event.

    `intervals` is the list of {start, end, limit_mw} the event carries; several sites'
    orders share one event when it is an under-frequency shed (reason `frequency`)."""

    __tablename__ = "control_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(Integer, index=True)
    event_id: Mapped[str] = mapped_column(String(128), index=True)
    zone: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    limit_mw: Mapped[float] = mapped_column(Float)
    applies_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    intervals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reached_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    compliance: Mapped[str] = mapped_column(String(16), default="pending")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ControlLedger(Base):
    """Per site: curtailment used this contract year (time and energy, against the term
    sheet's hours and share of energy) and what the controller last knew."""

    __tablename__ = "control_ledger"

    site_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer)
    used_s: Mapped[float] = mapped_column(Float, default=0.0)
    used_mwh: Mapped[float] = mapped_column(Float, default=0.0)
    counted_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    event_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_event_end: Mapped[datetime | None] = mapped_column(UtcDateTime)
    demand_mw: Mapped[float | None] = mapped_column(Float)
    measured_mw: Mapped[float | None] = mapped_column(Float)
    measured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unreliable: Mapped[bool] = mapped_column(Boolean, default=False)


class ControlGridState(Base):
    """The latest state of each zone pushed by the control room (history: the audit log)."""

    __tablename__ = "control_grid_state"

    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    spare_mw: Mapped[float] = mapped_column(Float)
    price_pkr_per_mwh: Mapped[float | None] = mapped_column(Float)
    observed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(200))


class ControlNonCompliance(Base):
    """A site that did not reach its order's limit in the agreed time, by metered power:
    kept for settlement. `resolved_at` is when metered power came back under the limit."""

    __tablename__ = "control_noncompliance"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    site_id: Mapped[int] = mapped_column(Integer, index=True)
    event_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    limit_mw: Mapped[float] = mapped_column(Float)
    measured_mw: Mapped[float | None] = mapped_column(Float)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime)
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ControlValue(Base):
    """A named value of the controller's own (report cursor, zone calm clocks, the
    frequency trigger's state)."""

    __tablename__ = "control_values"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
