"""An application for a share of the quota: who, what kind of load, how many MW, where, and
how much curtailment it accepts. One pydantic model, used by the file reader, the allocator
and (through the same field names) the service's `/api/v1/applications`."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, field_validator, model_validator

from surplus.allocation.rules import TARIFF_RULES, tariff_rules

Kind = Literal["miner", "ai_data_centre"]
MAX_REQUEST_MW = 5_000.0
MAX_CURTAILMENT_SHARE = 0.5


class Application(BaseModel):
    """One application. Shares are fractions (0.005 = 0.5 % of the load's yearly energy)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    application_id: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
    )
    operator: str = Field(min_length=1, max_length=200)
    kind: Kind
    requested_mw: FiniteFloat = Field(gt=0, le=MAX_REQUEST_MW)
    min_mw: FiniteFloat = Field(
        default=0.0, ge=0, le=MAX_REQUEST_MW, description="Smallest allocation worth taking"
    )
    sites: tuple[str, ...] = Field(
        min_length=1, max_length=20, description="Acceptable zones or named plants, in order"
    )
    max_curtailment_share: FiniteFloat = Field(
        ge=0, le=MAX_CURTAILMENT_SHARE, description="0 asks for a firm load"
    )
    longest_event_hours: int = Field(ge=0, le=8784)
    notice_minutes: int = Field(ge=0, le=7 * 24 * 60)
    accepts_price_curtailment: bool
    tariff_rule: str
    start_date: date
    ramp_mw_per_min: FiniteFloat = Field(gt=0, le=10_000)

    @field_validator("sites")
    @classmethod
    def _distinct_sites(cls, sites: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(s.strip() for s in sites)
        if any(not s for s in cleaned):
            raise ValueError("a site name is empty")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a site is listed twice")
        return cleaned

    @field_validator("tariff_rule")
    @classmethod
    def _known_rule(cls, rule: str) -> str:
        if rule not in TARIFF_RULES:
            raise ValueError(f"one of {', '.join(TARIFF_RULES)}")
        return rule

    @model_validator(mode="after")
    def _consistent(self) -> Application:
        if self.min_mw > self.requested_mw:
            raise ValueError("min_mw must not exceed requested_mw")
        if self.max_curtailment_share > 0 and self.longest_event_hours == 0:
            raise ValueError("longest_event_hours must be at least 1 when curtailment is offered")
        rule = tariff_rules()[self.tariff_rule]
        if rule.requires_price_curtailment and not self.accepts_price_curtailment:
            raise ValueError(
                f"tariff rule {self.tariff_rule} requires accepts_price_curtailment = true"
            )
        return self

    @property
    def firm(self) -> bool:
        """Asks never to be curtailed for lack of capacity."""
        return self.max_curtailment_share == 0.0

    def equal_key(self) -> tuple[object, ...]:
        """Everything the allocation sees except the application's own id: two applications
        with the same key must be treated the same."""
        return tuple(v for k, v in self.model_dump().items() if k != "application_id")


FIELDS = tuple(Application.model_fields)
"""Column names of an application file, in order."""
REQUIRED_FIELDS = tuple(name for name, f in Application.model_fields.items() if f.is_required())
