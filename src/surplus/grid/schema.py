"""The one catalogue of dataset tables and columns.

The validator, the loader and `docs/dataset-format.md` all read this catalogue, so a column is
declared exactly once: its type, unit, whether it is required, its allowed range, and what it
means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["id", "text", "float", "int", "bool", "choice", "ref"]

FUELS: tuple[str, ...] = (
    "hydro",
    "nuclear",
    "coal_imported",
    "coal_local",
    "rlng",
    "gas",
    "oil",
    "wind",
    "solar",
    "biomass",
    "import",
    "other",
)
"""Fuel names a plant may carry; reports group capacity and energy by them."""

STATUSES: tuple[str, ...] = ("operating", "planned", "construction", "retired", "mothballed")
"""Only `operating` plants are dispatched; the others stay in the file for the record."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    description: str
    unit: str = ""
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    refers_to: str = ""
    """For `ref` columns: `table.column` whose values this column must take."""
    default: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    optional: bool = False
    hourly: bool = False
    """Hourly tables have a `timestamp` column and one value column per zone or profile."""
    value_unit: str = ""
    value_minimum: float | None = None
    value_maximum: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


_ID = "letters, digits, `_` and `-`"

ZONES = Table(
    name="zones",
    description="The nodes of the model: load areas (distribution companies) and generation hubs.",
    key=("zone",),
    columns=(
        Column("zone", "id", f"Zone identifier ({_ID}); also a column of `demand.csv`."),
        Column("name", "text", "Readable name."),
        Column(
            "lat", "float", "Latitude of the zone's centre.", "degrees", minimum=-90, maximum=90
        ),
        Column(
            "lon", "float", "Longitude of the zone's centre.", "degrees", minimum=-180, maximum=180
        ),
        Column(
            "kind",
            "choice",
            "`load` for a load area, `hub` for a generation hub.",
            required=False,
            choices=("load", "hub"),
            default="load",
        ),
        Column("description", "text", "What the zone covers.", required=False),
    ),
)

PLANTS = Table(
    name="plants",
    description="Generating plants. Planned and retired plants stay in the file with their status.",
    key=("plant",),
    columns=(
        Column("plant", "id", f"Plant identifier ({_ID})."),
        Column("name", "text", "Readable name."),
        Column("zone", "ref", "Zone the plant feeds.", refers_to="zones.zone"),
        Column("fuel", "choice", "Fuel or technology.", choices=FUELS),
        Column("capacity_mw", "float", "Net installed capacity.", "MW", minimum=0),
        Column(
            "variable_cost_pkr_per_mwh",
            "float",
            "Short-run variable cost: fuel plus variable O&M, in the dataset currency.",
            "currency/MWh",
            minimum=0,
        ),
        Column(
            "must_run",
            "float",
            "Share of the available capacity that must run every hour (`true` = 1, "
            "`false` = 0): nuclear, run-of-river hydro, take-or-pay fuel.",
            "0..1",
            minimum=0,
            maximum=1,
        ),
        Column(
            "availability",
            "text",
            "Name of a profile in `availability.csv` giving the available share of "
            "capacity each hour; empty for 1.0.",
            required=True,
        ),
        Column("lat", "float", "Latitude.", "degrees", minimum=-90, maximum=90),
        Column("lon", "float", "Longitude.", "degrees", minimum=-180, maximum=180),
        Column("status", "choice", "Only `operating` plants are dispatched.", choices=STATUSES),
        Column("source", "text", "Source keys from `dataset.toml` for the plant's figures."),
        Column(
            "unit_mw",
            "float",
            "Size of the largest single unit, for the reserve rule; defaults to `capacity_mw`.",
            "MW",
            required=False,
            minimum=0,
        ),
        Column(
            "provides_reserve",
            "bool",
            "Whether the plant can hold reserve at all (see `start_minutes`).",
            required=False,
            default="true",
        ),
        Column(
            "start_minutes",
            "float",
            "Minutes from standstill to full output. A plant that starts within the "
            "reserve's `response_minutes` (`dataset.toml`) holds all its unused available "
            "capacity as reserve (quick start); a slower one holds only the spinning headroom "
            "of its running output. Empty: 0, a quick-start plant.",
            "min",
            required=False,
            minimum=0,
        ),
        Column(
            "min_stable_share",
            "float",
            "Lowest stable output while running, as a share of available capacity. A slow "
            "plant at output g holds at most g × (1 − share) / share of spinning reserve, so "
            "at standstill it holds none; required (above 0) for a slow plant that provides "
            "reserve.",
            "0..1",
            required=False,
            minimum=0,
            maximum=1,
        ),
        Column("notes", "text", "Free text.", required=False),
    ),
)

CORRIDORS = Table(
    name="corridors",
    description="Transfer limits between two zones: the sum of the lines between them, "
    "reduced for N-1 security where the source says so.",
    key=("corridor",),
    columns=(
        Column("corridor", "id", f"Corridor identifier ({_ID})."),
        Column("from_zone", "ref", "One end.", refers_to="zones.zone"),
        Column(
            "to_zone", "ref", "The other end; must differ from `from_zone`.", refers_to="zones.zone"
        ),
        Column(
            "capacity_mw",
            "float",
            "Limit of the flow from `from_zone` to `to_zone`.",
            "MW",
            minimum=0,
        ),
        Column(
            "reverse_capacity_mw",
            "float",
            "Limit of the flow from `to_zone` to `from_zone`; empty for the same as `capacity_mw`.",
            "MW",
            required=True,
            minimum=0,
        ),
        Column(
            "kind", "choice", "`ac` or `dc`.", required=False, choices=("ac", "dc"), default="ac"
        ),
        Column("source", "text", "Source keys.", required=False),
        Column("notes", "text", "Free text.", required=False),
    ),
)

DEMAND = Table(
    name="demand",
    description="Hourly demand per zone, MW, one column per zone. A zone without a column has "
    "no demand (a generation hub). Demand is what consumers would take if served, net of "
    "rooftop solar behind the meter.",
    key=("timestamp",),
    hourly=True,
    value_unit="MW",
    value_minimum=0,
    columns=(Column("timestamp", "text", "Start of the hour, ISO 8601 with UTC offset."),),
)

AVAILABILITY = Table(
    name="availability",
    description="Hourly availability profiles, one column per profile, as the available share "
    "of capacity (after forced and planned outages, water, wind or sun).",
    key=("timestamp",),
    hourly=True,
    value_unit="per unit",
    value_minimum=0,
    value_maximum=1,
    columns=(Column("timestamp", "text", "Start of the hour, ISO 8601 with UTC offset."),),
)

HYDRO_BUDGETS = Table(
    name="hydro_budgets",
    description="Optional: the energy each reservoir plant may release in a month. A plant "
    "listed here is dispatched within its budget; others run on their availability alone.",
    key=("plant", "month"),
    optional=True,
    columns=(
        Column("plant", "ref", "A hydro plant of `plants.csv`.", refers_to="plants.plant"),
        Column("month", "int", "Calendar month.", "1..12", minimum=1, maximum=12),
        Column(
            "energy_mwh",
            "float",
            "Most energy the plant may generate that month.",
            "MWh",
            minimum=0,
        ),
    ),
)

FUEL_LIMITS = Table(
    name="fuel_limits",
    description="Optional: the most electricity all operating plants of one fuel may "
    "generate in a calendar month, because the fuel itself is limited (LNG cargoes, furnace "
    "oil deliveries). A fuel without rows is unlimited.",
    key=("fuel", "month"),
    optional=True,
    columns=(
        Column("fuel", "choice", "The fuel of `plants.csv` the limit applies to.", choices=FUELS),
        Column("month", "int", "Calendar month.", "1..12", minimum=1, maximum=12),
        Column(
            "energy_mwh",
            "float",
            "Most electricity the fuel's plants may generate together that month.",
            "MWh",
            minimum=0,
        ),
        Column("source", "text", "Source keys from `dataset.toml`.", required=False),
        Column("notes", "text", "How the figure was derived.", required=False),
    ),
)

TABLES: tuple[Table, ...] = (
    ZONES,
    PLANTS,
    CORRIDORS,
    DEMAND,
    AVAILABILITY,
    HYDRO_BUDGETS,
    FUEL_LIMITS,
)


def table(name: str) -> Table:
    for candidate in TABLES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
