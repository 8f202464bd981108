"""settlement_source against a store that settlement itself filled (SQLite and PostgreSQL):
a settled month's figures are `month_summary`'s, a re-issue is seen at once, an operator
gets its own statements and no one else's, and the public report is settlement's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.dashboard import settlement_source
from surplus.settlement.month import settle_month
from surplus.settlement.public import month_summary
from surplus.settlement.records import import_meter
from surplus.store.programme import Operator, Site
from surplus.store.settlement_tables import STATEMENT_ISSUED, SettlementStatement
from tests.dashboard.settled import meter_csv, prices, settle

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
JANUARY, DECEMBER = date(2026, 1, 1), date(2025, 12, 1)


def test_before_any_month_is_settled_there_is_nothing(session: Session) -> None:
    session.add(Operator(name="Op A"))
    session.commit()
    operator = session.scalars(select(Operator)).one()
    assert settlement_source.month_figures(session, [DECEMBER, JANUARY]) == {}
    assert settlement_source.operator_statements(session, operator.id) == []
    assert settlement_source.public_reports(session) == []
    assert settlement_source.public_report(session, "public-report-2026-01.pdf") is None
    assert settlement_source.summary(session, "2026-01") is None


def test_a_settled_month_shows_month_summary_s_figures(session: Session) -> None:
    settle(session, T0)
    figures = settlement_source.month_figures(session, [DECEMBER, JANUARY])
    assert list(figures) == [JANUARY]  # December was not settled: left out
    shown, summary = figures[JANUARY], month_summary(session, "2026-01")
    # every figure shown (read without the hourly tables) is month_summary's
    assert shown == settlement_source.as_month(summary)
    assert shown.energy_sold_mwh == float(summary.energy_sold_mwh)
    assert shown.revenue_pkr == summary.revenue_pkr
    assert shown.cost_to_serve_pkr == summary.subsidy.cost_of_serving_pkr
    assert shown.subsidy_test_passed is summary.subsidy.passed
    assert shown.orders_judged == summary.compliance.curtailment_events == 1
    # Cross-checks against the store itself, not settlement's summary code:
    rows = list(session.scalars(select(SettlementStatement)))
    assert shown.revenue_pkr == sum((Decimal(r.total_pkr) for r in rows), Decimal(0))
    assert shown.energy_sold_mwh == sum(r.energy_mwh for r in rows)
    # by hand: A draws 10 MW, 2 MW for the order's half hour, then 10 MW: hours of 6 and 10
    # MWh; B 5 MW with the same half hour at 2 MW: 3.5 and 5 MWh. 24.5 MWh in two statements.
    assert shown.energy_sold_mwh == 24.5 and len(rows) == 2
    # sold at 20,000 PKR/MWh + 500 network, served at 9,000 grossed up by 20 % losses + 500
    assert shown.subsidy_test_passed is True
    assert shown.cost_to_serve_pkr is not None and shown.cost_to_serve_pkr < shown.revenue_pkr


def test_a_reissued_statement_is_shown_at_once(session: Session) -> None:
    settled = settle(session, T0)
    before = settlement_source.month_figures(session, [JANUARY])[JANUARY]
    site = settled.sites["Op B"][0]
    later = T0 + timedelta(days=3)
    import_meter(session, meter_csv(site, [5.0] * 120, later), "late.csv", "test")
    session.commit()
    settle_month(session, "2026-01", "test", prices("2026-01"), "late meter file")
    session.commit()
    after = settlement_source.month_figures(session, [JANUARY])[JANUARY]
    assert after.energy_sold_mwh > before.energy_sold_mwh
    assert after.revenue_pkr == month_summary(session, "2026-01").revenue_pkr
    b = settlement_source.operator_statements(session, settled.operators["Op B"])
    assert [(s.version, s.superseded, s.reason) for s in b] == [
        (2, False, "late meter file"),
        (1, True, None),
    ]


def test_each_operator_sees_its_own_statements_and_no_one_else_s(session: Session) -> None:
    settled = settle(session, T0)
    a, b = settled.operators["Op A"], settled.operators["Op B"]
    mine = settlement_source.operator_statements(session, a)
    theirs = settlement_source.operator_statements(session, b)
    assert len(mine) == len(theirs) == 1
    row_a, row_b = mine[0].statement_row_id, theirs[0].statement_row_id
    assert row_a is not None and row_b is not None and row_a != row_b
    stored = session.get(SettlementStatement, row_a)
    assert stored is not None and stored.operator == "Op A"
    assert mine[0].amount_pkr == Decimal(stored.total_pkr) and mine[0].month == JANUARY
    statement = settlement_source.operator_statement(session, a, row_a)
    assert statement is not None and statement.operator == "Op A"
    assert {s.site_id for s in statement.sites} == set(settled.sites["Op A"])
    assert settlement_source.operator_statement(session, a, row_b) is None
    assert settlement_source.operator_statement(session, b, row_a) is None
    assert settlement_source.operator_statement(session, a, 10**6) is None


def test_a_statement_billing_another_operator_s_site_is_shown_to_no_one(
    session: Session,
) -> None:
    """The term sheets of two sites name "Op A", but the register gives the second to B:
    the statement addressed to "Op A" bills B's site, so neither may see it."""
    settled = settle(session, T0, {"Op A": [10.0, 6.0], "Op B": [5.0]})
    a, b = settled.operators["Op A"], settled.operators["Op B"]
    moved = session.get(Site, settled.sites["Op A"][1])
    assert moved is not None
    moved.operator_id = b
    session.commit()
    assert settlement_source.operator_statements(session, a) == []
    shown_to_b = settlement_source.operator_statements(session, b)
    assert [s.statement_row_id for s in shown_to_b] == [
        row.id
        for row in session.scalars(
            select(SettlementStatement).where(SettlementStatement.operator == "Op B")
        )
    ]
    op_a_row = session.scalars(
        select(SettlementStatement).where(SettlementStatement.operator == "Op A")
    ).one()
    assert settlement_source.operator_statement(session, b, op_a_row.id) is None


def test_the_public_report_is_settlement_s_for_each_settled_month(session: Session) -> None:
    settle(session, T0)
    reports = settlement_source.public_reports(session)
    assert [(r.month, r.format, r.name) for r in reports] == [
        (JANUARY, "pdf", "public-report-2026-01.pdf"),
        (JANUARY, "html", "public-report-2026-01.html"),
    ]
    pdf = settlement_source.public_report(session, "public-report-2026-01.pdf")
    assert pdf is not None and pdf.content.startswith(b"%PDF")
    page = settlement_source.public_report(session, "public-report-2026-01.html")
    assert page is not None and b"public report for 2026-01" in page.content
    assert b'src="http' not in page.content
    for name in ("public-report-2025-12.pdf", "public-report-2026-01.exe", "../x.pdf", ""):
        assert settlement_source.public_report(session, name) is None, name
    issued = session.scalars(
        select(SettlementStatement).where(SettlementStatement.status == STATEMENT_ISSUED)
    ).all()
    assert {row.operator for row in issued} == {"Op A", "Op B"}
    # the statements exist, yet the public report names no operator: aggregates only
    assert b"Op A" not in page.content and b"Op B" not in page.content
