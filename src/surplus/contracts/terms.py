"""The term sheet of one allocation: MW, site, zone, tariff rule, curtailment rights,
telemetry and penalties.

Units are in the names. A term sheet says how much of the contracted load may be
curtailed (`flexible_share`: 1.0 for a mining farm, the agreed share for a data centre),
how often and how long (`max_hours_per_year`, `longest_event_minutes`), with how much
warning (`notice_s`), and how fast the site must reach its target once an order applies
(`telemetry.response_s`). The controller never orders beyond these; when a shortfall
needs more, it records the gap instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from surplus.errors import InputError, Problem

LoadKind = Literal["bitcoin_mining", "ai_data_centre"]
TariffRule = Literal["fixed", "time_of_use", "dynamic", "industrial"]


class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CurtailmentRights(_Terms):
    """What the programme may ask of the site. Defaults are a mining farm's."""

    flexible_share: float = Field(
        default=1.0, gt=0, le=1, description="Share of the contracted MW that may be curtailed."
    )
    max_hours_per_year: float = Field(
        default=438.0, ge=0, le=8784, description="Curtailed hours a contract year (5 %)."
    )
    longest_event_minutes: float = Field(
        default=240.0, gt=0, description="Longest continuous curtailment, minutes."
    )
    min_rest_minutes: float = Field(
        default=30.0, ge=0, description="Least time between the end of one event and the next."
    )
    notice_s: float = Field(
        default=0.0, ge=0, le=86_400, description="Warning before an order applies, seconds."
    )
    priority: int = Field(
        default=100,
        ge=0,
        le=1_000_000,
        description="Order within its class when curtailing by priority: lower goes first.",
    )
    curtail_above_price_pkr_per_mwh: float | None = Field(
        default=None,
        gt=0,
        description="Curtail the flexible share whenever the zone's price exceeds this.",
    )
    under_frequency_trip: bool = Field(
        default=True,
        description="The site sheds its flexible share at once when grid frequency falls "
        "below the programme's threshold.",
    )


class TelemetryTerms(_Terms):
    interval_s: float = Field(default=5.0, gt=0, le=3600, description="Seconds between samples.")
    response_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="Seconds after an order applies by which metered power must be at or "
        "below the limit.",
    )
    tolerance_share: float = Field(
        default=0.02,
        ge=0,
        le=0.5,
        description="Metered power may exceed the limit by this "
        "share of the contracted MW (meter accuracy, noise).",
    )


class Penalties(_Terms):
    non_compliance_pkr_per_mwh: float = Field(
        default=0.0, ge=0, description="Charged on energy drawn above an order's limit."
    )


class TermSheet(_Terms):
    """One allocation's contract, as the allocation emits it and control reads it."""

    id: str = Field(min_length=1, max_length=128, description="Term sheet id, unique.")
    version: int = Field(default=1, ge=1)
    operator: str = Field(min_length=1, max_length=200)
    site_id: int = Field(ge=1, description="The site's id in the programme register.")
    site_name: str = Field(default="", max_length=200)
    zone: str = Field(min_length=1, max_length=64)
    load_kind: LoadKind
    contracted_mw: float = Field(gt=0, le=10_000)
    tariff_rule: TariffRule = "fixed"
    tariff_pkr_per_kwh: float | None = Field(default=None, ge=0)
    curtailment: CurtailmentRights = CurtailmentRights()
    telemetry: TelemetryTerms = TelemetryTerms()
    penalties: Penalties = Penalties()
    reserve_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of mined bitcoin owed to the Strategic Bitcoin Reserve (miners).",
    )
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> TermSheet:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValueError("ends_on must be after starts_on")
        return self

    @property
    def flexible_mw(self) -> float:
        """MW the programme may curtail."""
        return self.contracted_mw * self.curtailment.flexible_share

    @property
    def floor_mw(self) -> float:
        """MW that stays on whatever happens (the firm part)."""
        return self.contracted_mw - self.flexible_mw


def term_sheet_schema() -> dict[str, Any]:
    """JSON Schema of a term sheet (for producers outside this package)."""
    return TermSheet.model_json_schema()


def parse_term_sheets(items: Sequence[Any], source: str) -> list[TermSheet]:
    """Validate term sheets; every problem names the item (1-based) and field. Ids unique."""
    problems: list[Problem] = []
    sheets: list[tuple[int, TermSheet]] = []
    for number, item in enumerate(items, start=1):
        try:
            sheets.append((number, TermSheet.model_validate(item)))
        except ValidationError as error:
            for issue in error.errors():
                field = ".".join(str(part) for part in issue["loc"]) or None
                found = repr(issue.get("input"))[:80]
                problems.append(Problem(source, number, field, issue["msg"], found))
    seen: set[str] = set()
    for number, sheet in sheets:
        if sheet.id in seen:
            problems.append(Problem(source, number, "id", "a unique id", f"{sheet.id!r} again"))
        seen.add(sheet.id)
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return [sheet for _, sheet in sheets]


def load_term_sheets(path: Path) -> list[TermSheet]:
    """Term sheets from a JSON file: a list, or an object with a `term_sheets` list.
    Rows in errors are the items' positions in that list, counted from 1."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(Problem(str(path), None, None, "a readable file", str(error))) from None
    except json.JSONDecodeError as error:
        raise InputError(Problem(str(path), error.lineno, None, "JSON", error.msg)) from None
    items = data.get("term_sheets") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(
            Problem(str(path), None, None, "a list of term sheets", type(data).__name__)
        )
    return parse_term_sheets(items, str(path))
