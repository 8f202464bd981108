"""The control room's feed: grid state pushed over HTTP, kept in the store (one row per
zone, the latest; every push in the audit log), read back as a `GridFeed`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from surplus.control.grid import GridSnapshot, ZoneState
from surplus.store.control_tables import ControlGridState


class StoreFeed:
    """What was last pushed for each zone, observed when the control room said."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def snapshot(self, now: datetime) -> GridSnapshot:
        with self.factory() as session:
            rows = list(session.scalars(select(ControlGridState)))
        return GridSnapshot(
            now,
            {
                row.zone: ZoneState(
                    row.zone, row.spare_mw, row.observed_at, row.price_pkr_per_mwh, row.source
                )
                for row in rows
            },
        )


def store_push(
    session: Session,
    zones: list[tuple[str, float, float | None, datetime]],
    source: str,
    now: datetime,
) -> int:
    """Upsert (zone, spare_mw, price, observed_at) rows; an older observation than the
    one stored is ignored (pushes can arrive out of order). Returns rows changed."""
    names = [zone for zone, *_ in zones]
    stored = {
        row.zone: row
        for row in session.scalars(select(ControlGridState).where(ControlGridState.zone.in_(names)))
    }
    changed = 0
    for zone, spare, price, observed in zones:
        row = stored.get(zone)
        if row is not None and row.observed_at >= observed:
            continue
        if row is None:
            row = ControlGridState(zone=zone)
            session.add(row)
            stored[zone] = row
        row.spare_mw, row.price_pkr_per_mwh = spare, price
        row.observed_at, row.received_at, row.source = observed, now, source
        changed += 1
    return changed
