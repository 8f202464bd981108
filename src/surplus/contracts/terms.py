"""The term sheet: what an allocation grants an operator and what it asks in return.

One model, written by the allocator, read by the real-time controller that enforces its
curtailment rights, and later by settlement. It depends on pydantic and the standard
library only, so any side of the system can import it without pulling in the solver, the
web service or the database. `term_sheet_json_schema()` is the published JSON Schema
(checked in as docs/term-sheet.schema.json).

The allocator sets the grant, the tariff, the rights it verified by dispatch, the
penalties and the expected service. What only real-time control needs (the flexible share
of a data centre, priority within its class, rest between events, the under-frequency
trip, the compliance tolerance, the register's site id, an end date) are optional fields
with documented defaults, so every sheet the allocator writes loads into the controller
as it is; the controller's figures (`flexible_mw`, `floor_mw`, `response_s`, ...) are
derived properties, never stored twice.

Units are in the field names. Money is in PKR unless a name says otherwise. Times of day are
local (Asia/Karachi for the embedded dataset); dates are calendar dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, model_validator

SCHEMA_VERSION = "1"
"""Bumped when a field changes meaning or a required field is added."""
HOURS_IN_YEAR = 8760
"""The year `max_share_of_energy` is counted over (a leap year's extra day is a margin)."""

LoadKind = Literal["miner", "ai_data_centre"]
TariffBasis = Literal["fixed", "time_of_use", "dynamic"]
BaselineName = Literal[
    "meter_before", "ercot_middle_8_of_10", "ercot_regression", "caiso_10_in_10", "firm"
]
"""How settlement estimates what a site would have drawn without an order (docs/settlement.md)."""
TARIFF_RULE_NAMES = ("proposed_fixed_23", "industrial_b3_27", "dynamic")
"""Tariff rules an application may accept (defined in `surplus.allocation.rules`)."""
PRICE_CAPPED_RULES = ("proposed_fixed_23", "industrial_b3_27")
"""Rules whose flat rate covers the cost of serving only below a cost cap, so the load must
accept curtailment on price."""


class _Terms(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TariffTerms(_Terms):
    """How the energy is priced at the load's meter."""

    rule: str = Field(min_length=1, max_length=64, description="Name of the tariff rule")
    basis: TariffBasis
    description: str
    rate_pkr_per_mwh: FiniteFloat | None = Field(
        default=None, ge=0, description="Flat energy rate (fixed basis)"
    )
    adder_pkr_per_mwh: FiniteFloat | None = Field(
        default=None, ge=0, description="Margin above the zone's marginal cost (dynamic basis)"
    )
    floor_pkr_per_mwh: FiniteFloat | None = Field(default=None, ge=0)
    peak_pkr_per_mwh: FiniteFloat | None = Field(
        default=None, ge=0, description="Energy rate in the peak hours (time-of-use basis)"
    )
    off_peak_pkr_per_mwh: FiniteFloat | None = Field(
        default=None, ge=0, description="Energy rate outside the peak hours (time-of-use basis)"
    )
    peak_start_hour: int = Field(
        default=17, ge=0, le=23, description="Local hour the peak starts (time-of-use basis)"
    )
    peak_hours: int = Field(default=4, ge=0, le=24, description="Length of the peak, hours")
    timezone: str = Field(
        default="Asia/Karachi", min_length=1, max_length=64, description="For local hours"
    )
    network_charge_pkr_per_mwh: FiniteFloat = Field(ge=0)
    loss_share: FiniteFloat = Field(ge=0, lt=1)
    cost_cap_pkr_per_mwh: FiniteFloat | None = Field(
        default=None,
        ge=0,
        description="Marginal generation cost above which the load must stop drawing, so the "
        "tariff always covers the cost of serving it; None when the tariff follows the cost",
    )

    @model_validator(mode="after")
    def _basis_fields(self) -> TariffTerms:
        if self.basis == "fixed" and self.rate_pkr_per_mwh is None:
            raise ValueError("a fixed tariff needs rate_pkr_per_mwh")
        if self.basis == "dynamic" and self.adder_pkr_per_mwh is None:
            raise ValueError("a dynamic tariff needs adder_pkr_per_mwh")
        if self.basis == "time_of_use" and (
            self.peak_pkr_per_mwh is None or self.off_peak_pkr_per_mwh is None
        ):
            raise ValueError("a time-of-use tariff needs peak and off-peak rates")
        return self


class CurtailmentRights(_Terms):
    """What the grid may do to the load, at most, in a year. Enforced by the controller."""

    max_share_of_energy: FiniteFloat = Field(
        ge=0, lt=1, description="Curtailed MWh ÷ (allocated MW × hours in the year), at most"
    )
    max_hours_per_year: int = Field(ge=0, le=8784, description="Hours with any curtailment")
    longest_event_hours: int = Field(ge=0, le=8784, description="Longest run of curtailed hours")
    notice_minutes: int = Field(ge=0, le=7 * 24 * 60, description="Notice before a curtailment")
    on_price: bool = Field(
        description="Also curtailed whenever the zone's marginal cost exceeds the tariff's cap"
    )
    firm: bool = Field(description="Never curtailed for lack of capacity (a firm load)")
    # What real-time control adds; the defaults are what a sheet without them means.
    flexible_share: FiniteFloat = Field(
        default=1.0,
        gt=0,
        le=1,
        description="Share of the allocated MW the grid may curtail; the rest is the floor "
        "that stays on. 1 (the whole load) unless the operator signs for less, as a data "
        "centre keeping its critical load may",
    )
    priority: int = Field(
        default=100,
        ge=0,
        le=1_000_000,
        description="Order within its class when the controller curtails by priority "
        "instead of pro rata: lower numbers first",
    )
    min_rest_minutes: int = Field(
        default=30,
        ge=0,
        le=7 * 24 * 60,
        description="Least time between the end of one curtailment and the next",
    )
    under_frequency_trip: bool = Field(
        default=True,
        description="A miner sheds its flexible share at once when grid frequency falls "
        "below the programme's threshold (never a firm load, nor a data centre)",
    )

    @model_validator(mode="after")
    def _firm_is_never_cut(self) -> CurtailmentRights:
        if self.firm and not self.on_price and self.max_share_of_energy > 0:
            raise ValueError("a firm load without price curtailment has no curtailment share")
        return self


class TelemetryTerms(_Terms):
    """What the site must report, and how."""

    protocol: str = "OpenADR 3.1.0"
    interval_seconds: int = Field(default=60, ge=1, le=3600)
    max_latency_seconds: int = Field(default=300, ge=1, le=86_400)
    channels: tuple[str, ...] = ("power_mw", "curtailment_state")
    meter_class: str = Field(default="0.2S", description="Revenue meter accuracy class")
    tolerance_share: FiniteFloat = Field(
        default=0.02,
        ge=0,
        le=0.5,
        description="Metered power may exceed an order's limit by this share of the "
        "allocated MW and still comply (meter accuracy, noise)",
    )
    baseline: BaselineName = Field(
        default="meter_before",
        description="How settlement estimates the draw an order reduced (docs/settlement.md)",
    )
    baseline_minutes: int = Field(
        default=15,
        ge=1,
        le=240,
        description="Minutes before the notice averaged by the meter_before baseline",
    )


class PenaltyTerms(_Terms):
    """What a breach costs."""

    excess_energy_pkr_per_mwh: FiniteFloat = Field(
        ge=0, description="Per MWh drawn above the ordered level during a curtailment"
    )
    late_response_pkr_per_mw: FiniteFloat = Field(
        ge=0, description="Per MW not shed within the response time, per event"
    )
    telemetry_gap_pkr_per_hour: FiniteFloat = Field(ge=0)
    suspension_after_breaches: int = Field(
        ge=1, description="Breaches in twelve months after which the allocation is suspended"
    )
    response_minutes: FiniteFloat = Field(
        gt=0,
        description="Time allowed to shed once ordered: from when an order applies, metered "
        "power must be at or below its limit",
    )


class ExpectedService(_Terms):
    """What the verification dispatch found for this load, for information (not a promise)."""

    energy_mwh_per_year: FiniteFloat = Field(ge=0)
    curtailed_share: FiniteFloat = Field(ge=0, le=1)
    curtailed_hours_per_year: FiniteFloat = Field(ge=0)
    longest_event_hours: int = Field(ge=0)
    price_curtailed_hours_per_year: FiniteFloat = Field(ge=0)
    net_benefit_pkr_per_year: FiniteFloat = Field(description="Public net benefit, PKR a year")


class TermSheet(_Terms):
    """The terms of one allocation: MW, where, at what tariff, with which curtailment rights."""

    schema_version: Literal["1"] = "1"
    term_sheet_id: str = Field(min_length=1, max_length=200)
    application_id: str = Field(min_length=1, max_length=64)
    operator: str = Field(min_length=1, max_length=200)
    kind: LoadKind
    site: str = Field(min_length=1, max_length=64)
    zone: str = Field(min_length=1, max_length=64)
    allocated_mw: FiniteFloat = Field(gt=0, le=100_000)
    phase: str = Field(min_length=1, max_length=64)
    start_date: date
    ramp_mw_per_min: FiniteFloat = Field(gt=0)
    tariff: TariffTerms
    curtailment: CurtailmentRights
    telemetry: TelemetryTerms = TelemetryTerms()
    penalties: PenaltyTerms
    strategic_bitcoin_reserve_share: FiniteFloat = Field(
        ge=0, le=1, description="Share of the bitcoin mined handed to the Strategic Reserve"
    )
    expected: ExpectedService
    dataset: str = Field(description="Dataset (and year) the allocation was computed on")
    # What real-time control adds; the defaults are what a sheet without them means.
    end_date: date | None = Field(
        default=None, description="First day the terms no longer apply; none: open-ended"
    )
    register_site_id: int | None = Field(
        default=None,
        ge=1,
        description="The site's id in the programme register, once the grant is enrolled "
        "there (the register's row is authoritative); none in the allocator's output",
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> TermSheet:
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        return self

    @property
    def flexible_mw(self) -> float:
        """MW the grid may curtail (on price, or for capacity unless the load is firm)."""
        return self.allocated_mw * self.curtailment.flexible_share

    @property
    def floor_mw(self) -> float:
        """MW that stay on whatever happens."""
        return self.allocated_mw - self.flexible_mw

    @property
    def curtail_above_price_pkr_per_mwh(self) -> float | None:
        """Zone marginal cost above which the flexible MW must stop (the tariff's cost cap,
        when the sheet has price curtailment); None: never on price."""
        return self.tariff.cost_cap_pkr_per_mwh if self.curtailment.on_price else None

    @property
    def trips_on_under_frequency(self) -> bool:
        """Shed at once, by the programme's under-frequency event."""
        c = self.curtailment
        return self.kind == "miner" and c.under_frequency_trip and not c.firm

    @property
    def response_s(self) -> float:
        """Seconds after an order applies by which metered power must be within it."""
        return self.penalties.response_minutes * 60.0

    @property
    def energy_budget_mwh(self) -> float:
        """The most MWh the grid may curtail in a contract year."""
        return self.curtailment.max_share_of_energy * self.allocated_mw * HOURS_IN_YEAR

    def in_force(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)

    def registered_site_id(self) -> int:
        """`register_site_id`, for code that handles only enrolled sites (the controller)."""
        if self.register_site_id is None:
            raise ValueError(f"term sheet {self.term_sheet_id} is not enrolled in the register")
        return self.register_site_id


def term_sheet_json_schema() -> dict[str, Any]:
    """The JSON Schema of a term sheet (draft 2020-12, as pydantic writes it)."""
    schema = TermSheet.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "surplus term sheet"
    return schema


__all__ = [
    "HOURS_IN_YEAR",
    "PRICE_CAPPED_RULES",
    "SCHEMA_VERSION",
    "TARIFF_RULE_NAMES",
    "BaselineName",
    "CurtailmentRights",
    "ExpectedService",
    "LoadKind",
    "PenaltyTerms",
    "TariffTerms",
    "TelemetryTerms",
    "TermSheet",
    "term_sheet_json_schema",
]
