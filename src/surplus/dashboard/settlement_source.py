"""INTEGRATION POINT: the dashboard's only source of settlement figures.

Settlement (`surplus.settlement`, built alongside this package) will provide a typed
`month_summary(session, month)`: MW allocated and running, energy sold, revenue, the subsidy
test, curtailment and compliance per month, per-operator statements, and the monthly public
report files. Until it is wired here, every function below answers "not yet available"
(`None` or nothing), and the pages say so: the dashboard never shows a number settlement
did not produce.

To wire it, replace the bodies of `month_figures`, `operator_statements` and
`public_reports` (and `reports_folder`) with calls to settlement, converting its results
into the dashboard's models; `tests/dashboard/test_settlement_source.py` shows the shapes
and checks that the pages render them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from surplus.dashboard.model import PublicReport, SettlementMonth, StatementLine


def month_figures(session: Session, months: Sequence[date]) -> dict[date, SettlementMonth] | None:
    """Energy sold, revenue, cost to serve and the subsidy test for each month asked (first
    days, Asia/Karachi calendar); None while settlement is not wired in. A month settlement
    has not closed is left out of the mapping."""
    return None


def operator_statements(session: Session, operator_id: int) -> list[StatementLine] | None:
    """The operator's monthly statements, newest first; None while settlement is not wired."""
    return None


def public_reports(session: Session) -> list[PublicReport]:
    """The monthly public reports settlement wrote, newest first; none yet."""
    return []


def reports_folder() -> Path | None:
    """Where the files named by `public_reports` are; None while there are none."""
    return None
