"""A small programme written into the store, relative to `now`, whose dashboard figures are
worked out by hand in `EXPECTED` (see each row's comment)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from surplus.auth.clients import create_client
from surplus.store.control_tables import (
    ControlGridState,
    ControlLedger,
    ControlNonCompliance,
    ControlOrder,
)
from surplus.store.programme import Allocation, Application, Operator, Site

# Made afresh in each process: no secret the service accepts is written in the repository.
SECRET_A = secrets.token_urlsafe(24)
SECRET_B = secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Seeded:
    operator_a: int
    operator_b: int
    site_ids: dict[str, int]
    orders: dict[str, datetime]
    """When each order applied (to place it in a month)."""


def _site(session: Session, operator: Operator, name: str, zone: str, ven: str | None) -> Site:
    site = Site(
        operator_id=operator.id, name=name, zone=zone, latitude_deg=30.0, longitude_deg=71.0,
        connection_mw=150.0, ven_id=ven,
    )  # fmt: skip
    session.add(site)
    session.flush()
    return site


def _allocate(
    session: Session, site: Site, mw: float, status: str, starts_on: date, ends_on: date | None
) -> None:
    app = Application(
        operator_id=site.operator_id, site_id=site.id, requested_mw=mw,
        load_kind="bitcoin_mining", status="approved",
    )  # fmt: skip
    session.add(app)
    session.flush()
    session.add(
        Allocation(
            application_id=app.id,
            site_id=site.id,
            allocated_mw=mw,
            tariff_rule="proposed_fixed_23",
            curtailment_rights="flexible",
            terms={},
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
        )
    )


def _order(
    session: Session, site: Site, limit_mw: float, applies_at: datetime, ends_at: datetime,
    status: str, compliance: str,
) -> ControlOrder:  # fmt: skip
    order = ControlOrder(
        site_id=site.id, event_id=f"ev-{site.id}-{applies_at.timestamp():.0f}", zone=site.zone,
        reason="capacity", status=status, limit_mw=limit_mw, applies_at=applies_at,
        ends_at=ends_at, intervals=[], decided_at=applies_at, acked_at=None, reached_at=None,
        compliance=compliance, updated_at=applies_at,
    )  # fmt: skip
    session.add(order)
    session.flush()
    return order


def seed(session: Session, now: datetime) -> Seeded:
    """Two operators, four sites, three allocations in force; see EXPECTED."""
    today = now.date()
    a = Operator(name="Indus Hash")
    b = Operator(name="Karachi Compute")
    session.add_all([a, b])
    session.flush()
    a1 = _site(session, a, "Indus Hash Multan", "mepco", "ven-a1")
    a2 = _site(session, a, "Indus Hash Sukkur", "sepco", "ven-a2")
    b1 = _site(session, b, "Karachi Compute Korangi", "ke", "ven-b1")
    b2 = _site(session, b, "Karachi Compute Multan", "mepco", None)
    start = today - timedelta(days=30)
    _allocate(session, a1, 100.0, "active", start, None)
    _allocate(session, a2, 50.0, "active", start, None)
    _allocate(session, a2, 10.0, "ended", start - timedelta(days=400), start)  # not in force
    _allocate(session, b1, 30.0, "active", start, today + timedelta(days=300))
    _allocate(session, b2, 20.0, "proposed", start, None)  # not active
    session.add_all(
        [
            # fresh readings count as running; A2's is 30 minutes old and does not
            ControlLedger(site_id=a1.id, year=now.year, measured_mw=80.0,
                          measured_at=now - timedelta(minutes=2)),
            ControlLedger(site_id=a2.id, year=now.year, measured_mw=40.0,
                          measured_at=now - timedelta(minutes=30)),
            ControlLedger(site_id=b1.id, year=now.year, measured_mw=25.0,
                          measured_at=now - timedelta(minutes=1)),
            ControlGridState(zone="mepco", spare_mw=120.0, price_pkr_per_mwh=21000.0,
                             observed_at=now - timedelta(seconds=10), received_at=now,
                             source="test"),
            ControlGridState(zone="sepco", spare_mw=-5.0, price_pkr_per_mwh=None,
                             observed_at=now - timedelta(minutes=5), received_at=now,
                             source="test"),
            ControlGridState(zone="ke", spare_mw=0.0, price_pkr_per_mwh=None,
                             observed_at=now - timedelta(seconds=5), received_at=now,
                             source="test"),
        ]
    )  # fmt: skip
    orders = {
        # in force now at B1: 30 MW allocated held to 10 MW, so 20 MW curtailed in ke
        "active": (b1, 10.0, now - timedelta(minutes=5), now + timedelta(minutes=30),
                   "active", "pending"),
        "compliant": (a1, 60.0, now - timedelta(days=2), now - timedelta(days=2, hours=-1),
                      "ended", "compliant"),
        "exceeded": (a2, 20.0, now - timedelta(days=3), now - timedelta(days=3, hours=-2),
                     "ended", "exceeded"),
        "no_data": (b1, 5.0, now - timedelta(days=40), now - timedelta(days=40, hours=-1),
                    "ended", "no_data"),
    }  # fmt: skip
    made = {key: _order(session, *args) for key, args in orders.items()}  # type: ignore[arg-type]
    session.add_all(
        [
            ControlNonCompliance(order_id=made["exceeded"].id, site_id=a2.id,
                                 event_id=made["exceeded"].event_id, kind="exceeded",
                                 limit_mw=20.0, measured_mw=45.0,
                                 deadline=now - timedelta(days=3),
                                 detected_at=now - timedelta(days=3),
                                 resolved_at=None),
            ControlNonCompliance(order_id=made["no_data"].id, site_id=b1.id,
                                 event_id=made["no_data"].event_id, kind="no_data",
                                 limit_mw=5.0, measured_mw=None,
                                 deadline=now - timedelta(days=40),
                                 detected_at=now - timedelta(days=40),
                                 resolved_at=now - timedelta(days=39)),
        ]
    )  # fmt: skip
    create_client(session, "ven", "A1 controller", ven_id="ven-a1", client_id="a1",
                  client_secret=SECRET_A)  # fmt: skip
    create_client(session, "ven", "B1 controller", ven_id="ven-b1", client_id="b1",
                  client_secret=SECRET_B)  # fmt: skip
    create_client(session, "bl", "programme office", client_id="office",
                  client_secret=SECRET_A)  # fmt: skip
    session.commit()
    return Seeded(
        a.id, b.id,
        {"a1": a1.id, "a2": a2.id, "b1": b1.id, "b2": b2.id},
        {key: args[2] for key, args in orders.items()},  # type: ignore[misc]
    )  # fmt: skip


EXPECTED_TOTALS = {
    "operators": 2,  # A (A1, A2) and B (B1); B2's allocation is only proposed
    "sites": 3,
    "allocated_mw": 180.0,  # 100 + 50 + 30; the ended 10 MW and proposed 20 MW left out
    "running_mw": 105.0,  # A1 80 + B1 25; A2's reading is 30 minutes old
    "curtailed_mw": 20.0,  # B1: 30 allocated, limit 10
    "curtailment_events": 4,
    "compliant_events": 1,
    "noncompliant_events": 2,  # exceeded + no data
    "pending_events": 1,
    "open_noncompliance": 1,  # A2's; B1's was resolved
}
EXPECTED_ZONES = {
    # zone: (sites, allocated, running, curtailed, spare, stale, condition)
    "mepco": (1, 100.0, 80.0, 0.0, 120.0, False, "running"),
    "sepco": (1, 50.0, 0.0, 0.0, -5.0, True, "idle"),
    "ke": (1, 30.0, 25.0, 20.0, 0.0, False, "curtailed"),
    "hesco": (0, 0.0, 0.0, 0.0, None, True, "no_data"),
}
