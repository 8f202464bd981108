"""Term sheets as data: what an allocation grants an operator and what it asks in return.

One model, read by the allocator that writes term sheets, by the real-time controller that
enforces their curtailment rights, and later by settlement. It depends on pydantic and the
standard library only, so any side of the system can import it without pulling in the
solver, the web service or the database. `term_sheet_json_schema()` is the published JSON
Schema (checked in as docs/term-sheet.schema.json).

Units are in the field names. Money is in PKR unless a name says otherwise. Times of day are
local (Asia/Karachi for the embedded dataset); dates are calendar dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, model_validator

SCHEMA_VERSION = "1"
"""Bumped when a field changes meaning or a required field is added."""

LoadKind = Literal["miner", "ai_data_centre"]
TariffBasis = Literal["fixed", "dynamic"]
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
    response_minutes: FiniteFloat = Field(gt=0, description="Time allowed to shed once ordered")


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


def term_sheet_json_schema() -> dict[str, Any]:
    """The JSON Schema of a term sheet (draft 2020-12, as pydantic writes it)."""
    schema = TermSheet.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "surplus term sheet"
    return schema


__all__ = [
    "PRICE_CAPPED_RULES",
    "SCHEMA_VERSION",
    "TARIFF_RULE_NAMES",
    "CurtailmentRights",
    "ExpectedService",
    "PenaltyTerms",
    "TariffTerms",
    "TelemetryTerms",
    "TermSheet",
    "term_sheet_json_schema",
]
