"""The public dashboard's figures from what the store holds now: the register (active
allocations), the controller's tables (grid state, orders, the ledger's metered draw,
non-compliance) and, through `settlement_source`, settlement's money and energy.

Every figure is an aggregate computed in the database (one query per figure family), so the
first page costs the same for ten sites as for ten thousand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from surplus.dashboard import settlement_source
from surplus.dashboard.model import (
    Dashboard,
    MonthRow,
    ProgrammeTotals,
    SettlementMonth,
    ZoneState,
)
from surplus.dashboard.zones import known_zones, zone_info
from surplus.store.control_tables import (
    ControlGridState,
    ControlLedger,
    ControlNonCompliance,
    ControlOrder,
)
from surplus.store.programme import Allocation, Site

KARACHI = ZoneInfo("Asia/Karachi")
RUNNING_WINDOW = timedelta(minutes=15)
"""A site's metered draw counts as running now if it was measured this recently."""
STALE_AFTER = timedelta(seconds=30)
"""As the controller (`control.decision.Policy.stale_after_s`): older grid state is no state."""
MONTHS_SHOWN = 12
NONCOMPLIANT = ("exceeded", "no_data")


def in_force(today: date) -> ColumnElement[bool]:
    """Allocations that are active and in force on `today` (Asia/Karachi date)."""
    return and_(
        Allocation.status == "active",
        Allocation.starts_on <= today,
        or_(Allocation.ends_on.is_(None), Allocation.ends_on > today),
    )


def local_today(now: datetime) -> date:
    return now.astimezone(KARACHI).date()


def month_starts(now: datetime, count: int = MONTHS_SHOWN) -> list[date]:
    """The first days of the last `count` months (Asia/Karachi), oldest first.

    >>> [m.isoformat() for m in month_starts(datetime(2026, 1, 31, 20, tzinfo=UTC), 3)]
    ['2025-12-01', '2026-01-01', '2026-02-01']
    """
    today = local_today(now)
    index = today.year * 12 + today.month - 1
    return [date((i // 12), i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


@dataclass(frozen=True)
class _ZoneLoad:
    sites: int = 0
    allocated_mw: float = 0.0
    running_mw: float = 0.0
    curtailed_mw: float = 0.0
    sites_curtailed: int = 0


def public_dashboard(session: Session, now: datetime) -> Dashboard:
    """The public page's figures at `now` (timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = local_today(now)
    loads = _zone_loads(session, now, today)
    zones = _zone_states(session, now, loads)
    months = month_starts(now)
    figures = settlement_source.month_figures(session, months)
    operators = session.scalar(
        select(func.count(func.distinct(Site.operator_id)))
        .join(Allocation, Allocation.site_id == Site.id)
        .where(in_force(today))
    )
    by_status = Counter(
        dict(
            session.execute(
                select(ControlOrder.compliance, func.count()).group_by(ControlOrder.compliance)
            )
            .tuples()
            .all()
        )
    )
    open_records = session.scalar(
        select(func.count())
        .select_from(ControlNonCompliance)
        .where(ControlNonCompliance.resolved_at.is_(None))
    )
    totals = ProgrammeTotals(
        operators=operators or 0,
        sites=sum(z.sites for z in zones),
        allocated_mw=sum(z.allocated_mw for z in zones),
        running_mw=sum(z.running_mw for z in zones),
        curtailed_mw=sum(z.curtailed_mw for z in zones),
        curtailment_events=sum(by_status.values()),
        compliant_events=by_status["compliant"],
        noncompliant_events=sum(by_status[s] for s in NONCOMPLIANT),
        pending_events=by_status["pending"],
        open_noncompliance=open_records or 0,
    )
    return Dashboard(
        generated_at=now,
        totals=totals,
        zones=tuple(zones),
        months=tuple(_month_rows(session, months, figures)),
        settlement_available=bool(figures),
        reports=tuple(settlement_source.public_reports(session)),
    )


def _zone_loads(session: Session, now: datetime, today: date) -> dict[str, _ZoneLoad]:
    granted = (
        select(Allocation.site_id.label("site_id"), func.sum(Allocation.allocated_mw).label("mw"))
        .where(in_force(today))
        .group_by(Allocation.site_id)
        .subquery()
    )
    per_zone = (
        session.execute(
            select(Site.zone, func.count(), func.sum(granted.c.mw))
            .join(granted, granted.c.site_id == Site.id)
            .group_by(Site.zone)
        )
        .tuples()
        .all()
    )
    running = dict(
        session.execute(
            select(Site.zone, func.sum(ControlLedger.measured_mw))
            .join(Site, Site.id == ControlLedger.site_id)
            .join(granted, granted.c.site_id == Site.id)
            .where(ControlLedger.measured_at >= now - RUNNING_WINDOW)
            .group_by(Site.zone)
        )
        .tuples()
        .all()
    )
    held = case(
        (granted.c.mw > ControlOrder.limit_mw, granted.c.mw - ControlOrder.limit_mw), else_=0.0
    )
    curtailed = {
        zone: (float(mw or 0.0), int(n))
        for zone, mw, n in session.execute(
            select(Site.zone, func.sum(held), func.count(func.distinct(ControlOrder.site_id)))
            .join(Site, Site.id == ControlOrder.site_id)
            .join(granted, granted.c.site_id == ControlOrder.site_id)
            .where(
                ControlOrder.status == "active",
                ControlOrder.applies_at <= now,
                ControlOrder.ends_at > now,
            )
            .group_by(Site.zone)
        ).tuples()
    }
    return {
        zone: _ZoneLoad(
            sites=int(n),
            allocated_mw=float(mw or 0.0),
            running_mw=max(0.0, float(running.get(zone) or 0.0)),
            curtailed_mw=curtailed.get(zone, (0.0, 0))[0],
            sites_curtailed=curtailed.get(zone, (0.0, 0))[1],
        )
        for zone, n, mw in per_zone
    }


def _zone_states(session: Session, now: datetime, loads: dict[str, _ZoneLoad]) -> list[ZoneState]:
    grid = {row.zone: row for row in session.scalars(select(ControlGridState))}
    order = list(known_zones()) + sorted((set(loads) | set(grid)) - set(known_zones()))
    states = []
    for zone in order:
        info, load, pushed = zone_info(zone), loads.get(zone, _ZoneLoad()), grid.get(zone)
        if load.sites_curtailed:
            condition = "curtailed"
        elif load.running_mw > 0:
            condition = "running"
        elif pushed is not None or load.sites:
            condition = "idle"
        else:
            condition = "no_data"
        states.append(
            ZoneState(
                zone=zone,
                name=info.name,
                latitude_deg=info.latitude_deg,
                longitude_deg=info.longitude_deg,
                spare_mw=None if pushed is None else pushed.spare_mw,
                spare_observed_at=None if pushed is None else pushed.observed_at,
                spare_stale=pushed is None or now - pushed.observed_at > STALE_AFTER,
                sites=load.sites,
                allocated_mw=load.allocated_mw,
                running_mw=load.running_mw,
                curtailed_mw=load.curtailed_mw,
                sites_curtailed=load.sites_curtailed,
                condition=condition,
            )
        )
    return states


def _month_rows(
    session: Session, months: Sequence[date], figures: dict[date, SettlementMonth]
) -> list[MonthRow]:
    """Orders counted by the Karachi month they applied in: one scan, bucketed in SQL by
    the months' first instants in UTC (a Python loop over a year of orders is the slow part
    of the page otherwise)."""
    bounds = [_utc_start(m) for m in months] + [_utc_start(_next_month(months[-1]))]
    bucket = case(
        *[(ControlOrder.applies_at < end, i) for i, end in enumerate(bounds[1:])], else_=-1
    )
    counts: dict[int, Counter[str]] = {i: Counter() for i in range(len(months))}
    for index, compliance, n in session.execute(
        select(bucket, ControlOrder.compliance, func.count())
        .where(ControlOrder.applies_at >= bounds[0], ControlOrder.applies_at < bounds[-1])
        .group_by(bucket, ControlOrder.compliance)
    ).tuples():
        counts[int(index)][compliance] += int(n)
    rows = []
    for i, month in enumerate(months):
        count = counts[i]
        settled = figures.get(month)
        rows.append(
            MonthRow(
                month=month,
                curtailment_events=sum(count.values()),
                compliant_events=count["compliant"],
                noncompliant_events=sum(count[s] for s in NONCOMPLIANT),
                pending_events=count["pending"],
                settled=settled is not None,
                **(settled.model_dump() if settled is not None else {}),
            )
        )
    return rows


def _utc_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=KARACHI).astimezone(UTC)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)
