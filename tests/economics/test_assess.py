"""End to end on a one-zone system worked by hand: a cheap plant, a dear plant, 200 MW of
miners, and a flat Rs 23/kWh tariff."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from surplus.economics.assess import (
    Assumptions,
    TariffOutcome,
    assess_tariff,
    generation_marginal_cost,
)
from surplus.economics.programme import Programme, Site
from surplus.economics.public_finance import CapacityPayments
from surplus.economics.reserve import ReservePolicy
from surplus.economics.subsidy import ServingCost
from surplus.economics.tariffs import DynamicTariff, FixedTariff, Tariff
from surplus.loads import DataCentre, MinerFleet, constant_scenario
from tests.dispatch.systems import make_dataset
from tests.economics.tiny import merit_order_dispatch

ASSUME = Assumptions(
    serving=ServingCost(1_000.0, 0.0),
    capacity=CapacityPayments(1e9, 1e6, 0.8e6),
    reserve=ReservePolicy(0.1, 0.0),
    operators_foreign_share=1.0,
)


def system():  # type: ignore[no-untyped-def]
    return make_dataset(
        ["z"],
        [
            {
                "plant": "coal",
                "zone": "z",
                "capacity_mw": 500.0,
                "fuel": "coal_imported",
                "variable_cost_pkr_per_mwh": 10_000.0,
            },
            {
                "plant": "oil",
                "zone": "z",
                "capacity_mw": 600.0,
                "fuel": "oil",
                "variable_cost_pkr_per_mwh": 30_000.0,
            },
        ],
        {"z": [200.0, 450.0]},
    )


def miners_only() -> Programme:
    fleet = MinerFleet("miners", grid_mw=200.0)
    return Programme((Site("coal", "z", fleet, None),))


def flat_outcome(btc_price_usd: float, tariff: Tariff | None = None) -> TariffOutcome:
    """The miners on `tariff` (flat Rs 23/kWh by default), dispatched by the hand oracle."""
    dataset = system()
    return assess_tariff(
        dataset,
        miners_only(),
        tariff or FixedTariff("flat", 23_000.0),
        constant_scenario(dataset.snapshots, btc_price_usd),
        merit_order_dispatch(dataset),
        merit_order_dispatch,
        ASSUME,
    )


def test_flat_tariff_fails_in_the_hour_the_oil_plant_runs() -> None:
    outcome = flat_outcome(200_000.0)  # at this BTC price the miners want to run
    # Hour 0: coal at the margin, cost to serve 10,000 + 1,000 network → passes.
    # Hour 1: 150 MW of oil for the miners: price 30,000 + 1,000 → fails on 200 MWh.
    test = outcome.subsidy_price
    assert (test.failing_hours, test.failing_mwh) == (1, 200.0)
    assert test.shortfall_pkr == pytest.approx(200 * (31_000 - 23_000))
    assert test.min_flat_tariff_pkr_per_mwh == 31_000
    # Delta measure: hour 1 adds 50 MW coal + 150 MW oil = 5.0 M PKR for 200 MWh → 25,000.
    delta = outcome.subsidy_delta
    assert delta.failing_hours == 1
    assert delta.shortfall_pkr == pytest.approx(200 * (26_000 - 23_000))
    f = outcome.finance
    assert f.energy_sold_mwh == 400.0
    assert f.revenue_pkr == pytest.approx(400 * 23_000)
    assert f.generation_cost_price_pkr == pytest.approx(200 * 10_000 + 200 * 30_000)
    assert f.generation_cost_delta_pkr == pytest.approx(2e6 + 5e6)
    assert f.contribution_delta_pkr == pytest.approx(9.2e6 - 7e6 - 0.4e6)
    # Imported coal and oil both burn foreign exchange: 7 M PKR at 280.
    assert f.fx_fuel_usd == pytest.approx(7e6 / 280)
    # Capacity charge: 1,000 PKR per MWh generated before (1e9 over 1e6 MWh), 1,250 per MWh
    # sold (over 0.8e6 MWh); the contribution over 2 h, scaled to a year, comes off both.
    yearly = f.contribution_delta_pkr * 8760 / 2
    assert f.capacity_pkr_per_mwh_generated_after == pytest.approx((1e9 - yearly) / 1e6)
    assert f.capacity_pkr_per_mwh_sold_before == pytest.approx(1_250.0)
    assert f.capacity_pkr_per_mwh_sold_after == pytest.approx((1e9 - yearly) / 0.8e6)
    assert f.capacity_relief_pkr_per_mwh_sold == pytest.approx(yearly / 0.8e6)


def test_parties_balance() -> None:
    # The miners' profit is after the levy they hand to the reserve (it used to leave the
    # levy out, and this row subtracted it separately).
    outcome = flat_outcome(200_000.0)
    parties = outcome.parties.set_index("party")
    miners = outcome.loads[0]
    assert parties.loc["operators", "net_pkr"] == pytest.approx(miners.profit_pkr)
    assert miners.levy_pkr == pytest.approx(outcome.reserve.value_usd * 280)
    assert parties.loc["strategic bitcoin reserve", "gains_pkr"] == pytest.approx(miners.levy_pkr)
    assert parties.loc["government / CPPA", "net_pkr"] == pytest.approx(
        outcome.finance.contribution_delta_pkr
    )
    assert outcome.reserve.btc == pytest.approx(0.1 * miners.btc_mined)


def test_dynamic_tariff_passes_by_construction() -> None:
    tariff = DynamicTariff(
        "dyn",
        adder_pkr_per_mwh=500.0,
        floor_pkr_per_mwh=8_000.0,
        network_charge_pkr_per_mwh=1_000.0,
        loss_share=0.0,
    )
    outcome = flat_outcome(200_000.0, tariff)
    assert outcome.subsidy_price.passes
    assert outcome.hourly["tariff_pkr_per_mwh"].tolist() == [11_500.0, 31_500.0]


def test_unprofitable_miners_stay_off_a_flat_tariff() -> None:
    outcome = flat_outcome(10_000.0)  # hashprice far below the tariff
    assert outcome.finance.energy_sold_mwh == 0.0
    assert outcome.subsidy_price.passes


def test_data_centre_firm_and_flexible_parts_are_summed() -> None:
    dataset = make_dataset(
        ["z"],
        [
            {
                "plant": "coal",
                "zone": "z",
                "capacity_mw": 500.0,
                "variable_cost_pkr_per_mwh": 10_000.0,
            }
        ],
        {"z": [300.0, 450.0]},
    )
    centre = DataCentre("dc", it_mw=100.0, pue=1.0)
    programme = Programme((Site("coal", "z", None, centre),))
    scenario = constant_scenario(dataset.snapshots)
    outcome = assess_tariff(
        dataset,
        programme,
        FixedTariff("flat", 23_000.0),
        scenario,
        merit_order_dispatch(dataset),
        merit_order_dispatch,
        ASSUME,
    )
    dc = outcome.loads[0]
    # Hour 1 leaves 50 MW: the firm 75 MW is cut to 50 and the flexible 25 MW to nothing.
    assert dc.hourly["served_mw"].tolist() == [100.0, 50.0]
    assert dc.hours_outside_envelope == 1


def test_generation_marginal_cost_caps_a_bid_set_price() -> None:
    t = pd.date_range("2026-01-01", periods=2, freq="h", tz="UTC")
    price = pd.DataFrame({"z": [90_000.0, 12_000.0]}, t)
    gen = pd.DataFrame({"a": [100.0, 100.0], "b": [50.0, 0.0]}, t)
    cost = pd.Series({"a": 12_000.0, "b": 30_000.0})
    assert generation_marginal_cost(price, gen, cost)["z"].tolist() == [30_000.0, 12_000.0]


@pytest.mark.parametrize("price", [200_000.0, 10_000.0])
def test_the_real_dispatch_agrees_with_the_hand_oracle(price: float) -> None:
    from surplus.dispatch import dispatch

    dataset = system()
    scenario = constant_scenario(dataset.snapshots, price)
    results = [
        assess_tariff(
            dataset,
            miners_only(),
            FixedTariff("flat", 23_000.0),
            scenario,
            fn(dataset, ()),
            fn,
            ASSUME,
        )
        for fn in (merit_order_dispatch, dispatch)
    ]
    for oracle, real in zip(
        results[0].subsidy_price.hourly.to_numpy(),
        results[1].subsidy_price.hourly.to_numpy(),
        strict=True,
    ):
        assert oracle == pytest.approx(real, nan_ok=True)
    oracle_finance, real_finance = (dataclasses.asdict(r.finance) for r in results)
    assert oracle_finance == pytest.approx(real_finance, nan_ok=True)


def test_the_foreign_exchange_balance_counts_profits_sent_abroad() -> None:
    outcome = flat_outcome(200_000.0)
    f, miners = outcome.finance, outcome.loads[0]
    # A foreign operator keeps abroad what its cash profit leaves after the imported
    # equipment (already counted as spent).
    sent = miners.cash_profit_pkr / 280 - miners.capital_usd
    assert sent > 0
    assert f.fx_profits_usd == pytest.approx(sent)
    assert f.fx_net_usd == pytest.approx(f.fx_earned_usd - f.fx_fuel_usd - f.fx_capital_usd - sent)
    # Revenue = energy bill + running costs + levy + cash profit, so what the country keeps
    # is the bill, the running costs and the levy, less the imported fuel.
    running = miners.other_cost_pkr - miners.capital_charge_pkr
    kept = (miners.energy_cost_pkr + running + miners.levy_pkr) / 280
    assert f.fx_net_usd == pytest.approx(kept - f.fx_fuel_usd)
    home = dataclasses.replace(ASSUME, operators_foreign_share=0.0)
    dataset = system()
    domestic = assess_tariff(
        dataset,
        miners_only(),
        FixedTariff("flat", 23_000.0),
        constant_scenario(dataset.snapshots, 200_000.0),
        merit_order_dispatch(dataset),
        merit_order_dispatch,
        home,
    )
    assert domestic.finance.fx_profits_usd == 0.0
    assert domestic.finance.fx_net_usd == pytest.approx(f.fx_net_usd + sent)
