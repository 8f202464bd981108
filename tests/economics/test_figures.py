"""Figure builders and the BTC price sweeps behind them, on the hand-worked system."""

from __future__ import annotations

import pytest

from surplus.economics.assess import TariffOutcome
from surplus.economics.figures import cost_vs_tariff_figure, miner_profit_figure
from surplus.economics.sweeps import miner_profit_by_price, price_sweep
from surplus.loads import BitcoinScenario, constant_scenario
from tests.economics.test_assess import ASSUME, flat_outcome, miners_only, system


def outcome() -> tuple[TariffOutcome, BitcoinScenario]:
    return flat_outcome(200_000.0), constant_scenario(system().snapshots, 200_000.0)


def test_cost_vs_tariff_marks_the_failing_hour() -> None:
    result, _ = outcome()
    figure = cost_vs_tariff_figure(result)
    assert [trace.name for trace in figure.data][:2] == ["cost to serve", "tariff: flat"]
    assert len(figure.data[2].x) == result.subsidy_price.failing_hours == 1
    assert list(figure.data[0].y) == [11.0, 31.0]


def test_profit_rises_with_the_btc_price() -> None:
    result, scenario = outcome()
    sweep = price_sweep(result, miners_only(), scenario, 280.0, ASSUME.reserve)
    profit = miner_profit_by_price(sweep)
    assert profit["miners_profit_pkr"].is_monotonic_increasing
    gap = profit["miners_cash_profit_pkr"] - profit["miners_profit_pkr"]
    assert gap.iloc[0] == pytest.approx(result.loads[0].capital_charge_pkr)
    figure = miner_profit_figure(profit)
    assert len(figure.data) == 2
