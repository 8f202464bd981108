"""`month_totals` (what the dashboard reads for every settled month) gives exactly
`month_summary`'s figures, while reading no hourly table: with penalties, a superseded
version and no marginal cost (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import BaseModel
from sqlalchemy.orm import Session

from surplus.errors import SurplusError
from surplus.settlement.month import settle_month
from surplus.settlement.public import MonthTotals, month_summary, month_totals
from surplus.settlement.records import import_meter
from tests.settlement.test_month import MONTH, T0, add_order, enrol, meter_csv


def shared(figures: BaseModel) -> dict[str, object]:
    dumped = figures.model_dump()
    return {name: dumped[name] for name in MonthTotals.model_fields}


def test_month_totals_are_month_summary_s_figures(session: Session) -> None:
    enrol(session)
    import_meter(session, meter_csv([10.0] * 31 + [3.0] * 29 + [10.0] * 60), "m.csv", "test")
    add_order(session)
    settle_month(session, MONTH, "test")
    session.commit()
    late = meter_csv([7.0] * 60, start=T0 + timedelta(days=2))
    import_meter(session, late, "late.csv", "test")
    session.commit()
    settle_month(session, MONTH, "test", reason="a late meter file")  # v1 superseded
    session.commit()
    totals, summary = month_totals(session, MONTH), month_summary(session, MONTH)
    assert shared(totals) == shared(summary)
    # by hand: 16.616667 MWh on 5 January (test_month), then 7 MWh on the 7th
    assert totals.energy_sold_mwh == Decimal("23.616667")
    assert totals.penalties_pkr > 0  # hours without telemetry are charged
    assert totals.subsidy.passed is None and totals.compliance.compliant == 1
    assert totals.operators == 1 and totals.sites == 1


def test_an_unsettled_month_has_no_totals(session: Session) -> None:
    with pytest.raises(SurplusError, match="surplus settle month --month 2026-02"):
        month_totals(session, "2026-02")
