"""The dashboard's figures from the store, against a programme worked out by hand
(tests/dashboard/programme.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from surplus.dashboard.model import ProgrammeTotals
from surplus.dashboard.operator_view import operator_dashboard
from surplus.dashboard.provider import KARACHI, month_starts, public_dashboard
from tests.dashboard.programme import EXPECTED_TOTALS, EXPECTED_ZONES, seed


def test_totals_and_zones_match_the_hand_worked_programme(session: Session) -> None:
    now = datetime.now(UTC)
    seed(session, now)
    board = public_dashboard(session, now)
    assert board.totals.model_dump() == pytest.approx(EXPECTED_TOTALS)
    assert board.totals.compliance_share == pytest.approx(1 / 3)
    zones = {z.zone: z for z in board.zones}
    for zone, (
        sites,
        allocated,
        running,
        curtailed,
        spare,
        stale,
        condition,
    ) in EXPECTED_ZONES.items():
        z = zones[zone]
        assert (z.sites, z.allocated_mw, z.running_mw, z.curtailed_mw) == (
            sites, allocated, running, curtailed,
        ), zone  # fmt: skip
        assert (z.spare_mw, z.spare_stale, z.condition) == (spare, stale, condition), zone
    # every zone of the embedded dataset is listed, each once, and the totals add up
    assert len(zones) == len(board.zones) == 13
    assert sum(z.allocated_mw for z in board.zones) == board.totals.allocated_mw


def test_months_count_orders_in_the_karachi_month_they_applied(session: Session) -> None:
    now = datetime.now(UTC)
    seeded = seed(session, now)
    board = public_dashboard(session, now)
    assert [m.month for m in board.months] == month_starts(now)
    expected: dict[date, dict[str, int]] = {}
    for key, applied in seeded.orders.items():
        local = applied.astimezone(KARACHI)
        month = expected.setdefault(date(local.year, local.month, 1), {})
        month[key] = month.get(key, 0) + 1
    for row in board.months:
        counts = expected.get(row.month, {})
        assert row.curtailment_events == sum(counts.values())
        assert row.compliant_events == counts.get("compliant", 0)
        assert row.noncompliant_events == counts.get("exceeded", 0) + counts.get("no_data", 0)
        assert row.pending_events == counts.get("active", 0)
        # no month settled: nothing invented
        assert row.energy_sold_mwh is None and row.revenue_pkr is None
        assert row.subsidy_test_passed is None and row.settled is False
    assert board.settlement_available is False
    assert board.reports == ()


def test_an_empty_store_gives_zeros_and_no_compliance_share(session: Session) -> None:
    board = public_dashboard(session, datetime.now(UTC))
    assert board.totals == ProgrammeTotals(
        operators=0, sites=0, allocated_mw=0, running_mw=0, curtailed_mw=0,
        curtailment_events=0, compliant_events=0, noncompliant_events=0, pending_events=0,
        open_noncompliance=0,
    )  # fmt: skip
    assert board.totals.compliance_share is None
    assert {z.condition for z in board.zones} == {"no_data"}


def test_naive_now_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        public_dashboard(session, datetime.now())


def test_month_starts_cross_the_year_in_karachi_time() -> None:
    # 31 December 20:00 UTC is already 1 January in Karachi (UTC+5)
    now = datetime(2030, 12, 31, 20, tzinfo=UTC)
    assert month_starts(now, 2) == [date(2030, 12, 1), date(2031, 1, 1)]


def test_an_operator_sees_only_its_own_sites(session: Session) -> None:
    now = datetime.now(UTC)
    seeded = seed(session, now)
    view = operator_dashboard(session, seeded.operator_b, now)
    assert view.operator_name == "Karachi Compute"
    assert [s.site_id for s in view.sites] == [seeded.site_ids["b1"], seeded.site_ids["b2"]]
    b1, b2 = view.sites
    assert (b1.allocated_mw, b1.running_mw, b1.curtailed_now, b1.limit_mw) == (30, 25, True, 10)
    assert (b2.allocated_mw, b2.running_mw, b2.curtailed_now) == (0, None, False)
    assert view.statements == ()  # settlement has issued none
    a = operator_dashboard(session, seeded.operator_a, now)
    a2 = next(s for s in a.sites if s.site_id == seeded.site_ids["a2"])
    assert a2.running_mw is None and a2.open_noncompliance == 1  # stale reading, open record
    month_start = datetime(now.astimezone(KARACHI).year, now.astimezone(KARACHI).month, 1,
                           tzinfo=KARACHI)  # fmt: skip
    expected_a1 = int(seeded.orders["compliant"] >= month_start)
    a1 = next(s for s in a.sites if s.site_id == seeded.site_ids["a1"])
    assert a1.orders_this_month == expected_a1
    with pytest.raises(LookupError):
        operator_dashboard(session, 999_999, now)


def test_an_order_that_has_ended_curtails_nothing_now(session: Session) -> None:
    now = datetime.now(UTC)
    seed(session, now)
    later = now + timedelta(hours=1)  # the active order ended 30 minutes before
    board = public_dashboard(session, later)
    assert board.totals.curtailed_mw == 0
    assert {z.zone: z.condition for z in board.zones}["ke"] != "curtailed"


def test_an_order_at_a_month_s_first_instant_counts_in_that_month(session: Session) -> None:
    now = datetime.now(UTC)
    seeded = seed(session, now)
    this_month = month_starts(now)[-1]
    first_instant = datetime(this_month.year, this_month.month, 1, tzinfo=KARACHI)
    from surplus.store.control_tables import ControlOrder

    for offset_s, key in ((0, "first"), (-1, "before")):
        at = (first_instant + timedelta(seconds=offset_s)).astimezone(UTC)
        session.add(
            ControlOrder(
                site_id=seeded.site_ids["a1"],
                event_id=f"edge-{key}",
                zone="mepco",
                reason="capacity",
                status="ended",
                limit_mw=0.0,
                applies_at=at,
                ends_at=at,
                intervals=[],
                decided_at=at,
                compliance="compliant",
                updated_at=at,
            )
        )
    session.commit()
    before = public_dashboard(session, now).months
    counted = {row.month: row.compliant_events for row in before}
    expected_this = 1 + sum(1 for k in ("compliant",) if seeded.orders[k] >= first_instant)
    assert counted[this_month] == expected_this
    previous = month_starts(now)[-2]
    expected_previous = 1 + sum(
        1 for k in ("compliant",)
        if datetime(previous.year, previous.month, 1, tzinfo=KARACHI) <= seeded.orders[k]
        < first_instant
    )  # fmt: skip
    assert counted[previous] == expected_previous
