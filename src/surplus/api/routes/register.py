"""The programme register served as CRUD resources: operators, sites, applications and
allocations. Schemas here are the API's contract; the tables live in surplus.store.programme."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, FiniteFloat, field_validator, model_validator

from surplus.api.ids import RowId
from surplus.api.resource import Resource, resource_router
from surplus.api.storable import StorableFields
from surplus.contracts import PRICE_CAPPED_RULES
from surplus.store.programme import Allocation, Application, Operator, Site

Name = Field(min_length=1, max_length=200)
Email = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
PositiveMw = Field(gt=0, le=100_000, description="MW")
LoadKind = Literal["bitcoin_mining", "ai_data_centre", "other"]
ApplicationStatus = Literal["submitted", "under_review", "approved", "rejected", "withdrawn"]
AllocationStatus = Literal["proposed", "active", "suspended", "ended"]


class Strict(StorableFields):
    model_config = ConfigDict(extra="forbid")


class Filters(StorableFields):
    """Query filters; not strict, since limit and offset arrive in the same query string."""


# -- operators -------------------------------------------------------------------------------
class OperatorIn(Strict):
    name: str = Name
    contact_email: str | None = Email


class OperatorPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_email: str | None = Email


class OperatorOut(OperatorIn):
    id: int
    created_at: datetime


class OperatorFilters(Filters):
    name: str | None = Field(default=None, max_length=200, description="Exact name")


# -- sites -----------------------------------------------------------------------------------
class SiteIn(Strict):
    operator_id: RowId
    name: str = Name
    zone: str = Field(min_length=1, max_length=64, description="Grid zone or DISCO")
    latitude_deg: FiniteFloat = Field(ge=-90, le=90)
    longitude_deg: FiniteFloat = Field(ge=-180, le=180)
    connection_mw: FiniteFloat = PositiveMw
    ven_id: str | None = Field(default=None, max_length=128, description="OpenADR venID")


class SitePatch(Strict):
    operator_id: RowId | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    zone: str | None = Field(default=None, min_length=1, max_length=64)
    latitude_deg: FiniteFloat | None = Field(default=None, ge=-90, le=90)
    longitude_deg: FiniteFloat | None = Field(default=None, ge=-180, le=180)
    connection_mw: FiniteFloat | None = Field(default=None, gt=0, le=100_000)
    ven_id: str | None = Field(default=None, max_length=128)


class SiteOut(SiteIn):
    id: int
    created_at: datetime


class SiteFilters(Filters):
    operator_id: RowId | None = None
    zone: str | None = Field(default=None, max_length=64)
    ven_id: str | None = Field(default=None, max_length=128)


# -- applications ----------------------------------------------------------------------------
TariffRule = Literal["proposed_fixed_23", "industrial_b3_27", "dynamic"]
"""The same names as `surplus.contracts.TARIFF_RULE_NAMES` (a test keeps them equal)."""


class ApplicationOffer(Strict):
    """What the applicant offers the allocator (surplus.allocation.Application); optional."""

    min_mw: FiniteFloat | None = Field(default=None, ge=0, le=100_000, description="MW")
    acceptable_sites: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="Zones or plants the load may connect at, in order; the site's zone if "
        "left out",
    )
    max_curtailment_share: FiniteFloat | None = Field(
        default=None, ge=0, le=0.5, description="Share of the yearly energy; 0 asks for firm"
    )
    longest_event_hours: int | None = Field(default=None, ge=0, le=8784)
    notice_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    accepts_price_curtailment: bool | None = None
    tariff_rule: TariffRule | None = None
    start_date: date | None = None
    ramp_mw_per_min: FiniteFloat | None = Field(default=None, gt=0, le=10_000)

    @field_validator("acceptable_sites")
    @classmethod
    def _sites(cls, sites: list[str] | None) -> list[str] | None:
        if sites is not None and (
            any(not s.strip() or len(s) > 64 for s in sites) or len(set(sites)) != len(sites)
        ):
            raise ValueError("site names must be distinct, non-empty and at most 64 characters")
        return sites


class ApplicationFields(ApplicationOffer):
    operator_id: RowId
    site_id: RowId
    requested_mw: FiniteFloat = PositiveMw
    load_kind: LoadKind
    status: ApplicationStatus = "submitted"
    notes: str | None = Field(default=None, max_length=10_000)


class ApplicationIn(ApplicationFields):
    """A new application; a PATCH is checked by the same rules on the row it produces."""

    @model_validator(mode="after")
    def _consistent(self) -> ApplicationIn:
        share, longest = self.max_curtailment_share, self.longest_event_hours
        if share is not None and share > 0 and longest == 0:
            raise ValueError("longest_event_hours must be at least 1 when curtailment is offered")
        if self.tariff_rule in PRICE_CAPPED_RULES and self.accepts_price_curtailment is False:
            raise ValueError(f"tariff rule {self.tariff_rule} requires accepts_price_curtailment")
        if self.min_mw is not None and self.min_mw > self.requested_mw:
            raise ValueError("min_mw must not exceed requested_mw")
        return self


class ApplicationPatch(ApplicationOffer):
    requested_mw: FiniteFloat | None = Field(default=None, gt=0, le=100_000)
    load_kind: LoadKind | None = None
    status: ApplicationStatus | None = None
    notes: str | None = Field(default=None, max_length=10_000)


class ApplicationOut(ApplicationFields):
    id: int
    submitted_at: datetime


class ApplicationFilters(Filters):
    operator_id: RowId | None = None
    site_id: RowId | None = None
    status: ApplicationStatus | None = None


# -- allocations -----------------------------------------------------------------------------
def _finite_json(terms: dict[str, Any] | None) -> dict[str, Any] | None:
    try:
        json.dumps(terms, allow_nan=False)
    except ValueError as error:
        raise ValueError("terms must be plain JSON without NaN or infinity") from error
    return terms


class AllocationIn(Strict):
    application_id: RowId
    site_id: RowId
    allocated_mw: FiniteFloat = PositiveMw
    tariff_rule: str = Field(min_length=1, max_length=64, description="Name of the tariff rule")
    curtailment_rights: str = Field(min_length=1, max_length=64)
    terms: dict[str, Any] = Field(default_factory=dict, description="The full terms, as data")
    starts_on: date
    ends_on: date | None = None
    status: AllocationStatus = "proposed"

    _terms_finite = field_validator("terms")(_finite_json)

    @model_validator(mode="after")
    def _ends_after_start(self) -> AllocationIn:
        if self.ends_on is not None and self.ends_on <= self.starts_on:
            raise ValueError("ends_on must be after starts_on")
        return self


class AllocationPatch(Strict):
    allocated_mw: FiniteFloat | None = Field(default=None, gt=0, le=100_000)
    tariff_rule: str | None = Field(default=None, min_length=1, max_length=64)
    curtailment_rights: str | None = Field(default=None, min_length=1, max_length=64)
    terms: dict[str, Any] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: AllocationStatus | None = None

    _terms_finite = field_validator("terms")(_finite_json)


class AllocationOut(AllocationIn):
    id: int
    created_at: datetime


class AllocationFilters(Filters):
    application_id: RowId | None = None
    site_id: RowId | None = None
    status: AllocationStatus | None = None


RESOURCES = (
    Resource(
        Operator,
        "operator",
        "/operators",
        OperatorIn,
        OperatorPatch,
        OperatorOut,
        OperatorFilters,
        not_null=frozenset({"name"}),
    ),
    Resource(
        Site,
        "site",
        "/sites",
        SiteIn,
        SitePatch,
        SiteOut,
        SiteFilters,
        references={"operator_id": (Operator, "operator")},
        not_null=frozenset(
            {"operator_id", "name", "zone", "latitude_deg", "longitude_deg", "connection_mw"}
        ),
    ),
    Resource(
        Application,
        "application",
        "/applications",
        ApplicationIn,
        ApplicationPatch,
        ApplicationOut,
        ApplicationFilters,
        references={"operator_id": (Operator, "operator"), "site_id": (Site, "site")},
        not_null=frozenset({"requested_mw", "load_kind", "status"}),
        patched_schema=ApplicationIn,
    ),
    Resource(
        Allocation,
        "allocation",
        "/allocations",
        AllocationIn,
        AllocationPatch,
        AllocationOut,
        AllocationFilters,
        references={"application_id": (Application, "application"), "site_id": (Site, "site")},
        not_null=frozenset(
            {"allocated_mw", "tariff_rule", "curtailment_rights", "terms", "starts_on", "status"}
        ),
    ),
)

routers = [resource_router(spec) for spec in RESOURCES]
