"""What the dashboard shows, as plain values: filled by `provider` from the store and by
`settlement_source` for money and energy, rendered by the templates, served as JSON and
exported as open data. Nothing here reads a database or knows a web framework.

A figure settlement has not produced yet is `None` (a month not settled), and
`settlement_available` says why the page shows "not yet available" instead of a number.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ZoneCondition = Literal["curtailed", "running", "idle", "no_data"]
"""A zone now: some flexible load under a curtailment order; load running and none
curtailed; nothing running; or no grid state and no load to tell."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SettlementMonth(Frozen):
    """Settlement's figures for one settled month (Asia/Karachi calendar), as
    `surplus.settlement.public.month_summary` computed them."""

    energy_sold_mwh: float = Field(ge=0)
    revenue_pkr: Decimal = Field(description="Σ the operators' statement totals.")
    penalties_pkr: Decimal
    cost_to_serve_pkr: Decimal | None = Field(
        description="None: settlement was not given the zones' marginal cost."
    )
    subsidy_test_passed: bool | None = Field(
        description="True when the revenue covered the cost of serving the loads: no subsidy; "
        "None when it cannot be told without the marginal cost."
    )
    mw_allocated: float = Field(ge=0, description="Σ MW of the contracts settled.")
    orders_judged: int = Field(ge=0, description="Orders settlement judged against the meter.")
    orders_compliant: int = Field(ge=0)
    orders_late: int = Field(ge=0)
    orders_exceeded: int = Field(ge=0)
    orders_no_data: int = Field(ge=0)
    drawn_above_orders_mwh: float = Field(
        ge=0, description="Energy drawn above grid-protection orders: load-shedding caused."
    )


class MonthRow(Frozen):
    """One month of the programme: curtailment from the controller's orders, the rest from
    settlement (None until settlement has settled that month)."""

    month: date = Field(description="First day of the month, Asia/Karachi calendar.")
    curtailment_events: int = Field(ge=0, description="Orders that applied in the month.")
    compliant_events: int = Field(ge=0)
    noncompliant_events: int = Field(ge=0, description="Exceeded the limit or no meter data.")
    pending_events: int = Field(ge=0)
    settled: bool = Field(default=False, description="Settlement has closed this month.")
    energy_sold_mwh: float | None = None
    revenue_pkr: Decimal | None = None
    penalties_pkr: Decimal | None = None
    cost_to_serve_pkr: Decimal | None = None
    subsidy_test_passed: bool | None = None
    mw_allocated: float | None = None
    orders_judged: int | None = None
    orders_compliant: int | None = None
    orders_late: int | None = None
    orders_exceeded: int | None = None
    orders_no_data: int | None = None
    drawn_above_orders_mwh: float | None = None


class ZoneState(Frozen):
    """A zone now: its spare capacity as the control room last pushed it, and the flexible
    load there (allocated, metered running, curtailed by orders in force)."""

    zone: str
    name: str
    latitude_deg: float | None
    longitude_deg: float | None
    spare_mw: float | None = Field(description="None: no grid state received for the zone.")
    spare_observed_at: datetime | None
    spare_stale: bool = Field(
        description="Older than the controller accepts: it then "
        "treats the zone as having no spare capacity."
    )
    sites: int = Field(ge=0)
    allocated_mw: float = Field(ge=0)
    running_mw: float = Field(ge=0, description="Metered draw of sites that reported lately.")
    curtailed_mw: float = Field(ge=0, description="Allocated MW held back by orders in force.")
    sites_curtailed: int = Field(ge=0)
    condition: ZoneCondition


class ProgrammeTotals(Frozen):
    operators: int = Field(ge=0)
    sites: int = Field(ge=0)
    allocated_mw: float = Field(ge=0, description="Active allocations in force today.")
    running_mw: float = Field(ge=0)
    curtailed_mw: float = Field(ge=0)
    curtailment_events: int = Field(ge=0, description="Orders ever sent.")
    compliant_events: int = Field(ge=0)
    noncompliant_events: int = Field(ge=0)
    pending_events: int = Field(ge=0)
    open_noncompliance: int = Field(ge=0, description="Sites still above an order's limit.")

    @property
    def compliance_share(self) -> float | None:
        """Compliant orders among those judged; None before any was judged."""
        judged = self.compliant_events + self.noncompliant_events
        return self.compliant_events / judged if judged else None


class PublicReport(Frozen):
    """A monthly public report file settlement wrote."""

    month: date
    format: Literal["html", "pdf"]
    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$", description="File name, served as is.")


class Dashboard(Frozen):
    """Everything the public page shows: aggregates only, never a site or an operator."""

    generated_at: datetime
    totals: ProgrammeTotals
    zones: tuple[ZoneState, ...]
    months: tuple[MonthRow, ...]
    settlement_available: bool = Field(
        description="Settlement has settled at least one of the months shown."
    )
    reports: tuple[PublicReport, ...]


class SiteView(Frozen):
    site_id: int
    name: str
    zone: str
    connection_mw: float
    allocated_mw: float
    tariff_rule: str | None
    running_mw: float | None
    measured_at: datetime | None
    curtailed_now: bool
    limit_mw: float | None
    orders_this_month: int
    open_noncompliance: int


class StatementLine(Frozen):
    """One version of one of the operator's monthly statements."""

    month: date
    energy_mwh: float
    amount_pkr: Decimal
    version: int
    statement_row_id: int | None = Field(
        default=None, description="Settlement's row id: the JSON and PDF downloads' address."
    )
    superseded: bool = Field(default=False, description="A later version replaced it.")
    reason: str | None = Field(default=None, description="Why this version was re-issued.")
    document: str | None = Field(default=None, description="File name of the PDF/JSON.")


class OperatorDashboard(Frozen):
    """What one operator sees after logging in: its own sites and statements only."""

    generated_at: datetime
    operator_id: int
    operator_name: str
    sites: tuple[SiteView, ...]
    statements: tuple[StatementLine, ...] = Field(
        description="Every version settlement issued to this operator, newest first."
    )
