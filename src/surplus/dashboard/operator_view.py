"""What a logged-in operator sees: its own sites (allocation, metered draw, orders,
non-compliance) and its statements. Every query is filtered by the operator's id; nothing
here can name another operator's site."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surplus.dashboard import settlement_source
from surplus.dashboard.model import OperatorDashboard, SiteView
from surplus.dashboard.provider import KARACHI, RUNNING_WINDOW, in_force, local_today
from surplus.store.control_tables import ControlLedger, ControlNonCompliance, ControlOrder
from surplus.store.programme import Allocation, Operator, Site


def operator_dashboard(session: Session, operator_id: int, now: datetime) -> OperatorDashboard:
    """The operator's page at `now`; LookupError if the operator does not exist."""
    operator = session.get(Operator, operator_id)
    if operator is None:
        raise LookupError(f"operator {operator_id} does not exist")
    today = local_today(now)
    sites = list(
        session.scalars(select(Site).where(Site.operator_id == operator_id).order_by(Site.id))
    )
    ids = [s.id for s in sites]
    granted: dict[int, tuple[float, str]] = {}
    for site_id, mw, rule in session.execute(
        select(Allocation.site_id, Allocation.allocated_mw, Allocation.tariff_rule).where(
            in_force(today), Allocation.site_id.in_(ids)
        )
    ).tuples():
        before = granted.get(site_id, (0.0, rule))
        granted[site_id] = (before[0] + mw, rule)
    ledger = {
        row.site_id: row
        for row in session.scalars(select(ControlLedger).where(ControlLedger.site_id.in_(ids)))
    }
    active = {
        row.site_id: row
        for row in session.scalars(
            select(ControlOrder).where(
                ControlOrder.site_id.in_(ids),
                ControlOrder.status == "active",
                ControlOrder.applies_at <= now,
                ControlOrder.ends_at > now,
            )
        )
    }
    local = now.astimezone(KARACHI)
    month_start = datetime(local.year, local.month, 1, tzinfo=KARACHI).astimezone(UTC)
    orders = Counter(
        dict(
            session.execute(
                select(ControlOrder.site_id, func.count())
                .where(ControlOrder.site_id.in_(ids), ControlOrder.applies_at >= month_start)
                .group_by(ControlOrder.site_id)
            )
            .tuples()
            .all()
        )
    )
    open_records = Counter(
        dict(
            session.execute(
                select(ControlNonCompliance.site_id, func.count())
                .where(
                    ControlNonCompliance.site_id.in_(ids),
                    ControlNonCompliance.resolved_at.is_(None),
                )
                .group_by(ControlNonCompliance.site_id)
            )
            .tuples()
            .all()
        )
    )
    views = []
    for site in sites:
        row = ledger.get(site.id)
        fresh = (
            row is not None
            and row.measured_at is not None
            and row.measured_mw is not None
            and now - row.measured_at <= RUNNING_WINDOW
        )
        order = active.get(site.id)
        views.append(
            SiteView(
                site_id=site.id,
                name=site.name,
                zone=site.zone,
                connection_mw=site.connection_mw,
                allocated_mw=granted.get(site.id, (0.0, None))[0],
                tariff_rule=granted.get(site.id, (0.0, None))[1],
                running_mw=row.measured_mw if fresh and row is not None else None,
                measured_at=row.measured_at if row is not None else None,
                curtailed_now=order is not None,
                limit_mw=order.limit_mw if order is not None else None,
                orders_this_month=orders[site.id],
                open_noncompliance=open_records[site.id],
            )
        )
    statements = settlement_source.operator_statements(session, operator_id)
    return OperatorDashboard(
        generated_at=now,
        operator_id=operator.id,
        operator_name=operator.name,
        sites=tuple(views),
        statements=tuple(statements),
    )
