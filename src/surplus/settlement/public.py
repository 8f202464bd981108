"""The programme's month in public figures: what the dashboard and the monthly public
report show, read from the settled month (statements and verdicts in the store).

`month_summary(session, "2025-06") -> MonthSummary` is the typed API: MW allocated and
running, energy sold, revenue (Decimal PKR), the subsidy test, curtailment events and
their compliance, load-shedding the programme caused, and a reference to each operator's
statement (operators see their own; the public report shows aggregates only).
`month_totals` gives the same figures but the hourly ones (running MW, by day) without
reading the statements' hourly tables: cheap enough for every page view of the dashboard.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.errors import SurplusError
from surplus.settlement.statements import SiteSummary, Statement
from surplus.store.settlement_tables import (
    STATEMENT_ISSUED,
    SettlementStatement,
    SettlementVerdict,
)

TIMEZONE = "Asia/Karachi"
"""Days and months are local."""
PRICE_REASONS = frozenset({"price"})
"""Orders that protect the tariff, not supply; every other order protects households."""
PENALTY_CODES = frozenset(
    {"penalty_excess_energy", "penalty_late_response", "penalty_telemetry_gap"}
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SubsidyTest(_Model):
    """Did what the loads paid for their power cover what serving it cost?"""

    revenue_pkr: Decimal
    cost_of_serving_pkr: Decimal | None
    """None when the zones' marginal cost was not given to settlement."""
    margin_pkr: Decimal | None
    passed: bool | None
    """True: no subsidy this month; None: cannot be told without the marginal cost."""


class Compliance(_Model):
    curtailment_events: int
    """Orders whose limit applied this month."""
    sites_ordered: int
    compliant: int
    late: int
    exceeded: int
    no_data: int
    suspensions: int
    ordered_mwh: float
    delivered_mwh: float
    shortfall_mwh: float


class LoadShedding(_Model):
    """Energy drawn above grid-protection orders (after their response time): the MWh the
    programme's loads took while households were short. Zero is the promise."""

    drawn_above_orders_mwh: float
    caused: bool


class StatementRef(_Model):
    statement_id: str
    operator: str
    version: int
    sites: int
    energy_mwh: Decimal
    total_pkr: Decimal
    issued_at: datetime


class DailyFigure(_Model):
    day: str
    energy_mwh: float
    revenue_pkr: Decimal


class MonthSummary(_Model):
    month: str
    currency: Literal["PKR"] = "PKR"
    sites: int
    operators: int
    mw_allocated: float
    """Σ allocated MW of the contracts settled this month."""
    mw_running: float
    """Mean metered draw over the month's hours (MW)."""
    mw_running_peak: float
    """Highest hourly metered draw of the programme (MW)."""
    energy_sold_mwh: Decimal
    revenue_pkr: Decimal
    """Σ statement totals (energy, network, recovery, penalties, less credits)."""
    penalties_pkr: Decimal
    reserve_btc: Decimal
    subsidy: SubsidyTest
    compliance: Compliance
    load_shedding: LoadShedding
    daily: tuple[DailyFigure, ...]
    statements: tuple[StatementRef, ...]


class MonthTotals(_Model):
    """The month's public figures that need no hour-by-hour detail, read without the
    statements' hourly tables: what the dashboard shows for every settled month, where a
    month of thousands of sites must not cost a parse of millions of hourly values."""

    month: str
    sites: int
    operators: int
    mw_allocated: float
    energy_sold_mwh: Decimal
    revenue_pkr: Decimal
    penalties_pkr: Decimal
    subsidy: SubsidyTest
    compliance: Compliance
    load_shedding: LoadShedding


def latest_statements(session: Session, month: str) -> list[tuple[SettlementStatement, Statement]]:
    rows = session.scalars(
        select(SettlementStatement)
        .where(SettlementStatement.month == month, SettlementStatement.status == STATEMENT_ISSUED)
        .order_by(SettlementStatement.operator)
    )
    return [(row, Statement.model_validate(row.body)) for row in rows]


def _not_settled(month: str) -> SurplusError:
    return SurplusError(f"{month} has not been settled: run `surplus settle month --month {month}`")


def _verdicts(session: Session, month: str) -> list[SettlementVerdict]:
    return list(session.scalars(select(SettlementVerdict).where(SettlementVerdict.month == month)))


def _subsidy(sites: list[SiteSummary]) -> SubsidyTest:
    revenue = sum((site.revenue_pkr for site in sites), Decimal("0.00"))
    costs = [site.cost_of_serving_pkr for site in sites]
    cost = (
        None
        if any(c is None for c in costs)
        else sum((c for c in costs if c is not None), Decimal("0.00"))
    )
    return SubsidyTest(
        revenue_pkr=revenue,
        cost_of_serving_pkr=cost,
        margin_pkr=None if cost is None else revenue - cost,
        passed=None if cost is None else revenue >= cost,
    )


def _compliance(verdicts: list[SettlementVerdict]) -> Compliance:
    counts = Counter(v.verdict for v in verdicts)
    detail = [v.detail for v in verdicts]
    return Compliance(
        curtailment_events=len(verdicts),
        sites_ordered=len({v.site_id for v in verdicts}),
        compliant=counts["compliant"],
        late=counts["late"],
        exceeded=counts["exceeded"],
        no_data=counts["no_data"],
        suspensions=sum(1 for v in verdicts if v.escalation == "suspension"),
        ordered_mwh=round(sum(float(d.get("ordered_mwh", 0.0)) for d in detail), 3),
        delivered_mwh=round(sum(float(d.get("delivered_mwh", 0.0)) for d in detail), 3),
        shortfall_mwh=round(sum(float(d.get("shortfall_mwh", 0.0)) for d in detail), 3),
    )


def _load_shedding(verdicts: list[SettlementVerdict]) -> LoadShedding:
    grid = [v for v in verdicts if v.reason not in PRICE_REASONS]
    above = float(sum(v.excess_mwh for v in grid))
    return LoadShedding(drawn_above_orders_mwh=round(above, 3), caused=above > 0)


def month_totals(session: Session, month: str) -> MonthTotals:
    """The month's public figures but the hourly ones (running MW, by day); the same values
    as `month_summary`'s fields of the same names. SurplusError when not settled."""
    rows = session.execute(
        select(
            SettlementStatement.total_pkr,
            SettlementStatement.body["sites"],
            SettlementStatement.body["lines"],
        ).where(SettlementStatement.month == month, SettlementStatement.status == STATEMENT_ISSUED)
    ).all()
    if not rows:
        raise _not_settled(month)
    by_statement = [[SiteSummary.model_validate(site) for site in found] for _, found, _ in rows]
    sites = [site for found in by_statement for site in found]
    verdicts = _verdicts(session, month)
    return MonthTotals(
        month=month,
        sites=len(sites),
        operators=len(rows),
        mw_allocated=round(sum(float(sum(s.allocated_mw for s in f)) for f in by_statement), 3),
        energy_sold_mwh=sum((site.energy_mwh for site in sites), Decimal(0)),
        revenue_pkr=sum((Decimal(total) for total, _, _ in rows), Decimal("0.00")),
        penalties_pkr=sum(
            (
                Decimal(line["amount_pkr"])
                for _, _, lines in rows
                for line in lines
                if line["code"] in PENALTY_CODES
            ),
            Decimal("0.00"),
        ),
        subsidy=_subsidy(sites),
        compliance=_compliance(verdicts),
        load_shedding=_load_shedding(verdicts),
    )


def month_summary(session: Session, month: str) -> MonthSummary:
    """The month's public figures; SurplusError when the month has not been settled."""
    found = latest_statements(session, month)
    if not found:
        raise _not_settled(month)
    verdicts = _verdicts(session, month)
    statements = [s for _, s in found]
    sites = [site for s in statements for site in s.sites]
    hourly: dict[datetime, float] = {}
    daily_energy: dict[str, float] = {}
    daily_money: dict[str, Decimal] = {}
    tz = ZoneInfo(TIMEZONE)
    for s in statements:
        for site_hours in s.hours:
            network = site_hours.network_pkr_per_mwh
            for at, mwh, rate in zip(site_hours.hour_start, site_hours.energy_mwh,
                                     site_hours.energy_pkr_per_mwh, strict=True):  # fmt: skip
                hourly[at] = hourly.get(at, 0.0) + float(mwh)
                day = at.astimezone(tz).date().isoformat()
                daily_energy[day] = daily_energy.get(day, 0.0) + float(mwh)
                daily_money[day] = daily_money.get(day, Decimal(0)) + mwh * (rate + network)
    return MonthSummary(
        month=month,
        sites=len(sites),
        operators=len(statements),
        mw_allocated=round(sum(_allocated(s) for s in statements), 3),
        mw_running=round(float(np.mean(list(hourly.values()))) if hourly else 0.0, 3),
        mw_running_peak=round(max(hourly.values(), default=0.0), 3),
        energy_sold_mwh=sum((s.energy_mwh for s in statements), Decimal(0)),
        revenue_pkr=sum((s.total_pkr for s in statements), Decimal("0.00")),
        penalties_pkr=sum(
            (line.amount_pkr for s in statements for line in s.lines if line.code in PENALTY_CODES),
            Decimal("0.00"),
        ),
        reserve_btc=sum((r.btc for s in statements for r in s.reserve), Decimal(0)),
        subsidy=_subsidy(sites),
        compliance=_compliance(verdicts),
        load_shedding=_load_shedding(verdicts),
        daily=tuple(
            DailyFigure(
                day=d,
                energy_mwh=round(daily_energy[d], 3),
                revenue_pkr=daily_money[d].quantize(Decimal("0.01")),
            )
            for d in sorted(daily_energy)
        ),
        statements=tuple(
            StatementRef(
                statement_id=s.statement_id,
                operator=s.operator,
                version=s.version,
                sites=len(s.sites),
                energy_mwh=s.energy_mwh,
                total_pkr=s.total_pkr,
                issued_at=row.issued_at,
            )
            for row, s in found
        ),
    )


def _allocated(statement: Statement) -> float:
    return float(sum(s.allocated_mw for s in statement.sites))
