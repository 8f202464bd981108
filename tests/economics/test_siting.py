"""The siting table's price is the price with the site's load added, worked by hand."""

from __future__ import annotations

import pytest

from surplus.dispatch import dispatch
from surplus.economics.siting import prices_with_load, with_load_prices
from surplus.headroom.sites import Site, rank_sites
from surplus.headroom.table import ranking_frame
from tests.dispatch.systems import make_dataset


def test_a_load_that_brings_the_dear_plant_on_pays_its_price() -> None:
    # One zone: 400 MW of demand met by a 500 MW plant at Rs 10/kWh; a 500 MW plant at
    # Rs 30/kWh is idle. 600 MW are spare every hour, so the headroom is 600 MW. Before the
    # load the price is Rs 10/kWh; with 600 MW more, the cheap plant is full and the dear one
    # makes 500 MW: its Rs 30/kWh is the price the new load meets.
    dataset = make_dataset(
        ["z"],
        [
            {"plant": "cheap", "zone": "z", "capacity_mw": 500.0,
             "variable_cost_pkr_per_mwh": 10_000.0},
            {"plant": "dear", "zone": "z", "capacity_mw": 500.0,
             "variable_cost_pkr_per_mwh": 30_000.0},
        ],
        {"z": [400.0] * 4},
    )  # fmt: skip
    base = dispatch(dataset)
    ranks = rank_sites(base, [Site("z", "z", "zone")], budget=0.0)
    assert ranks[0].headroom_mw == pytest.approx(600.0)
    assert ranks[0].price_pkr_per_mwh == pytest.approx(10_000.0)
    calls = []

    def run(data, flexible_loads=()):  # type: ignore[no-untyped-def]
        calls.append([(f.zone, f.load_mw) for f in flexible_loads])
        return dispatch(data, flexible_loads)

    prices = prices_with_load(dataset, ranks, run)
    assert calls == [[("z", pytest.approx(600.0))]]
    assert prices.loc["z", "price_before_pkr_per_mwh"] == pytest.approx(10_000.0)
    assert prices.loc["z", "price_with_load_pkr_per_mwh"] == pytest.approx(30_000.0)
    table = with_load_prices(ranking_frame(ranks), prices)
    assert "price_pkr_per_mwh" not in table.columns
    assert table.iloc[0]["price_with_load_pkr_per_mwh"] == pytest.approx(30_000.0)
    assert table.iloc[0]["price_before_pkr_per_mwh"] == pytest.approx(10_000.0)


def test_sites_in_one_zone_share_one_dispatch_and_no_headroom_needs_none() -> None:
    dataset = make_dataset(
        ["a", "b"],
        [
            {"plant": "pa", "zone": "a", "capacity_mw": 300.0,
             "variable_cost_pkr_per_mwh": 10_000.0},
            {"plant": "pb", "zone": "b", "capacity_mw": 100.0,
             "variable_cost_pkr_per_mwh": 10_000.0},
        ],
        {"a": [100.0, 100.0], "b": [100.0, 100.0]},
    )  # fmt: skip
    base = dispatch(dataset)
    sites = [Site("a", "a", "zone"), Site("pa", "a", "plant"), Site("b", "b", "zone")]
    ranks = rank_sites(base, sites)
    calls = []

    def run(data, flexible_loads=()):  # type: ignore[no-untyped-def]
        calls.append(len(flexible_loads))
        return dispatch(data, flexible_loads)

    prices = prices_with_load(dataset, ranks, run)
    assert calls == [1]  # zone b has nothing spare: no dispatch for it
    assert (
        prices.loc["a", "price_with_load_pkr_per_mwh"]
        == prices.loc["pa", "price_with_load_pkr_per_mwh"]
    )
    assert prices.loc["b", "load_mw"] == 0.0
