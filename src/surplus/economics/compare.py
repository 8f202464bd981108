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
from surplus.economics.tariffs import (
    CurtailedFixedTariff,
    DynamicTariff,
    FixedTariff,
    Tariff,
    TimeOfUseTariff,
)
from surplus.grid.model import Dataset
from surplus.loads.accounts import LoadEconomics
from surplus.loads.bitcoin import BitcoinScenario

TARIFF_LABELS = {
    "proposed_fixed_23": "Fixed Rs 23/kWh",
    "fixed_23_curtailed_on_price": "Rs 23/kWh, curtailed when dearer",
    "industrial_b3_27": "Industrial B3 (Rs 27/kWh)",
    "time_of_use": "Time of use",
    "dynamic": "Dynamic (cost + adder)",
}
"""The tariff rules in words, for tables and charts (the short names stay in files)."""


SUMMARY_LABELS = {
    "energy_gwh": "Energy sold, GWh",
    "average_tariff_rs_per_kwh": "Average tariff paid, Rs/kWh",
    "passes_subsidy_test": "Subsidy test (every served hour)",
    "failing_hours": "Failing hours",
    "failing_gwh": "Energy in failing hours, GWh",
    "shortfall_bn_pkr": "Shortfall in failing hours, Rs bn",
    "min_flat_tariff_rs_per_kwh": "Break-even flat tariff (dearest served hour), Rs/kWh",
    "flat_tariff_p99_rs_per_kwh": "Flat tariff passing 99% of served hours, Rs/kWh",
    "average_cost_rs_per_kwh": "Average cost to serve, Rs/kWh",
    "failing_months_delta": "Cross-check: months short on the system-cost change",
    "shortfall_delta_bn_pkr": "Cross-check: shortfall on the system-cost change, Rs bn",
    "average_cost_delta_rs_per_kwh": "Cross-check: system-cost change per kWh, Rs/kWh",
    "government_net_price_bn_pkr": "Government/CPPA net, Rs bn",
    "government_net_delta_bn_pkr": "Government/CPPA net (system-cost change), Rs bn",
    "capacity_charge_change_rs_per_kwh_sold": "Capacity charge change per kWh sold, Rs/kWh",
    "capacity_charge_change_rs_per_kwh_generated": (
        "Capacity charge change per kWh generated, Rs/kWh"
    ),
    "miners_profit_bn_pkr": "Miners' profit after capital, Rs bn",
    "miners_cash_profit_bn_pkr": "Miners' cash margin (before capital), Rs bn",
    "miners_levy_bn_pkr": "Miners' reserve levy, Rs bn",
    "miners_cash_breakeven_rs_per_kwh": "Miners' cash break-even tariff, Rs/kWh",
    "datacentres_profit_bn_pkr": "Data centres' profit, Rs bn",
    "fx_net_musd": "Foreign exchange, net, USD m",
    "fx_profits_out_musd": "Profits sent abroad, USD m",
    "reserve_btc_per_year": "Bitcoin reserve, BTC a year",
}
"""The summary's figures in words with units (files keep the short names)."""


def readable_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary table for people: one column per tariff rule, one row per figure, in words;
    the subsidy test as passes/fails, and numbers as text in one style per unit."""
    table = summary.set_index("tariff").drop(columns="hours")
    rows: dict[str, list[str]] = {}
    for key in table.columns:
        label = SUMMARY_LABELS.get(key, key.replace("_", " "))
        rows[label] = [_cell(key, value) for value in table[key]]
    frame = pd.DataFrame(rows, index=[tariff_label(t) for t in table.index]).T
    frame.index.name = "Figure"
    return frame


def _cell(key: str, value: Any) -> str:
    if isinstance(value, bool) or key == "passes_subsidy_test":
        return "passes" if bool(value) else "fails"
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if key in ("failing_hours", "failing_months_delta"):
        return f"{int(value):,}"
    if key.endswith("rs_per_kwh") or "rs_per_kwh" in key:
        return f"{value:,.2f}"
    if key.endswith("_gwh") or key.endswith("musd") or key.endswith("btc_per_year"):
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def tariff_label(name: str) -> str:
    return TARIFF_LABELS.get(name, name.replace("_", " "))


def default_tariffs(assumptions: Assumptions | None = None) -> list[Tariff]:
    """The floated Rs 23/kWh (all-in); the same rate curtailed whenever the hour's cost to
    serve exceeds it; the industrial B3 energy charge; the time-of-use tariff; and the
    dynamic tariff with the same network cost and losses the subsidy test charges."""
    serving = (assumptions or Assumptions()).serving
    fixed = TARIFFS.default("proposed_fixed_pkr_per_mwh")
    return [
        FixedTariff("proposed_fixed_23", fixed),
        CurtailedFixedTariff(
            "fixed_23_curtailed_on_price",
            fixed,
            serving_network_pkr_per_mwh=serving.network_cost_pkr_per_mwh,
            serving_loss_share=serving.loss_share,
        ),
        FixedTariff("industrial_b3_27", TARIFFS.default("industrial_b3_pkr_per_mwh")),
        TimeOfUseTariff("time_of_use"),
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
