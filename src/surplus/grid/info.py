"""`dataset.toml`: what a dataset is, parsed with pydantic so every bad field is named."""

from __future__ import annotations

import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from surplus.errors import Problem
from surplus.grid.model import (
    DEFAULT_RESPONSE_MINUTES,
    CostCap,
    DatasetInfo,
    ReserveRegion,
    ReserveRule,
    Source,
)


class _Region(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    zones: list[str] = Field(min_length=1)
    largest_unit: bool | None = None
    share_of_demand: float | None = Field(None, ge=0, le=1)
    min_mw: float | None = Field(None, ge=0)


class _Reserve(BaseModel):
    model_config = ConfigDict(extra="forbid")
    largest_unit: bool = True
    share_of_demand: float = Field(0.0, ge=0, le=1)
    min_mw: float = Field(0.0, ge=0)
    response_minutes: float = Field(DEFAULT_RESPONSE_MINUTES, ge=0)
    regions: list[_Region] = []

    @field_validator("regions")
    @classmethod
    def _unique_names(cls, regions: list[_Region]) -> list[_Region]:
        names = [region.name for region in regions]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"region names must be unique; repeated: {', '.join(repeated)}")
        return regions

    def rule(self) -> ReserveRule:
        """Regions take the top-level floors for any floor they leave out."""
        regions = tuple(
            ReserveRegion(
                name=region.name,
                zones=tuple(region.zones),
                largest_unit=self.largest_unit
                if region.largest_unit is None
                else region.largest_unit,
                share_of_demand=(
                    self.share_of_demand
                    if region.share_of_demand is None
                    else region.share_of_demand
                ),
                min_mw=self.min_mw if region.min_mw is None else region.min_mw,
            )
            for region in self.regions
        )
        return ReserveRule(
            self.largest_unit, self.share_of_demand, self.min_mw, self.response_minutes, regions
        )


class _CostCap(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tariff_per_mwh: float = Field(gt=0)
    network_charge_per_mwh: float = Field(0.0, ge=0)
    loss_share: float = Field(0.0, ge=0, lt=1)


class _Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    key: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str = ""
    note: str = ""


class _Info(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2200)
    timezone: str
    currency: str = Field(min_length=3, max_length=3)
    usd_exchange_rate: float = Field(gt=0)
    value_of_lost_load_per_mwh: float = Field(gt=0)
    reserve: _Reserve = _Reserve()
    spill_penalty_per_mwh: float | None = Field(None, gt=0)
    cost_cap: _CostCap | None = None
    licence: str = ""
    description: str = ""
    sources: list[_Source] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError(f"an IANA time zone such as Asia/Karachi, not {value!r}")
        ZoneInfo(value)
        return value


def read_info(path: Path, problems: list[Problem]) -> DatasetInfo | None:
    """Parse `dataset.toml`; on failure append problems and return None."""
    file = str(path)
    if not path.is_file():
        problems.append(Problem(file, None, None, "a dataset.toml file", "no such file"))
        return None
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(Problem(file, None, None, "valid TOML", str(error)))
        return None
    try:
        parsed = _Info.model_validate(document)
    except ValidationError as error:
        for issue in error.errors():
            field = ".".join(str(part) for part in issue["loc"])
            found = repr(issue["input"]) if issue["type"] != "missing" else "nothing"
            problems.append(Problem(file, None, field, issue["msg"], found))
        return None
    return DatasetInfo(
        name=parsed.name,
        year=parsed.year,
        timezone=parsed.timezone,
        currency=parsed.currency,
        usd_exchange_rate=parsed.usd_exchange_rate,
        value_of_lost_load_per_mwh=parsed.value_of_lost_load_per_mwh,
        reserve=parsed.reserve.rule(),
        spill_penalty_per_mwh=parsed.spill_penalty_per_mwh,
        cost_cap=CostCap(**parsed.cost_cap.model_dump()) if parsed.cost_cap else None,
        licence=parsed.licence,
        description=parsed.description,
        sources=tuple(Source(s.key, s.title, s.url, s.note) for s in parsed.sources),
        path=str(path.parent),
    )
