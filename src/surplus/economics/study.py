"""The programme's economics in one run: tariffs compared, profit and reserve by BTC price.

Shared by `surplus economics` and the assessment report, so both show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from surplus.dispatch import FlexibleLoad
from surplus.economics.assess import Assumptions, DispatchFn, DispatchOutput
from surplus.economics.compare import Comparison, compare_tariffs, default_tariffs
from surplus.economics.programme import Programme
from surplus.economics.sweeps import miner_profit_by_price, price_sweep, reserve_table
from surplus.economics.tariffs import Tariff
from surplus.grid.model import Dataset
from surplus.loads.bitcoin import BitcoinScenario


@dataclass(frozen=True, eq=False)
class EconomicsStudy:
    programme: Programme
    assumptions: Assumptions
    scenario: BitcoinScenario
    comparison: Comparison
    sweep: pd.DataFrame
    """Per tariff and BTC price: the miners' hours, profit, levy and the reserve's coins,
    from one set of books (`sweeps.price_sweep`)."""

    @property
    def miner_profit_by_price(self) -> pd.DataFrame:
        return miner_profit_by_price(self.sweep)

    @property
    def reserve_by_price(self) -> pd.DataFrame:
        return reserve_table(self.sweep)


def reuse_base(dispatch: DispatchFn, base: DispatchOutput) -> DispatchFn:
    """A dispatch that answers the run without new loads from an existing result."""

    def run(dataset: Dataset, loads: Sequence[FlexibleLoad]) -> DispatchOutput:
        return base if not loads else dispatch(dataset, loads)

    return run


def run_study(
    dataset: Dataset,
    programme: Programme,
    scenario: BitcoinScenario,
    dispatch: DispatchFn,
    assumptions: Assumptions | None = None,
    progress: Callable[[str], None] | None = None,
    tariffs: Sequence[Tariff] | None = None,
) -> EconomicsStudy:
    """Dispatch without and with the programme per tariff (the default three unless
    `tariffs` names others), then sweep the BTC price."""
    assumptions = assumptions or Assumptions()
    comparison = compare_tariffs(
        dataset,
        programme,
        default_tariffs(assumptions) if tariffs is None else tariffs,
        scenario,
        dispatch,
        assumptions,
        progress=progress,
    )
    rate = dataset.info.usd_exchange_rate
    sweep = pd.concat(
        [
            price_sweep(o, programme, scenario, rate, assumptions.reserve)
            for o in comparison.outcomes
        ],
        ignore_index=True,
    )
    return EconomicsStudy(programme, assumptions, scenario, comparison, sweep)
