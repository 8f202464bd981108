"""The keys a sensitivity may set, declared once: what each accepts and what it changes.

Each `Key` is one declarative entry: its pattern (`corridor.<corridor>`), the values it
accepts (a reader from `values`), the names its placeholder may take, and a pure function
that returns the changed dataset with one sentence saying what changed, with before and
after figures. Adding a key is adding an entry to `KEYS`; validation, the CLI's error
messages and `docs/sensitivities.md` follow from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from surplus.grid.budgets import monthly_hydro_budgets_mwh
from surplus.grid.model import Dataset
from surplus.sensitivity import load_shedding, rules
from surplus.sensitivity.values import (
    Hours,
    Megawatts,
    Share,
    Value,
    Word,
    describe_share,
    parse_energy,
    parse_hours,
    parse_megawatts,
    parse_minutes,
    parse_share,
)

Apply = Callable[[Dataset, tuple[str, ...], Value], tuple[Dataset, str]]


@dataclass(frozen=True)
class Key:
    pattern: str
    """Dotted key; `<noun>` stands for one name of that kind, or `*` for all of them."""
    accepts: str
    """The values allowed, as the error message and the docs state them."""
    meaning: str
    read: Callable[[str], Value | None]
    apply: Apply
    names: Callable[[Dataset], Sequence[str]] | None = None
    """The names `<noun>` may take in a dataset (None for a key without a placeholder)."""
    check: Callable[[Dataset], None] | None = None
    """For a key that applies only to some datasets: raises a clear `InputError` otherwise."""
    fits: Callable[[Dataset, tuple[str, ...], Value], str | None] | None = None
    """For a value that suits only some names: what is expected when it does not (None when
    it fits)."""

    @property
    def noun(self) -> str:
        start, end = self.pattern.find("<"), self.pattern.find(">")
        return self.pattern[start + 1 : end] if start >= 0 else ""

    def match(self, key: str) -> str | None:
        """The name in `key` where this pattern has its placeholder ('' when it has none);
        None when `key` is not of this pattern."""
        if not self.noun:
            return "" if key == self.pattern else None
        prefix, suffix = self.pattern.split(f"<{self.noun}>")
        if not (key.startswith(prefix) and key.endswith(suffix)):
            return None
        name = key[len(prefix) : len(key) - len(suffix)]
        return name if name and "." not in name else None


# --- readers -------------------------------------------------------------------------------

SHARE = "P% of the base (70%) or a change (+15%, -10%)"


def read_share(text: str) -> Value | None:
    share = parse_share(text)
    return share if share is not None and share.factor >= 0 else None


def read_share_or_mw(text: str) -> Value | None:
    return read_share(text) or parse_megawatts(text)


def read_derating(text: str) -> Value | None:
    if text.strip().lower() == "out":
        return Word("out")
    share = read_share(text)
    if isinstance(share, Share):
        return share if share.factor <= 1 else None
    return parse_megawatts(text)


def read_fuel_limit(text: str) -> Value | None:
    if text.strip().lower() in ("off", "none"):
        return Word("off")
    return read_share(text) or parse_energy(text)


def read_on_off(text: str) -> Value | None:
    word = text.strip().lower()
    if word in ("on", "true", "yes"):
        return Word("on")
    if word in ("off", "false", "no"):
        return Word("off")
    return None


def read_switch(text: str) -> Value | None:
    word = text.strip().lower()
    if word in ("on", "true", "yes"):
        return Hours(load_shedding.PUBLISHED_HOURS_PER_DAY)
    if word in ("off", "false", "no"):
        return Word("off")
    return parse_hours(text)


# --- names ---------------------------------------------------------------------------------


def corridor_names(dataset: Dataset) -> Sequence[str]:
    return [str(name) for name in dataset.corridors.index]


def zone_names(dataset: Dataset) -> Sequence[str]:
    return [str(name) for name in dataset.zones.index]


def operating_names(dataset: Dataset) -> Sequence[str]:
    return [str(name) for name in dataset.operating_plants.index]


def hydro_names(dataset: Dataset) -> Sequence[str]:
    plants = dataset.operating_plants
    return [str(name) for name in plants.index[plants["fuel"] == "hydro"]]


# --- changes -------------------------------------------------------------------------------


def _text_mw(value: float) -> str:
    return f"{value:,.0f} MW"


def _gwh(value_mwh: float) -> str:
    return f"{value_mwh / 1000:,.0f} GWh"


def _which(targets: tuple[str, ...], everything: Sequence[str], noun: str) -> str:
    if len(targets) == len(everything) and len(targets) > 1:
        return f"all {len(targets)} {noun}s"
    return ", ".join(targets)


def corridor_limits(direction: str) -> Apply:
    columns = {"both": ("capacity_mw", "reverse_capacity_mw"), "forward": ("capacity_mw",),
               "reverse": ("reverse_capacity_mw",)}[direction]  # fmt: skip

    def apply(dataset: Dataset, targets: tuple[str, ...], value: Value) -> tuple[Dataset, str]:
        table = dataset.corridors.copy()
        parts = []
        for column in columns:
            before = table.loc[list(targets), column].astype(float)
            after = before * value.factor if isinstance(value, Share) else before * 0 + _mw(value)
            table.loc[list(targets), column] = after.to_numpy()
            label = "forward" if column == "capacity_mw" else "reverse"
            parts.append(f"{label} {_text_mw(before.sum())} → {_text_mw(after.sum())}")
        what = _which(targets, corridor_names(dataset), "corridor")
        how = describe_share(value) if isinstance(value, Share) else _text_mw(_mw(value))
        sentence = f"corridor limit of {what} set to {how}: {', '.join(parts)}"
        return replace(dataset, corridors=table), sentence

    return apply


def _mw(value: Value) -> float:
    assert isinstance(value, Megawatts)
    return value.mw


def scale_demand(dataset: Dataset, targets: tuple[str, ...], value: Value) -> tuple[Dataset, str]:
    assert isinstance(value, Share)
    zones = list(targets) or list(dataset.demand_mw.columns)
    demand = dataset.demand_mw.copy()
    before = demand[zones].sum(axis=1)
    demand[zones] = demand[zones] * value.factor
    after = demand[zones].sum(axis=1)
    where = "every zone" if not targets else _which(targets, zone_names(dataset), "zone")
    sentence = (
        f"demand in {where} {describe_share(value)}: {_gwh(before.sum())} → "
        f"{_gwh(after.sum())} a year, peak {_text_mw(before.max())} → {_text_mw(after.max())}"
    )
    return replace(dataset, demand_mw=demand), sentence


def _with_availability(
    dataset: Dataset,
    plants: Sequence[str],
    transform: Callable[[str, np.ndarray], np.ndarray],
    tag: str,
) -> Dataset:
    """The dataset with each of `plants` on a profile of its own: its profile transformed
    (`transform(plant, profile)`). Profiles are shared between plants, so the change never
    reaches a plant not named."""
    table = dataset.plants.copy()
    profiles = dataset.availability
    ones = np.ones(len(profiles))
    added: dict[str, np.ndarray] = {}
    for plant in plants:
        source = str(table.at[plant, "availability"] or "")
        if source in added:  # named twice: transformed again
            base = added[source]
        else:
            base = profiles[source].to_numpy(dtype=float) if source else ones
        column = f"{source or 'always'}:{tag}:{plant}"
        added[column] = np.clip(transform(plant, base), 0.0, 1.0)
        table.at[plant, "availability"] = column
    kept = profiles.drop(columns=[c for c in added if c in profiles.columns])
    new = pd.DataFrame(added, index=profiles.index)
    return replace(dataset, plants=table, availability=pd.concat([kept, new], axis=1))


def _available_mwh(dataset: Dataset, plants: Sequence[str]) -> float:
    """The energy the named operating plants could make over the dataset's hours."""
    table = dataset.operating_plants.loc[list(plants)]
    hours = float(len(dataset.snapshots))
    energy = [
        float(dataset.availability[profile].sum()) if profile else hours
        for profile in table["availability"]
    ]
    return float(np.dot(energy, table["capacity_mw"].to_numpy(float)))


def scale_hydro(dataset: Dataset, targets: tuple[str, ...], value: Value) -> tuple[Dataset, str]:
    """Reservoir plants: monthly budgets × factor. Other hydro: availability × factor (at most
    the plant's capacity): a dry or wet year on the rivers."""
    assert isinstance(value, Share)
    plants = list(targets) or list(hydro_names(dataset))
    budgets = dataset.hydro_budgets.copy()
    reservoir = [p for p in plants if p in set(budgets["plant"])]
    river = [p for p in plants if p not in reservoir]
    parts = []
    if reservoir:
        before = monthly_hydro_budgets_mwh(dataset, pro_rated=False)[reservoir]
        rows = budgets["plant"].isin(reservoir)
        budgets.loc[rows, "energy_mwh"] = budgets.loc[rows, "energy_mwh"] * value.factor
        parts.append(
            f"reservoir budgets {_gwh(before.to_numpy().sum())} → "
            f"{_gwh(before.to_numpy().sum() * value.factor)}"
        )
    changed = replace(dataset, hydro_budgets=budgets)
    if river:
        before_mwh = _available_mwh(changed, river)
        changed = _with_availability(changed, river, lambda _p, a: a * value.factor, "hydro")
        parts.append(
            f"other hydro energy available {_gwh(before_mwh)} → "
            f"{_gwh(_available_mwh(changed, river))}"
        )
    where = "all hydro" if not targets else "hydro " + ", ".join(targets)
    return changed, f"{where} at {describe_share(value)}: {'; '.join(parts)}"


def scale_weather(fuel: str) -> Apply:
    """Every `fuel` plant's availability × factor, at most its capacity: a windier or calmer,
    sunnier or duller year."""

    def apply(dataset: Dataset, _targets: tuple[str, ...], value: Value) -> tuple[Dataset, str]:
        assert isinstance(value, Share)
        plants = [
            str(p) for p in dataset.operating_plants.index[dataset.operating_plants["fuel"] == fuel]
        ]
        if not plants:
            return dataset, f"{fuel} at {describe_share(value)}: the dataset has no {fuel} plant"
        before = _available_mwh(dataset, plants)
        changed = _with_availability(dataset, plants, lambda _p, a: a * value.factor, fuel)
        after = _available_mwh(changed, plants)
        return changed, (
            f"{fuel} at {describe_share(value)}: energy available {_gwh(before)} → {_gwh(after)}"
        )

    return apply


def fuel_names(dataset: Dataset) -> Sequence[str]:
    return sorted({str(fuel) for fuel in dataset.operating_plants["fuel"]})


def scale_fuel_price(
    dataset: Dataset, targets: tuple[str, ...], value: Value
) -> tuple[Dataset, str]:
    """The variable cost (fuel and O&M) of every plant burning the fuel × factor."""
    assert isinstance(value, Share)
    (fuel,) = targets
    table = dataset.plants.copy()
    rows = table["fuel"] == fuel
    column = "variable_cost_pkr_per_mwh"
    before = table.loc[rows, column].astype(float)
    table.loc[rows, column] = before * value.factor
    mean = float(before.mean()) if len(before) else 0.0
    return replace(dataset, plants=table), (
        f"{fuel} variable cost at {describe_share(value)}: mean {mean:,.0f} → "
        f"{mean * value.factor:,.0f} {dataset.info.currency}/MWh over {int(rows.sum())} plants"
    )


def _derating(value: Value, capacity_mw: float) -> Callable[[np.ndarray], np.ndarray]:
    """Availability profile → derated profile, for one plant."""
    if isinstance(value, Word):
        return np.zeros_like
    if isinstance(value, Share):
        factor = value.factor
        return lambda profile: profile * factor
    cap = _mw(value) / capacity_mw if capacity_mw > 0 else 0.0
    return lambda profile: np.minimum(profile, cap)


def derate_plant(dataset: Dataset, targets: tuple[str, ...], value: Value) -> tuple[Dataset, str]:
    """Out (available 0 every hour), a share of its availability, or at most some MW."""
    plants = list(targets)
    capacity = dataset.plants.loc[plants, "capacity_mw"].astype(float)
    before = _available_mwh(dataset, plants)
    changed = _with_availability(
        dataset,
        plants,
        lambda plant, profile: _derating(value, float(capacity[plant]))(profile),
        "derated",
    )
    if isinstance(value, Word):
        how = "out all year"
    elif isinstance(value, Share):
        how = f"at {describe_share(value)}"
    else:
        how = f"at most {_text_mw(_mw(value))}"
    names = _which(tuple(plants), operating_names(dataset), "plant")
    sentence = (
        f"plant {names} ({_text_mw(capacity.sum())}) {how}: energy available "
        f"{_gwh(before)} → {_gwh(_available_mwh(changed, plants))}"
    )
    return changed, sentence


def add_load_shedding(
    dataset: Dataset, _targets: tuple[str, ...], value: Value
) -> tuple[Dataset, str]:
    if isinstance(value, Word):
        return dataset, "load-shedding: none added (the demand as in the dataset)"
    assert isinstance(value, Hours)
    extra = load_shedding.suppressed_demand_mw(dataset, value.hours_per_day)
    demand = dataset.demand_mw + extra
    by_zone = extra.sum()
    zones = ", ".join(f"{z} +{v / 1000:,.0f}" for z, v in by_zone.items() if v > 0)
    sentence = (
        f"suppressed demand added (feeders shed {value.hours_per_day:g} h a day, NA-FEEDERS): "
        f"{_gwh(dataset.demand_mw.to_numpy().sum())} → {_gwh(demand.to_numpy().sum())} a "
        f"year ({zones} GWh), peak {_text_mw(dataset.demand_mw.sum(axis=1).max())} → "
        f"{_text_mw(demand.sum(axis=1).max())}"
    )
    return replace(dataset, demand_mw=demand), sentence


KEYS: tuple[Key, ...] = (
    Key("corridor.<corridor>", f"{SHARE}, or MW (800)",
        "Both directions' limits of a corridor: each scaled, or each set to the MW given.",
        read_share_or_mw, corridor_limits("both"), corridor_names),
    Key("corridor.<corridor>.forward", f"{SHARE}, or MW (800)",
        "The limit from `from_zone` to `to_zone` only.",
        read_share_or_mw, corridor_limits("forward"), corridor_names),
    Key("corridor.<corridor>.reverse", f"{SHARE}, or MW (800)",
        "The limit from `to_zone` back to `from_zone` only.",
        read_share_or_mw, corridor_limits("reverse"), corridor_names),
    Key("demand", SHARE, "Demand of every zone, every hour.", read_share, scale_demand),
    Key("demand.<zone>", SHARE, "Demand of one zone, every hour.",
        read_share, scale_demand, zone_names),
    Key("hydro", SHARE,
        "A dry or wet year: every reservoir's monthly budget and every other hydro plant's "
        "availability (at most its capacity).", read_share, scale_hydro),
    Key("hydro.<plant>", SHARE, "One hydro plant's budget, or its availability if it has none.",
        read_share, scale_hydro, hydro_names),
    Key("wind", SHARE,
        "A windier or calmer year: every wind plant's availability (at most its capacity).",
        read_share, scale_weather("wind")),
    Key("solar", SHARE,
        "A sunnier or duller year: every solar plant's availability (at most its capacity).",
        read_share, scale_weather("solar")),
    Key("fuel_price.<fuel>", SHARE,
        "A fuel's price: the variable cost (fuel and O&M) of every plant of that fuel.",
        read_share, scale_fuel_price, fuel_names),
    Key("plant.<plant>", "out, P% of its availability (≤ 100%), or at most MW (500)",
        "An outage or derating of an operating plant, every hour of the year.",
        read_derating, derate_plant, operating_names),
    Key("fuel_limit.<fuel>",
        f"{SHARE} of its monthly limits, an energy every month (1500GWh), or off",
        "The most electricity a fuel's plants may make each month: the dataset's limits "
        "scaled, one limit for every month, or none.",
        read_fuel_limit, rules.change_fuel_limit, rules.burnt_fuels,
        fits=rules.fuel_limit_fits),
    Key("reserve", SHARE,
        "Every reserve region's requirement, every hour (each of its floors scaled).",
        read_share, rules.change_reserve),
    Key("reserve.response_minutes", "minutes (30)",
        "How fast reserve must respond: plants starting within it count all their unused "
        "capacity, slower ones only their spinning headroom.",
        parse_minutes, rules.change_response),
    Key("reserve.regions", "off (one system-wide pool) or on",
        "Off: one system-wide requirement under the dataset's top-level floors, deliverable "
        "from any zone, instead of each region's own.",
        read_on_off, rules.change_regions),
    Key("reserve.<region>", f"{SHARE}, or MW every hour (1500)",
        "One reserve region's requirement (`system` when none is declared): scaled, or set.",
        read_share_or_mw, rules.change_reserve, rules.reserve_region_names),
    Key("load_shedding", "on (10 h a day, the published threshold), off, or hours a day (14)",
        "Add the demand that feeder load-shedding suppresses, from the published per-DISCO "
        "feeder counts (Pakistan zones only).", read_switch, add_load_shedding,
        check=load_shedding.checks_dataset),
)  # fmt: skip
"""Every key a sensitivity may set."""


def key_patterns() -> list[str]:
    return [key.pattern for key in KEYS]


def frame() -> pd.DataFrame:
    """The keys as a table (for docs and `--help`)."""
    return pd.DataFrame(
        [(k.pattern, k.accepts, k.meaning) for k in KEYS], columns=["key", "accepts", "meaning"]
    )
