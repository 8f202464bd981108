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
from surplus.economics.sweeps import miner_profit_by_price, reserve_table
from surplus.grid.model import Dataset
from surplus.loads.bitcoin import BitcoinScenario


@dataclass(frozen=True, eq=False)
class EconomicsStudy:
    programme: Programme
    assumptions: Assumptions
    scenario: BitcoinScenario
    comparison: Comparison
    miner_profit_by_price: pd.DataFrame
    reserve_by_price: pd.DataFrame


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
) -> EconomicsStudy:
    """Dispatch without and with the programme per tariff, then sweep the BTC price."""
    assumptions = assumptions or Assumptions()
    comparison = compare_tariffs(
        dataset,
        programme,
        default_tariffs(assumptions),
        scenario,
        dispatch,
        assumptions,
        progress=progress,
    )
    rate = dataset.info.usd_exchange_rate
    profit = pd.concat(
        [miner_profit_by_price(o, programme, scenario, rate) for o in comparison.outcomes],
        ignore_index=True,
    )
    reserve = pd.concat(
        [reserve_table(o, assumptions.reserve) for o in comparison.outcomes], ignore_index=True
    )
    return EconomicsStudy(programme, assumptions, scenario, comparison, profit, reserve)
