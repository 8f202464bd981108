"""The controller's rows in the store: reading live orders, writing order changes, and
the named values it keeps between cycles (so a restarted controller carries on)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.control.orders import Interval, LiveOrder
from surplus.store.control_tables import (
    ORDER_ACTIVE,
    ControlLedger,
    ControlOrder,
    ControlValue,
)


def intervals_json(intervals: Iterable[Interval]) -> list[dict[str, Any]]:
    return [
        {"start": i.start.isoformat(), "end": i.end.isoformat(), "limit_mw": i.limit_mw}
        for i in intervals
    ]


def intervals_of(row: ControlOrder) -> tuple[Interval, ...]:
    return tuple(
        Interval(
            datetime.fromisoformat(item["start"]),
            datetime.fromisoformat(item["end"]),
            float(item["limit_mw"]),
        )
        for item in row.intervals
    )


def live_order(row: ControlOrder) -> LiveOrder:
    return LiveOrder(row.site_id, row.event_id, row.reason, intervals_of(row))


def active_orders(session: Session) -> dict[int, ControlOrder]:
    """The active order of each site (the newest, should there be two)."""
    rows = session.scalars(
        select(ControlOrder).where(ControlOrder.status == ORDER_ACTIVE).order_by(ControlOrder.id)
    )
    return {row.site_id: row for row in rows}


def ledgers(session: Session, site_ids: Iterable[int], year: int) -> dict[int, ControlLedger]:
    """Each site's ledger, made for sites without one; a new contract year resets the
    hours and energy used."""
    found = {row.site_id: row for row in session.scalars(select(ControlLedger))}
    for site_id in site_ids:
        row = found.get(site_id)
        if row is None:
            row = ControlLedger(
                site_id=site_id, year=year, used_s=0.0, used_mwh=0.0, unreliable=False
            )
            session.add(row)
            found[site_id] = row
        elif row.year != year:
            row.year, row.used_s, row.used_mwh = year, 0.0, 0.0
    return found


def preload_values(session: Session) -> None:
    """Load every named value into the session, so `get_value` finds it without a query."""
    list(session.scalars(select(ControlValue)))


def get_value(session: Session, name: str) -> dict[str, Any]:
    row = session.get(ControlValue, name)
    return dict(row.value) if row is not None else {}


def set_value(session: Session, name: str, value: dict[str, Any]) -> None:
    row = session.get(ControlValue, name)
    if row is None:
        session.add(ControlValue(name=name, value=value))
    else:
        row.value = value
