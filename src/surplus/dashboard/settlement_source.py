"""The dashboard's only source of settlement figures: settled months, operators'
statements and the monthly public report, all read from the settlement store.

Every figure is settlement's own: a month's row is `surplus.settlement.public.month_totals`
(`month_summary`'s figures but the hourly ones) converted to the dashboard's model, a
statement is the issued row `surplus settle month` wrote, and the public report is
`surplus.settlement.report` rendered from the month's summary (so a download always
matches the page; no folder of files to keep in step). A month settlement has not closed
has no figures, and the pages say so.

Settlement imports pandas, numpy and the planning packages; the dashboard must start
without them, so every function imports settlement when first called, never at module load.
A month's figures are kept in memory, keyed by what they were computed from (the issued
statements' content digests and the verdicts), so the public page reads each settled month
once, not on every view.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surplus.dashboard.model import PublicReport, SettlementMonth, StatementLine
from surplus.store.programme import Allocation, Site
from surplus.store.settlement_tables import (
    STATEMENT_ISSUED,
    STATEMENT_SUPERSEDED,
    SettlementStatement,
    SettlementVerdict,
)

if TYPE_CHECKING:
    from surplus.settlement.public import MonthSummary, MonthTotals
    from surplus.settlement.statements import Statement

REPORT_NAME = re.compile(r"^public-report-(\d{4})-(0[1-9]|1[0-2])\.(html|pdf)$")
CACHED_MONTHS = 48
"""Months' figures kept in memory (a few years); the least recently used is dropped first."""

_Key = tuple[str, str, tuple[tuple[int, str], ...], tuple[tuple[str, int, float], ...]]
"""(database, month, issued statements' (row id, content digest), verdicts by class)."""
_cache: OrderedDict[tuple[str, _Key], MonthSummary | MonthTotals] = OrderedDict()
_lock = threading.Lock()


def month_key(month: date) -> str:
    """Settlement names a month YYYY-MM (Asia/Karachi calendar)."""
    return f"{month.year:04d}-{month.month:02d}"


def _keys(session: Session, months: Sequence[str]) -> dict[str, _Key]:
    """Each settled month's identity: the database, the content digests of its issued
    statements and its verdicts by class. A re-issue or a re-judged month changes it, so a
    cached summary is never stale (row ids alone are not enough: SQLite reuses them)."""
    statements: dict[str, list[tuple[int, str]]] = {}
    for month, row_id, digest in session.execute(
        select(SettlementStatement.month, SettlementStatement.id, SettlementStatement.sha256)
        .where(
            SettlementStatement.month.in_(months),
            SettlementStatement.status == STATEMENT_ISSUED,
        )
        .order_by(SettlementStatement.id)
    ).tuples():
        statements.setdefault(month, []).append((row_id, digest))
    verdicts: dict[str, list[tuple[str, int, float]]] = {}
    for month, verdict, n, excess in session.execute(
        select(
            SettlementVerdict.month,
            SettlementVerdict.verdict,
            func.count(),
            func.sum(SettlementVerdict.excess_mwh),
        )
        .where(SettlementVerdict.month.in_(list(statements)))
        .group_by(SettlementVerdict.month, SettlementVerdict.verdict)
        .order_by(SettlementVerdict.verdict)
    ).tuples():
        verdicts.setdefault(month, []).append((verdict, int(n), round(float(excess or 0.0), 9)))
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    return {
        month: (database, month, tuple(rows), tuple(verdicts.get(month, [])))
        for month, rows in statements.items()
    }


def summary(session: Session, month: str) -> MonthSummary | None:
    """Settlement's public summary of `month` (hourly figures included, for the public
    report); None when the month has not been settled."""
    from surplus.settlement.public import MonthSummary, month_summary

    key = _keys(session, [month]).get(month)
    if key is None:
        return None
    found = _cached(("summary", key), lambda: month_summary(session, month))
    assert isinstance(found, MonthSummary)
    return found


def _totals(session: Session, key: _Key) -> MonthTotals:
    from surplus.settlement.public import MonthTotals, month_totals

    found = _cached(("totals", key), lambda: month_totals(session, key[1]))
    assert isinstance(found, MonthTotals)
    return found


def _cached(
    key: tuple[str, _Key], compute: Callable[[], MonthSummary | MonthTotals]
) -> MonthSummary | MonthTotals:
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    computed = compute()
    with _lock:
        _cache[key] = computed
        while len(_cache) > CACHED_MONTHS:
            _cache.popitem(last=False)
    return computed


def as_month(found: MonthTotals | MonthSummary) -> SettlementMonth:
    """The dashboard's row of a settled month, every figure as settlement computed it."""
    return SettlementMonth(
        energy_sold_mwh=float(found.energy_sold_mwh),
        revenue_pkr=found.revenue_pkr,
        penalties_pkr=found.penalties_pkr,
        cost_to_serve_pkr=found.subsidy.cost_of_serving_pkr,
        subsidy_test_passed=found.subsidy.passed,
        mw_allocated=found.mw_allocated,
        orders_judged=found.compliance.curtailment_events,
        orders_compliant=found.compliance.compliant,
        orders_late=found.compliance.late,
        orders_exceeded=found.compliance.exceeded,
        orders_no_data=found.compliance.no_data,
        drawn_above_orders_mwh=found.load_shedding.drawn_above_orders_mwh,
    )


def month_figures(session: Session, months: Sequence[date]) -> dict[date, SettlementMonth]:
    """Settlement's figures for each month asked (first days, Asia/Karachi calendar) that
    has been settled; a month settlement has not closed is left out of the mapping."""
    wanted = {month_key(m): m for m in months}
    keys = _keys(session, list(wanted))
    return {wanted[name]: as_month(_totals(session, key)) for name, key in keys.items()}


# -- operators' statements ------------------------------------------------------------------


def _owns(operator_sites: set[int], billed: Any) -> bool:
    """Whether a statement billing `billed` (its `sites` JSON) is wholly the operator's.

    A statement is addressed by the term sheet's operator name, which the register does not
    enforce; its sites are what tie it to an operator. A statement naming any site of
    another operator is shown to no one here."""
    ids = {int(site["site_id"]) for site in billed or []}
    return bool(ids) and ids <= operator_sites


def _sites_of(session: Session, operator_id: int) -> set[int]:
    return set(session.scalars(select(Site.id).where(Site.operator_id == operator_id)))


def operator_statements(session: Session, operator_id: int) -> list[StatementLine]:
    """The operator's monthly statements, every version, newest month and version first;
    only statements all of whose sites are the operator's. Candidates are found by the
    operator names its term sheets carry, and only their `sites` are read (not the hourly
    tables)."""
    names = {
        str(terms["operator"])
        for terms in session.scalars(
            select(Allocation.terms)
            .join(Site, Site.id == Allocation.site_id)
            .where(Site.operator_id == operator_id)
        )
        if isinstance(terms, dict) and terms.get("operator")
    }
    if not names:
        return []
    mine = _sites_of(session, operator_id)
    rows = session.execute(
        select(
            SettlementStatement.id,
            SettlementStatement.month,
            SettlementStatement.version,
            SettlementStatement.status,
            SettlementStatement.reason,
            SettlementStatement.total_pkr,
            SettlementStatement.energy_mwh,
            SettlementStatement.body["sites"].label("sites"),
        )
        .where(SettlementStatement.operator.in_(sorted(names)))
        .where(SettlementStatement.status.in_((STATEMENT_ISSUED, STATEMENT_SUPERSEDED)))
        .order_by(SettlementStatement.month.desc(), SettlementStatement.version.desc())
    ).all()
    return [
        StatementLine(
            month=date.fromisoformat(f"{row.month}-01"),
            energy_mwh=row.energy_mwh,
            amount_pkr=Decimal(row.total_pkr),  # decimal text: exact
            version=row.version,
            statement_row_id=row.id,
            superseded=row.status == STATEMENT_SUPERSEDED,
            reason=row.reason,
            document=f"statement-{row.month}-v{row.version}",
        )
        for row in rows
        if _owns(mine, row.sites)
    ]


def operator_statement(session: Session, operator_id: int, row_id: int) -> Statement | None:
    """One statement version for its operator's download; None when it does not exist or
    is not wholly the operator's (the caller answers 404 either way, telling nothing)."""
    from surplus.settlement.statements import Statement

    row = session.get(SettlementStatement, row_id)
    if row is None or not _owns(_sites_of(session, operator_id), row.body.get("sites")):
        return None
    return Statement.model_validate(row.body)


# -- the monthly public report --------------------------------------------------------------


def public_reports(session: Session) -> list[PublicReport]:
    """The monthly public report of every settled month, PDF and HTML, newest first."""
    months = sorted(
        set(
            session.scalars(
                select(SettlementStatement.month)
                .where(SettlementStatement.status == STATEMENT_ISSUED)
                .distinct()
            )
        ),
        reverse=True,
    )
    return [
        PublicReport(
            month=date.fromisoformat(f"{month}-01"), format=fmt, name=report_name(month, fmt)
        )
        for month in months
        for fmt in ("pdf", "html")
    ]


def report_name(month: str, fmt: str) -> str:
    return f"public-report-{month}.{fmt}"


@dataclass(frozen=True)
class ReportFile:
    name: str
    format: Literal["html", "pdf"]
    content: bytes


def public_report(session: Session, name: str) -> ReportFile | None:
    """A listed public report, rendered by settlement from the month's summary (the same
    report `surplus settle report` writes); None for any other name or an unsettled month."""
    match = REPORT_NAME.match(name)
    if match is None:
        return None
    month, fmt = f"{match[1]}-{match[2]}", match[3]
    found = summary(session, month)
    if found is None:
        return None
    from surplus.settlement.pdf import report_pdf
    from surplus.settlement.report import ASSUMPTIONS, report_html

    if fmt == "pdf":
        return ReportFile(name, "pdf", report_pdf(found, ASSUMPTIONS))
    return ReportFile(name, "html", report_html(found).encode("utf-8"))
