"""The scenario file: which dimensions vary and how each is drawn, read from TOML and
checked field by field (a bad entry names the file, the key and the value)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from surplus.errors import InputError, Problem
from surplus.study.inputs import PROGRAMME_MW, TARIFF_RULES


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Normal(_Strict):
    """A normal draw of a change (0.03 is +3 %)."""

    mean: float = 0.0
    sd: float = Field(0.0, ge=0.0)


class DemandGrowth(Normal):
    """Demand growth, drawn for each zone on its own (or once for all with `per_zone =
    false`); `zones` overrides the draw for named zones."""

    per_zone: bool = True
    zones: dict[str, Normal] = Field(default_factory=dict)


class WeatherYear(_Strict):
    """One weather year: hydro inflows, wind and sun as shares of the dataset's year."""

    name: str
    weight: float = Field(1.0, gt=0.0)
    hydro: float = Field(1.0, ge=0.0)
    wind: float = Field(1.0, ge=0.0)
    solar: float = Field(1.0, ge=0.0)


class Outages(_Strict):
    """Monte Carlo forced outages: every plant of at least `min_capacity_mw` is out for each
    block of `block_days` with probability `rate`; the share of the year it is out derates
    its availability."""

    rate: float = Field(ge=0.0, le=1.0)
    block_days: int = Field(7, ge=1, le=366)
    min_capacity_mw: float = Field(0.0, ge=0.0)


class Uniform(_Strict):
    """A share drawn evenly between `low` and `high` (1.0 is the dataset's)."""

    low: float = Field(ge=0.0)
    high: float = Field(ge=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


class Bitcoin(_Strict):
    """The bitcoin price the miners see: a seeded random path per run (`gbm`) from
    `price_usd`, or that price held (`constant`)."""

    price_usd: float = Field(100_000.0, gt=0.0)
    path: Literal["gbm", "constant"] = "gbm"


class Tariff(_Strict):
    """The tariff rule each run uses, drawn by weight."""

    rules: tuple[str, ...] = ("dynamic",)
    weights: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _known(self) -> Tariff:
        unknown = [rule for rule in self.rules if rule not in TARIFF_RULES]
        if unknown or not self.rules:
            raise ValueError(f"rules are among {', '.join(TARIFF_RULES)}; got {unknown}")
        if self.weights is not None and (
            len(self.weights) != len(self.rules) or min(self.weights) <= 0
        ):
            raise ValueError("weights: one positive weight per rule")
        return self


class ProgrammeSpec(_Strict):
    """The quota of each phase, held at the named sites together, and the curtailment
    budget it must hold within."""

    quotas_mw: tuple[float, ...] = (PROGRAMME_MW,)
    budget: float = Field(0.005, ge=0.0, le=1.0)
    sites: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _positive(self) -> ProgrammeSpec:
        if not self.quotas_mw or min(self.quotas_mw) <= 0:
            raise ValueError("quotas_mw: at least one quota, each above 0 MW")
        return self


class ScenarioSpec(_Strict):
    """An ensemble: `runs` draws of every dimension declared, each reproducible from
    `seed` and its run id alone."""

    description: str = ""
    runs: int = Field(ge=1, le=1_000_000)
    seed: int = Field(ge=0)
    dataset: Path | None = None
    start: str | None = None
    """First hour (UTC) of a shorter horizon; None: the dataset's year."""
    end: str | None = None
    programme: ProgrammeSpec = Field(default_factory=ProgrammeSpec)
    demand_growth: DemandGrowth | None = None
    weather: tuple[WeatherYear, ...] = ()
    outages: Outages | None = None
    fuel_price: dict[str, Normal] = Field(default_factory=dict)
    fuel_supply: dict[str, Uniform] = Field(default_factory=dict)
    bitcoin: Bitcoin = Field(default_factory=Bitcoin)
    tariff: Tariff = Field(default_factory=Tariff)
    fingerprint: str = ""
    """A hash of the file's text: an output folder holds the runs of one spec only."""


def read_spec(path: Path) -> ScenarioSpec:
    """Read and check a scenario file; every problem is reported at once, as `InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
        document: dict[str, Any] = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(
            Problem(str(path), None, None, "a readable TOML file", str(error))
        ) from None
    if "fingerprint" in document:
        raise InputError(Problem(str(path), None, "fingerprint", "no such key", "fingerprint"))
    if isinstance(document.get("dataset"), str):
        folder = Path(document["dataset"])
        document["dataset"] = folder if folder.is_absolute() else path.parent / folder
    document["fingerprint"] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    try:
        return ScenarioSpec.model_validate(document)
    except ValidationError as error:
        raise InputError(
            [
                Problem(
                    str(path),
                    None,
                    ".".join(str(part) for part in issue["loc"]) or None,
                    issue["msg"].removeprefix("Value error, "),
                    repr(issue.get("input")),
                )
                for issue in error.errors()
            ]
        ) from None
