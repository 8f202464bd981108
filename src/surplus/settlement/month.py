"""`surplus settle month`: a month's verdicts and statements, end to end, from the store.

Months are local calendar months (Asia/Karachi by default). The steps: the sites' meter
data (OpenADR reports folded in as telemetry first), every order's verdict with its
baseline, escalation over twelve months, then one statement per operator. Re-running a
month whose statements are unchanged changes nothing; a changed statement is only
re-issued with a reason, as a new version that keeps the old one.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surplus.contracts import TermSheet
from surplus.errors import SurplusError
from surplus.settlement import records
from surplus.settlement.meter import hourly_energy
from surplus.settlement.pricing import needs_marginal_cost
from surplus.settlement.statements import (
    MeterUse,
    SiteMonth,
    Statement,
    build_statement,
    meter_digest,
)
from surplus.settlement.verdicts import Judgement, OrderWindow, escalate, judge_order
from surplus.store import audit
from surplus.store.control_tables import ControlOrder
from surplus.store.settlement_tables import (
    STATEMENT_ISSUED,
    STATEMENT_SUPERSEDED,
    SettlementStatement,
    SettlementVerdict,
)

HISTORY_DAYS = 46
"""Readings before the month the like-day baselines look back over."""


def month_span(month: str, timezone: str = "Asia/Karachi") -> tuple[datetime, datetime]:
    """[start, end) of a local calendar month, in UTC.

    >>> [t.isoformat() for t in month_span("2025-06")]
    ['2025-05-31T19:00:00+00:00', '2025-06-30T19:00:00+00:00']
    """
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise SurplusError(f"month: expected YYYY-MM, found {month!r}") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    tz = ZoneInfo(timezone)
    start = datetime(first.year, first.month, 1, tzinfo=tz).astimezone(UTC)
    end = datetime(following.year, following.month, 1, tzinfo=tz).astimezone(UTC)
    return start, end


@dataclass(frozen=True)
class MonthResult:
    month: str
    statements: list[Statement]
    issued: list[str]
    """Statement ids written this run (new or re-issued); unchanged ones are not."""
    unchanged: list[str]
    judgements: list[tuple[ControlOrder, Judgement, str, int]]
    """(order, judgement, escalation, breach number)."""
    meter: dict[int, MeterUse]


def window_of(order: ControlOrder) -> OrderWindow:
    intervals = tuple(
        (datetime.fromisoformat(i["start"]), datetime.fromisoformat(i["end"]), float(i["limit_mw"]))
        for i in order.intervals
    )
    end = (
        max([order.ends_at, *[i[1] for i in intervals]])
        if order.status == "active"
        else order.ends_at
    )
    return OrderWindow(
        order.id, order.site_id, order.reason, order.decided_at, order.applies_at, end, intervals
    )


def chained(windows: list[OrderWindow], gap: timedelta) -> list[OrderWindow]:
    """Orders in time order, each following the one before within `gap` measured from the
    first of its chain's notice (see `OrderWindow.baseline_notice_at`)."""
    found: list[OrderWindow] = []
    for window in sorted(windows, key=lambda w: w.applies_at):
        before = found[-1] if found else None
        if before is not None and window.decided_at <= before.ends_at + gap:
            notice = before.baseline_notice_at or before.decided_at
            window = replace(window, baseline_notice_at=notice)
        found.append(window)
    return found


def settle_month(
    session: Session,
    month: str,
    actor: str,
    prices_pkr_per_mwh: pd.DataFrame | None = None,
    reason: str | None = None,
    program_id: str | None = None,
    timezone: str = "Asia/Karachi",
    credits: dict[int, list[tuple[str, Decimal]]] | None = None,
) -> MonthResult:
    """Verdicts and statements for `month`; `prices_pkr_per_mwh` is hours (UTC) × zones of
    marginal cost, needed by dynamic tariffs and curtail-on-price clauses."""
    start, end = month_span(month, timezone)
    sheets = records.term_sheets_in(session, start, end)
    if not sheets:
        raise SurplusError(f"no term sheet was in force in {month}: nothing to settle")
    if program_id is not None:
        records.import_reports(session, program_id, start, end, actor)
    hours = pd.date_range(start, end, freq="1h", inclusive="left", tz="UTC")
    orders_by_site: dict[int, list[ControlOrder]] = defaultdict(list)
    for order in records.orders_in(session, start, end):
        orders_by_site[order.site_id].append(order)
    judged: list[tuple[ControlOrder, Judgement, str, int]] = []
    months: dict[str, list[SiteMonth]] = defaultdict(list)
    meter_use: dict[int, MeterUse] = {}
    from_history = start - timedelta(days=HISTORY_DAYS)
    grid = pd.date_range(from_history, end, freq="1min", inclusive="left", tz="UTC")
    for site_id, sheet in sorted(sheets.items()):
        minutes = records.site_minutes(session, site_id, from_history, end)
        power = pd.Series(minutes.power_mw, index=grid)
        month_power = minutes.power_mw[grid >= start]
        judgements = _judge_site(
            session, sheet, site_id, orders_by_site.get(site_id, []), power, start, timezone
        )
        judged += judgements
        in_force = np.array([sheet.in_force(d) for d in hours.tz_convert(timezone).date])
        energy, _counts = hourly_energy(month_power, sheet.allocated_mw)
        energy = np.where(in_force, energy, 0.0)
        kind = 2 if minutes.source == "meter" else 1
        records.month_gap_flags(session, site_id, kind, grid[grid >= start], month_power)
        use = MeterUse(
            source=minutes.source,
            version=minutes.version,
            readings=int(np.isfinite(month_power).sum()),
            expected_readings=int(in_force.sum()) * 60,
            hours_billed=int((np.isfinite(energy) & in_force).sum()),
            hours_without_readings=int((~np.isfinite(energy) & in_force).sum()),
            flags=records.flags_in(session, site_id, start, end),
            sha256=meter_digest(energy[in_force]),
        )
        meter_use[site_id] = use
        cost = _zone_cost(prices_pkr_per_mwh, sheet, hours)
        months[sheet.operator].append(
            SiteMonth(
                site_id,
                sheet,
                hours[in_force],
                energy[in_force],
                use,
                cost[in_force] if cost is not None else None,
                tuple(j for _, j, _, _ in judgements),
                tuple((credits or {}).get(site_id, [])),
            )
        )
    _store_verdicts(session, month, judged, sheets)
    statements: list[Statement] = []
    issued: list[str] = []
    unchanged: list[str] = []
    for operator, sites in sorted(months.items()):
        statement, written = _issue(session, month, operator, sites, reason, actor)
        statements.append(statement)
        (issued if written else unchanged).append(statement.statement_id)
    return MonthResult(month, statements, issued, unchanged, judged, meter_use)


def _zone_cost(
    prices: pd.DataFrame | None, sheet: TermSheet, hours: pd.DatetimeIndex
) -> pd.Series | None:
    if prices is None or sheet.zone not in prices.columns:
        if needs_marginal_cost(sheet):
            raise SurplusError(
                f"site {sheet.register_site_id} ({sheet.term_sheet_id}): its tariff needs zone "
                f"{sheet.zone}'s marginal cost; give --prices"
            )
        return None
    return prices[sheet.zone].reindex(hours)


def _judge_site(
    session: Session,
    sheet: TermSheet,
    site_id: int,
    orders: list[ControlOrder],
    power: pd.Series,
    start: datetime,
    timezone: str,
) -> list[tuple[ControlOrder, Judgement, str, int]]:
    if not orders:
        return []
    tz = ZoneInfo(timezone)
    excluded = frozenset(o.applies_at.astimezone(tz).date() for o in orders)
    windows = chained(
        [window_of(o) for o in orders], timedelta(minutes=sheet.telemetry.baseline_minutes)
    )
    judgements = [judge_order(w, sheet, power, excluded, timezone) for w in windows]
    earlier = [
        row.judged_at
        for row in session.scalars(
            select(SettlementVerdict).where(
                SettlementVerdict.site_id == site_id,
                SettlementVerdict.breach_number > 0,
                SettlementVerdict.judged_at < start,
                SettlementVerdict.judged_at >= start - timedelta(days=365),
            )
        )
    ]
    steps = escalate(
        earlier,
        [(o.applies_at, j.breach) for o, j in zip(orders, judgements, strict=True)],
        sheet.penalties.suspension_after_breaches,
    )
    return [
        (o, j, s.escalation, s.breach_number)
        for o, j, s in zip(orders, judgements, steps, strict=True)
    ]


def _store_verdicts(
    session: Session,
    month: str,
    judged: list[tuple[ControlOrder, Judgement, str, int]],
    sheets: dict[int, TermSheet],
) -> None:
    session.execute(delete(SettlementVerdict).where(SettlementVerdict.month == month))
    for order, j, escalation, number in judged:
        sheet = sheets[order.site_id]
        session.add(
            SettlementVerdict(
                order_id=order.id,
                site_id=order.site_id,
                month=month,
                operator=sheet.operator,
                reason=order.reason,
                baseline=j.baseline.method,
                baseline_mw=_finite(
                    float(np.nanmean(j.baseline.mw)) if np.isfinite(j.baseline.mw).any() else 0.0
                ),
                limit_mw=j.limit_mw,
                ordered_mw=j.ordered_mw,
                delivered_mw=j.delivered_mw,
                shortfall_mw=j.shortfall_mw,
                excess_mwh=j.excess_mwh,
                reach_s=j.reach_s,
                verdict=j.verdict,
                breach_number=number,
                escalation=escalation,
                penalty_pkr=str(j.penalty_pkr),
                detail={
                    "baseline_note": j.baseline.note,
                    "ordered_mwh": j.ordered_mwh,
                    "delivered_mwh": j.delivered_mwh,
                    "shortfall_mwh": j.shortfall_mwh,
                    "not_shed_mw": j.not_shed_mw,
                    "event_id": order.event_id,
                },
                judged_at=order.applies_at,
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for _, j, _, _ in judged:
        counts[j.verdict] += 1
    audit.record(
        session,
        "settlement",
        "judge",
        "settlement_month",
        month,
        {"orders": len(judged), "verdicts": dict(counts)},
    )


def _finite(value: float) -> float:
    return value if np.isfinite(value) else 0.0


def content_digest(statement: Statement) -> str:
    """SHA-256 of what a statement says, leaving out its identity (id, version, reason)."""
    body = statement.model_dump(
        mode="json", exclude={"statement_id", "version", "reason", "supersedes"}
    )
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _issue(
    session: Session,
    month: str,
    operator: str,
    sites: list[SiteMonth],
    reason: str | None,
    actor: str,
) -> tuple[Statement, bool]:
    latest = session.scalars(
        select(SettlementStatement)
        .where(SettlementStatement.month == month, SettlementStatement.operator == operator)
        .order_by(SettlementStatement.version.desc())
    ).first()
    if latest is None:
        statement = build_statement(month, operator, sites)
    else:
        earlier = Statement.model_validate(latest.body)
        statement = build_statement(
            month, operator, sites, latest.version + 1, reason, earlier.statement_id
        )
        if content_digest(statement) == latest.sha256:
            return earlier, False
        if not reason:
            raise SurplusError(
                f"the statement {earlier.statement_id} would change (meter data, orders or "
                "terms differ): give a reason to re-issue it as a new version"
            )
        latest.status = STATEMENT_SUPERSEDED
    row = SettlementStatement(
        month=month,
        operator=operator,
        version=statement.version,
        status=STATEMENT_ISSUED,
        reason=statement.reason,
        supersedes_id=latest.id if latest is not None else None,
        total_pkr=str(statement.total_pkr),
        energy_mwh=float(statement.energy_mwh),
        sha256=content_digest(statement),
        body=statement.model_dump(mode="json"),
        issued_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "issue",
        "statement",
        statement.statement_id,
        {
            "total_pkr": str(statement.total_pkr),
            "version": statement.version,
            "reason": statement.reason,
            "sha256": row.sha256,
            "meter": {str(s.site_id): s.meter.model_dump() for s in statement.sites},
        },
    )
    return statement, True
