"""The keys the scenario ensembles draw: `wind` and `solar` (a windier or sunnier year, at
most each plant's capacity) and `fuel_price.<fuel>` (that fuel's variable cost), worked by
hand on a one-zone system."""

from __future__ import annotations

import numpy as np
import pytest

from surplus.dispatch import dispatch
from surplus.errors import InputError
from surplus.grid.model import Dataset
from tests.dispatch.systems import make_dataset
from tests.sensitivity.test_changes import changed


def weather_system() -> Dataset:
    """Wind on a 0.5/0.8 profile, solar on 0/0.6, gas behind them; demand 300 MW."""
    return make_dataset(
        ["z"],
        [
            {
                "plant": "wind",
                "zone": "z",
                "fuel": "wind",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 0.0,
                "availability": "windy",
            },
            {
                "plant": "sun",
                "zone": "z",
                "fuel": "solar",
                "capacity_mw": 100.0,
                "variable_cost_pkr_per_mwh": 0.0,
                "availability": "sunny",
            },
            {
                "plant": "gas",
                "zone": "z",
                "fuel": "gas",
                "capacity_mw": 400.0,
                "variable_cost_pkr_per_mwh": 20_000.0,
            },
        ],
        {"z": [300.0, 300.0]},
        availability={"windy": [0.5, 0.8], "sunny": [0.0, 0.6]},
    )


def test_a_windier_year_is_capped_at_capacity_and_leaves_solar_alone() -> None:
    dataset, sentences = changed(weather_system(), "wind=150%")
    available = dataset.available_mw()
    assert available["wind"].to_numpy() == pytest.approx([75.0, 100.0])  # 1.2 capped at 1
    assert available["sun"].to_numpy() == pytest.approx([0.0, 60.0])
    assert sentences[0].startswith("wind at 150 % of the base")
    result = dispatch(dataset)
    assert result.generation_mw["gas"].to_numpy() == pytest.approx([225.0, 140.0])


def test_a_duller_year_scales_solar() -> None:
    dataset, _ = changed(weather_system(), "solar=50%")
    assert dataset.available_mw()["sun"].to_numpy() == pytest.approx([0.0, 30.0])
    assert dataset.available_mw()["wind"].to_numpy() == pytest.approx([50.0, 80.0])


def test_a_fuel_price_scales_that_fuels_cost_and_the_price_follows() -> None:
    dataset, sentences = changed(weather_system(), "fuel_price.gas=+50%")
    costs = dataset.plants["variable_cost_pkr_per_mwh"]
    assert costs["gas"] == pytest.approx(30_000.0) and costs["wind"] == 0.0
    assert "20,000 → 30,000" in sentences[0]
    price = dispatch(dataset).price_pkr_per_mwh["z"].to_numpy()
    assert np.allclose(price, 30_000.0)


def test_an_unknown_fuel_is_refused_with_the_names_allowed() -> None:
    with pytest.raises(InputError, match="gas, solar, wind"):
        changed(weather_system(), "fuel_price.coal=+10%")
