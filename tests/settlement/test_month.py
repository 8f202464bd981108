"""A month settled from the store (SQLite and PostgreSQL): meter files kept and flagged,
corrections as versions, verdicts, statements that re-issue only with a reason, and the
month's public summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surplus.control.registry import Placement, enrol_term_sheets
from surplus.errors import InputError, SurplusError
from surplus.settlement.month import month_span, settle_month
from surplus.settlement.public import MonthSummary, month_summary
from surplus.settlement.records import import_meter
from surplus.store.audit import verify
from surplus.store.control_tables import ControlOrder
from surplus.store.settlement_tables import (
    MeterBatch,
    MeterCorrection,
    SettlementStatement,
    SettlementVerdict,
)
from tests.settlement.sheets import fixed, sheet

MONTH = "2026-01"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def enrol(session: Session) -> None:
    sheets = [sheet(1, 10.0, tariff=fixed(20_000.0, 500.0, 0.2))]
    enrol_term_sheets(session, sheets, [Placement(30.0, 70.0, 1)])
    session.commit()


def meter_csv(mw: list[float], start: datetime = T0, site: int = 1) -> bytes:
    lines = ["site_id,read_at,power_mw"]
    for k, value in enumerate(mw):
        lines.append(f"{site},{(start + timedelta(minutes=k)).isoformat()},{value}")
    return ("\n".join(lines) + "\n").encode()


def add_order(session: Session) -> None:
    applies, ends = T0 + timedelta(minutes=30), T0 + timedelta(minutes=60)
    interval = {"start": applies.isoformat(), "end": ends.isoformat(), "limit_mw": 4.0}
    session.add(ControlOrder(
        site_id=1, event_id="ev-1", zone="mepco", reason="shortfall", status="ended",
        limit_mw=4.0, applies_at=applies, ends_at=ends, intervals=[interval],
        decided_at=applies, acked_at=None, reached_at=None, compliance="compliant",
        updated_at=ends,
    ))  # fmt: skip
    session.commit()


def test_a_meter_file_is_kept_whole_and_an_unknown_site_changes_nothing(session: Session) -> None:
    enrol(session)
    with pytest.raises(InputError, match=r"m.csv, row 2, column 'site_id'"):
        import_meter(session, meter_csv([1.0], site=99), "m.csv", "test")
    session.rollback()
    assert session.scalar(select(func.count(MeterBatch.id))) == 0
    content = meter_csv([10.0] * 30 + [3.0] * 30)
    result = import_meter(session, content, "m.csv", "test")
    session.commit()
    assert (result.rows, result.inserted, result.duplicates) == (60, 60, 0)
    again = import_meter(session, meter_csv([10.0] * 30 + [9.0] * 30), "m2.csv", "test")
    session.commit()
    assert again.inserted == 0 and again.flags == {"conflict": 30}
    batch = session.get(MeterBatch, result.batch_id)
    assert batch is not None and batch.content is not None


def test_a_month_settles_reissues_only_with_a_reason_and_keeps_the_old_version(
    session: Session,
) -> None:
    enrol(session)
    import_meter(session, meter_csv([10.0] * 31 + [3.0] * 29 + [10.0] * 60), "m.csv", "test")
    add_order(session)
    result = settle_month(session, MONTH, "test")
    session.commit()
    (statement,) = result.statements
    assert statement.version == 1 and result.issued == [statement.statement_id]
    assert statement.total_pkr == sum(line.amount_pkr for line in statement.lines)
    _, judgement, escalation, _ = result.judgements[0]
    assert judgement.verdict == "compliant" and escalation == "none"
    assert judgement.ordered_mw == pytest.approx(6.0)  # 10 MW before the notice, limit 4
    # Two hours billed at 25,000 + 500 PKR/MWh: 30 min of 10 MW, 29 at 3 and one at 10, then
    # an hour at 10 MW: (10 × 31 + 3 × 29) / 60 + 10 = 16.616667 MWh.
    lines = {line.code: line for line in statement.lines}
    assert lines["energy"].quantity == Decimal("16.616667")
    start, end = month_span(MONTH)
    hours = int((end - start).total_seconds() // 3600)
    assert lines["penalty_telemetry_gap"].quantity == hours - 2
    # The same data again: nothing new.
    assert settle_month(session, MONTH, "test").issued == []
    # A correction (a new version, with its reason) changes the bill: a reason is needed.
    fix = meter_csv([5.0] * 60, start=T0 + timedelta(hours=1))
    corrected = import_meter(session, fix, "fix.csv", "test", reason="CT ratio was wrong")
    session.commit()
    assert corrected.version == 1 and corrected.inserted == 60
    assert session.scalar(select(func.count(MeterCorrection.read_at))) == 60
    with pytest.raises(SurplusError, match="give a reason"):
        settle_month(session, MONTH, "test")
    session.rollback()
    again = settle_month(session, MONTH, "test", reason="meter correction of 5 January")
    session.commit()
    (second,) = again.statements
    assert second.version == 2 and second.supersedes == statement.statement_id
    assert second.sites[0].meter.version == 1
    rows = session.scalars(select(SettlementStatement).order_by(SettlementStatement.version)).all()
    assert [(r.version, r.status) for r in rows] == [(1, "superseded"), (2, "issued")]
    assert verify(session).ok
    summary = month_summary(session, MONTH)
    assert isinstance(summary, MonthSummary)
    assert summary.revenue_pkr == second.total_pkr and summary.compliance.compliant == 1
    assert [s.version for s in summary.statements] == [2]
    assert summary.subsidy.passed is None  # no marginal cost was given
    assert session.scalar(select(func.count(SettlementVerdict.id))) == 1


def test_an_unsettled_month_says_how_to_settle_it(session: Session) -> None:
    with pytest.raises(SurplusError, match="surplus settle month --month 2026-02"):
        month_summary(session, "2026-02")
    with pytest.raises(SurplusError, match="no term sheet"):
        settle_month(session, "2026-02", "test")
