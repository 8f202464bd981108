"""Several tariffs for the same programme, side by side, as one summary table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from surplus.economics.assess import (
    Assumptions,
    DispatchFn,
    TariffOutcome,
    assess_tariff,
)
from surplus.economics.catalogue import TARIFFS
from surplus.economics.programme import Programme
from surplus.economics.tariffs import DynamicTariff, FixedTariff, Tariff
from surplus.grid.model import Dataset
from surplus.loads.accounts import LoadEconomics
from surplus.loads.bitcoin import BitcoinScenario


def default_tariffs(assumptions: Assumptions | None = None) -> list[Tariff]:
    """The floated Rs 23/kWh (all-in), the industrial B3 energy charge, and the dynamic
    tariff with the same network cost and losses the subsidy test charges."""
    serving = (assumptions or Assumptions()).serving
    return [
        FixedTariff("proposed_fixed_23", TARIFFS.default("proposed_fixed_pkr_per_mwh")),
        FixedTariff("industrial_b3_27", TARIFFS.default("industrial_b3_pkr_per_mwh")),
        DynamicTariff(
            "dynamic",
            network_charge_pkr_per_mwh=serving.network_cost_pkr_per_mwh,
            loss_share=serving.loss_share,
        ),
    ]


@dataclass(frozen=True, eq=False)
class Comparison:
    dataset: str
    hours: int
    outcomes: tuple[TariffOutcome, ...]
    summary: pd.DataFrame


def compare_tariffs(
    dataset: Dataset,
    programme: Programme,
    tariffs: Sequence[Tariff],
    scenario: BitcoinScenario,
    dispatch: DispatchFn,
    assumptions: Assumptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Dispatch once without the programme, then once per tariff with it."""
    if progress:
        progress("dispatch without the programme")
    base = dispatch(dataset, ())
    outcomes = []
    for tariff in tariffs:
        if progress:
            progress(f"dispatch with the programme on tariff {tariff.name}")
        outcomes.append(
            assess_tariff(dataset, programme, tariff, scenario, base, dispatch, assumptions)
        )
    return Comparison(
        dataset=dataset.info.path or dataset.info.name,
        hours=len(dataset.snapshots),
        outcomes=tuple(outcomes),
        summary=summary_table(outcomes, len(dataset.snapshots)),
    )


def summary_row(outcome: TariffOutcome, hours: int) -> dict[str, Any]:
    """One tariff's headline figures; money in PKR bn, energy in GWh, scaled to nothing."""
    f, test, delta = outcome.finance, outcome.subsidy_price, outcome.subsidy_delta
    miners = [load for load in outcome.loads if load.kind == "miner"]
    return {
        "tariff": outcome.tariff,
        "energy_gwh": f.energy_sold_mwh / 1e3,
        "average_tariff_rs_per_kwh": f.revenue_pkr / f.energy_sold_mwh / 1e3
        if f.energy_sold_mwh
        else float("nan"),
        "passes_subsidy_test": test.passes,
        "failing_hours": test.failing_hours,
        "failing_gwh": test.failing_mwh / 1e3,
        "shortfall_bn_pkr": test.shortfall_pkr / 1e9,
        "min_flat_tariff_rs_per_kwh": test.min_flat_tariff_pkr_per_mwh / 1e3,
        "flat_tariff_p99_rs_per_kwh": test.flat_tariff_p99_pkr_per_mwh / 1e3,
        "average_cost_rs_per_kwh": test.average_cost_pkr_per_mwh / 1e3,
        "failing_months_delta": int(outcome.delta_by_month["fails"].sum()),
        "shortfall_delta_bn_pkr": float(outcome.delta_by_month["shortfall_pkr"].sum()) / 1e9,
        "average_cost_delta_rs_per_kwh": delta.average_cost_pkr_per_mwh / 1e3,
        "government_net_price_bn_pkr": f.contribution_price_pkr / 1e9,
        "government_net_delta_bn_pkr": f.contribution_delta_pkr / 1e9,
        "capacity_charge_change_rs_per_kwh_sold": -f.capacity_relief_pkr_per_mwh_sold / 1e3,
        "capacity_charge_change_rs_per_kwh_generated": (
            f.capacity_pkr_per_mwh_generated_after - f.capacity_pkr_per_mwh_generated_before
        )
        / 1e3,
        "miners_profit_bn_pkr": outcome.profit_pkr("miner") / 1e9,
        "miners_cash_profit_bn_pkr": sum(m.cash_profit_pkr for m in miners) / 1e9,
        "miners_levy_bn_pkr": sum(m.levy_pkr for m in miners) / 1e9,
        "miners_cash_breakeven_rs_per_kwh": _cash_breakeven(miners) / 1e3,
        "datacentres_profit_bn_pkr": outcome.profit_pkr("datacentre") / 1e9,
        "fx_net_musd": f.fx_net_usd / 1e6,
        "fx_profits_out_musd": f.fx_profits_usd / 1e6,
        "reserve_btc_per_year": outcome.reserve.btc_per_year,
        "hours": hours,
    }


def _cash_breakeven(loads: Sequence[LoadEconomics]) -> float:
    """The flat tariff at which the loads' cash profit (after the levy) is zero, over the
    energy they took: energy-weighted across fleets; NaN when none was served."""
    energy = sum(load.energy_mwh for load in loads)
    if energy <= 0:
        return float("nan")
    return sum(load.cash_profit_pkr + load.energy_cost_pkr for load in loads) / energy


def summary_table(outcomes: Sequence[TariffOutcome], hours: int) -> pd.DataFrame:
    return pd.DataFrame([summary_row(o, hours) for o in outcomes])


def loads_table(comparison: Comparison) -> pd.DataFrame:
    """Every load's accounts under every tariff (PKR bn, GWh)."""
    rows = []
    for outcome in comparison.outcomes:
        for load in outcome.loads:
            rows.append(
                {
                    "tariff": outcome.tariff,
                    "load": load.name,
                    "kind": load.kind,
                    "capacity_mw": load.capacity_mw,
                    "energy_gwh": load.energy_mwh / 1e3,
                    "curtailed_gwh": load.curtailed_mwh / 1e3,
                    "revenue_bn_pkr": load.revenue_pkr / 1e9,
                    "energy_cost_bn_pkr": load.energy_cost_pkr / 1e9,
                    "other_cost_bn_pkr": load.other_cost_pkr / 1e9,
                    "levy_bn_pkr": load.levy_pkr / 1e9,
                    "profit_bn_pkr": load.profit_pkr / 1e9,
                    "breakeven_rs_per_kwh": load.breakeven_tariff_pkr_per_mwh / 1e3,
                    "cash_breakeven_rs_per_kwh": load.cash_breakeven_tariff_pkr_per_mwh / 1e3,
                    "btc_mined": load.btc_mined,
                    "uptime_achieved": load.uptime_achieved,
                    "meets_uptime": load.meets_uptime,
                }
            )
    return pd.DataFrame(rows)


def parties_table(comparison: Comparison) -> pd.DataFrame:
    frames = [o.parties.assign(tariff=o.tariff) for o in comparison.outcomes]
    table = pd.concat(frames, ignore_index=True)
    return table[["tariff", "party", "gains_pkr", "pays_pkr", "net_pkr", "note"]]
