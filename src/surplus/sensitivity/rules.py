"""Changes to the dataset's rules rather than its hourly tables: the monthly fuel limits and
the reserve rule (each region's requirement, how fast reserve must respond, regional or one
system-wide pool). Each is a pure function dataset → (changed dataset, one sentence with the
figures before and after), used by the entries of `keys.KEYS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from surplus.errors import InputError, Problem
from surplus.grid.model import Dataset, ReserveRegion, ReserveRule
from surplus.sensitivity.values import (
    Energy,
    Megawatts,
    Minutes,
    Share,
    Value,
    Word,
    describe_share,
)

MONTHS = range(1, 13)


# --- fuel limits -----------------------------------------------------------------------------


def burnt_fuels(dataset: Dataset) -> Sequence[str]:
    """Fuels some operating plant burns: the names `fuel_limit.<fuel>` may take."""
    return sorted({str(fuel) for fuel in dataset.operating_plants["fuel"]})


def limited_fuels(dataset: Dataset) -> list[str]:
    """Fuels with a limit in the dataset (rows of `fuel_limits`)."""
    limits = dataset.fuel_limits
    return sorted({str(fuel) for fuel in limits["fuel"]}) if len(limits) else []


def fuel_limit_fits(dataset: Dataset, targets: tuple[str, ...], value: Value) -> str | None:
    """A share scales an existing limit, so at least one fuel named must have one."""
    if isinstance(value, Share) and not set(targets) & set(limited_fuels(dataset)):
        limited = ", ".join(limited_fuels(dataset)) or "none in this dataset"
        return (
            f"a fuel with a limit to scale ({limited}); for another fuel a monthly energy "
            "(1500GWh) or off"
        )
    return None


def _gwh(mwh: float) -> str:
    """GWh with three significant figures below 100, whole GWh above.

    >>> _gwh(18_600.0), _gwh(1_500_000.0)
    ('18.6', '1,500')
    """
    gwh = mwh / 1000
    return f"{gwh:,.0f}" if abs(gwh) >= 100 else f"{gwh:.3g}"


def _limit_text(limits: pd.DataFrame, fuels: Sequence[str]) -> str:
    """The fuels' limits over the year, GWh; "unlimited" when none of them has one."""
    if not len(limits):
        return "unlimited"
    rows = limits["fuel"].astype(str).isin(list(fuels))
    if not rows.any():
        return "unlimited"
    return f"{float(limits.loc[rows, 'energy_mwh'].astype(float).sum()) / 1000:,.0f} GWh a year"


def change_fuel_limit(
    dataset: Dataset, targets: tuple[str, ...], value: Value
) -> tuple[Dataset, str]:
    """A share of the base scales each month's limit of the fuels named that have one; an
    energy sets the same limit for every month; `off` removes the limit."""
    limits = dataset.fuel_limits.copy()
    names = limits["fuel"].astype(str) if len(limits) else pd.Series([], dtype=str)
    if isinstance(value, Share):
        fuels = [f for f in targets if f in set(names)]
        before = _limit_text(limits, fuels)
        rows = names.isin(fuels)
        limits.loc[rows, "energy_mwh"] = limits.loc[rows, "energy_mwh"].astype(float) * value.factor
        how = f"at {describe_share(value)}"
    else:
        # `off` names only the fuels it frees (`*` reaches every fuel burnt, most unlimited).
        held = [f for f in targets if f in set(names)]
        fuels = held if isinstance(value, Word) and held else list(targets)
        before = _limit_text(limits, fuels)
        limits = limits[~names.isin(fuels)] if len(limits) else limits
        if isinstance(value, Energy):
            new = pd.DataFrame(
                [(fuel, month, value.mwh) for fuel in fuels for month in MONTHS],
                columns=["fuel", "month", "energy_mwh"],
            )
            limits = pd.concat([limits, new], ignore_index=True) if len(limits) else new
            how = f"set to {_gwh(value.mwh)} GWh a month"
        else:
            how = "removed"
    after = _limit_text(limits, fuels)
    sentence = f"fuel limit of {', '.join(fuels)} {how}: {before} → {after}"
    return replace(dataset, fuel_limits=limits.reset_index(drop=True)), sentence


# --- the reserve rule ------------------------------------------------------------------------


def reserve_region_names(dataset: Dataset) -> Sequence[str]:
    """The regions that hold a requirement: those declared, or `system` when none are."""
    regions = dataset.info.reserve.regions
    return [region.name for region in regions] if regions else ["system"]


def _with_rule(dataset: Dataset, rule: ReserveRule) -> Dataset:
    return replace(dataset, info=replace(dataset.info, reserve=rule))


def _range_mw(dataset: Dataset, regions: Sequence[str] | None = None) -> str:
    """The requirement's lowest and highest hour, MW, of the regions named (all together)."""
    table = dataset.reserve_requirement_mw()
    columns = list(regions) if regions is not None else list(table.columns)
    low, high = float(table[columns].sum(axis=1).min()), float(table[columns].sum(axis=1).max())
    return f"{low:,.0f} MW" if round(low) == round(high) else f"{low:,.0f}–{high:,.0f} MW"


def _scaled(region: ReserveRegion, value: Value, largest_mw: float) -> ReserveRegion:
    """The region's requirement × a share (every floor scaled: the largest of them scales
    with them), or exactly the MW given every hour."""
    if isinstance(value, Megawatts):
        return replace(region, largest_unit=False, share_of_demand=0.0, min_mw=value.mw)
    assert isinstance(value, Share)
    floor_mw = max(region.min_mw, largest_mw if region.largest_unit else 0.0)
    return replace(
        region,
        largest_unit=False,
        share_of_demand=region.share_of_demand * value.factor,
        min_mw=floor_mw * value.factor,
    )


def _how(value: Value) -> str:
    if isinstance(value, Megawatts):
        return f"set to {value.mw:,.0f} MW every hour"
    assert isinstance(value, Share)
    return f"at {describe_share(value)}"


def change_reserve(dataset: Dataset, targets: tuple[str, ...], value: Value) -> tuple[Dataset, str]:
    """The requirement of the regions named (every region for `reserve`), scaled or set."""
    rule = dataset.info.reserve
    names = list(targets) or list(reserve_region_names(dataset))
    if not set(names) <= set(reserve_region_names(dataset)):
        raise _missing(names, dataset)
    before = _range_mw(dataset, names)
    if not rule.regions:
        system = ReserveRegion("system", (), rule.largest_unit, rule.share_of_demand, rule.min_mw)
        new = _scaled(system, value, dataset.largest_unit_mw())
        changed = _with_rule(
            dataset,
            replace(
                rule,
                largest_unit=new.largest_unit,
                share_of_demand=new.share_of_demand,
                min_mw=new.min_mw,
            ),
        )
    else:
        regions = tuple(
            _scaled(region, value, dataset.largest_unit_mw(region.zones))
            if region.name in names
            else region
            for region in rule.regions
        )
        changed = _with_rule(dataset, replace(rule, regions=regions))
    where = "every region" if not targets else "region " + ", ".join(names)
    sentence = (
        f"reserve requirement of {where} {_how(value)}: {before} → {_range_mw(changed, names)} "
        "an hour"
    )
    return changed, sentence


def _missing(names: Sequence[str], dataset: Dataset) -> InputError:
    """A region named that an earlier setting (`reserve.regions=off`) removed."""
    held = ", ".join(reserve_region_names(dataset))
    return InputError(
        Problem(
            "--set reserve", None, None, f"a reserve region of the changed dataset ({held})",
            ", ".join(names),
        )
    )  # fmt: skip


def _quick_mw(dataset: Dataset) -> float:
    kinds = dataset.plant_reserve()["kind"]
    capacity = dataset.operating_plants["capacity_mw"].astype(float)
    return float(capacity[kinds == "quick"].sum())


def change_response(
    dataset: Dataset, _targets: tuple[str, ...], value: Value
) -> tuple[Dataset, str]:
    """How fast reserve must respond: plants that start within it count all their unused
    capacity, slower ones only their spinning headroom."""
    assert isinstance(value, Minutes)
    rule = dataset.info.reserve
    changed = _with_rule(dataset, replace(rule, response_minutes=value.minutes))
    sentence = (
        f"reserve must respond within {rule.response_minutes:g} → {value.minutes:g} minutes: "
        f"quick-start capacity {_quick_mw(dataset):,.0f} MW → {_quick_mw(changed):,.0f} MW"
    )
    return changed, sentence


def change_regions(
    dataset: Dataset, _targets: tuple[str, ...], value: Value
) -> tuple[Dataset, str]:
    """`off`: one system-wide requirement under the dataset's top-level floors, deliverable
    from any zone (corridors no longer limit it); `on`: the regions as declared."""
    assert isinstance(value, Word)
    rule = dataset.info.reserve
    if value.word == "on" or not rule.regions:
        state = "regional" if rule.regions else "system-wide (the dataset declares no regions)"
        return dataset, f"reserve rule unchanged: {state}"
    before = _range_mw(dataset)
    regions = [region.name for region in rule.regions]
    changed = _with_rule(dataset, replace(rule, regions=()))
    floors = []
    if rule.largest_unit:
        floors.append(f"the largest unit ({dataset.largest_unit_mw():,.0f} MW)")
    if rule.share_of_demand:
        floors.append(f"{rule.share_of_demand:.1%} of demand")
    if rule.min_mw:
        floors.append(f"{rule.min_mw:,.0f} MW")
    sentence = (
        f"reserve held system-wide instead of in regions {', '.join(regions)} (the largest of "
        f"{', '.join(floors) or 'nothing'}, deliverable from any zone): requirement "
        f"{before} → {_range_mw(changed)} an hour"
    )
    return changed, sentence
