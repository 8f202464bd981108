"""A month settled by settlement's own functions, for the dashboard's tests: two operators'
term sheets enrolled in the register, two hours of one-minute meter readings each, one
curtailment order, and `settle_month` with the zones' marginal cost (so the subsidy test
can be told)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from surplus.control.registry import Placement, enrol_term_sheets
from surplus.settlement.month import month_span, settle_month
from surplus.settlement.records import import_meter
from surplus.store.control_tables import ControlOrder
from surplus.store.programme import Operator
from tests.settlement.sheets import fixed, sheet

KARACHI = ZoneInfo("Asia/Karachi")
MARGINAL_COST_PKR_PER_MWH = 9_000.0


@dataclass(frozen=True)
class Settled:
    month: str
    operators: dict[str, int]
    """Register id of each operator by name."""
    sites: dict[str, list[int]]
    """Register site ids of each operator by name."""


def month_of(at: datetime) -> str:
    return at.astimezone(KARACHI).strftime("%Y-%m")


def previous_month_start(now: datetime) -> datetime:
    """10:00 UTC on the 5th of the Karachi month before `now`'s: a settled month relative to
    now, wherever today falls."""
    local = now.astimezone(KARACHI)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return datetime(year, month, 5, 10, tzinfo=UTC)


def meter_csv(site: int, mw: list[float], start: datetime) -> bytes:
    lines = ["site_id,read_at,power_mw"]
    lines += [f"{site},{(start + timedelta(minutes=k)).isoformat()},{v}" for k, v in enumerate(mw)]
    return ("\n".join(lines) + "\n").encode()


def prices(month: str) -> pd.DataFrame:
    start, end = month_span(month)
    hours = pd.date_range(start, end, freq="1h", inclusive="left", tz="UTC")
    return pd.DataFrame({"mepco": MARGINAL_COST_PKR_PER_MWH}, index=hours)


def enrol(session: Session, operators: dict[str, list[float]]) -> dict[str, list[int]]:
    """One site per allocation: operator name -> its sites' allocated MW."""
    sheets = [
        sheet(100 + k, mw, tariff=fixed(20_000.0, 500.0, 0.2), operator=name)
        for k, (name, mw) in enumerate((name, mw) for name, mws in operators.items() for mw in mws)
    ]
    enrolled = enrol_term_sheets(session, sheets, [Placement(30.2, 71.5) for _ in sheets])
    sites: dict[str, list[int]] = {}
    for entry in enrolled:
        sites.setdefault(entry.operator, []).append(entry.registered_site_id())
    session.commit()
    return sites


def settle(
    session: Session,
    t0: datetime,
    operators: dict[str, list[float]] | None = None,
    reason: str | None = None,
) -> Settled:
    """Enrol, meter and settle the month of `t0` (the meter's first minute, UTC)."""
    operators = operators or {"Op A": [10.0], "Op B": [5.0]}
    sites = enrol(session, operators)
    for name, ids in sites.items():
        for site in ids:
            mw = [operators[name][0]] * 30 + [2.0] * 30 + [operators[name][0]] * 60
            import_meter(session, meter_csv(site, mw, t0), f"{name}-{site}.csv", "test")
    first = sites[next(iter(operators))][0]
    applies, ends = t0 + timedelta(minutes=30), t0 + timedelta(minutes=60)
    interval = {"start": applies.isoformat(), "end": ends.isoformat(), "limit_mw": 4.0}
    session.add(ControlOrder(
        site_id=first, event_id=f"ev-{first}", zone="mepco", reason="shortfall",
        status="ended", limit_mw=4.0, applies_at=applies, ends_at=ends, intervals=[interval],
        decided_at=applies, acked_at=None, reached_at=None, compliance="compliant",
        updated_at=ends,
    ))  # fmt: skip
    session.commit()
    month = month_of(t0)
    settle_month(session, month, "test", prices(month), reason)
    session.commit()
    ids = {row.name: row.id for row in session.scalars(select(Operator))}
    return Settled(month, {name: ids[name] for name in operators}, sites)
