"""Monthly hydro budgets: local calendar months, pro-rated windows, operating plants only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surplus.grid import Dataset, load_dataset
from surplus.grid.budgets import hours_by_month, monthly_hydro_budgets_mwh
from tests.grid.tiny import write_tiny

JANUARY_HOURS = 31 * 24


@pytest.fixture
def data(tiny: Path) -> Dataset:
    return load_dataset(tiny)


def test_full_year_gives_the_listed_figures(data: Dataset) -> None:
    table = monthly_hydro_budgets_mwh(data)
    assert list(table.columns) == ["dam"]
    assert list(table.index) == list(range(1, 13))
    assert table.loc[1, "dam"] == 200_000
    assert table.loc[7, "dam"] == 600_000
    assert np.isinf(table["dam"].drop([1, 7])).all()
    assert table.equals(monthly_hydro_budgets_mwh(data, pro_rated=False))


def test_a_window_gets_its_share_of_the_month(data: Dataset) -> None:
    window = data.subset("2025-01-10T00:00+05:00", "2025-01-12T00:00+05:00")
    table = monthly_hydro_budgets_mwh(window)
    assert table.loc[1, "dam"] == pytest.approx(200_000 * 48 / JANUARY_HOURS)
    assert table.loc[7, "dam"] == 0.0  # a month the window does not reach gets no water
    assert np.isinf(table.loc[2, "dam"])
    full = monthly_hydro_budgets_mwh(window, pro_rated=False)
    assert full.loc[[1, 7], "dam"].tolist() == [200_000, 600_000]


def test_months_are_local_not_utc(data: Dataset) -> None:
    # 18:00 UTC on 31 January is 23:00 in Karachi; 19:00 UTC is already 1 February there.
    window = data.subset("2025-01-31T18:00+00:00", "2025-01-31T20:00+00:00")
    present, _ = hours_by_month(window)
    assert present[:2].tolist() == [1, 1]
    assert monthly_hydro_budgets_mwh(window).loc[1, "dam"] == pytest.approx(200_000 / 744)


def test_plants_that_do_not_operate_have_no_budget(data: Dataset) -> None:
    extra = pd.DataFrame([{"plant": "oldoil", "month": 3, "energy_mwh": 5.0}])
    budgets = pd.concat([data.hydro_budgets, extra], ignore_index=True)
    table = monthly_hydro_budgets_mwh(replace(data, hydro_budgets=budgets))
    assert list(table.columns) == ["dam"]


def test_no_budgets_give_an_empty_table(data: Dataset) -> None:
    table = monthly_hydro_budgets_mwh(replace(data, hydro_budgets=data.hydro_budgets.iloc[:0]))
    assert table.shape == (12, 0)


def test_a_leap_february_is_29_days(tmp_path: Path) -> None:
    data = load_dataset(write_tiny(tmp_path / "leap", year=2024))
    present, full = hours_by_month(data)
    assert full[1] == present[1] == 29 * 24
    assert full.sum() == present.sum() == 366 * 24
