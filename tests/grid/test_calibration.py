"""The embedded Pakistan dataset stays within the published figures; the measures are exact."""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surplus.grid import Dataset, load_dataset
from surplus.grid.calibration import (
    COLUMNS,
    PAKISTAN_TARGETS,
    Target,
    annual_energy_gwh,
    available_energy_gwh,
    calibration_table,
    midday_to_evening_ratio,
    minimum_demand_mw,
    operating_capacity_mw,
    peak_demand_mw,
    summer_peak_hour,
    winter_daily_peak_mw,
    zone_energy_share,
)
from tests.grid.tiny import write_tiny

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "surplus" / "data" / "pakistan"


@pytest.fixture(scope="module")
def pakistan() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return load_dataset(write_tiny(tmp_path_factory.mktemp("tiny") / "tiny"))


def test_table_has_one_row_per_target_and_the_documented_columns(pakistan: Dataset) -> None:
    table = calibration_table(pakistan)
    assert tuple(table.columns) == COLUMNS
    assert list(table["metric"]) == [t.metric for t in PAKISTAN_TARGETS]
    assert table["metric"].is_unique


def test_embedded_dataset_is_within_every_published_band(pakistan: Dataset) -> None:
    table = calibration_table(pakistan)
    failing = table[~table["ok"]]
    assert failing.empty, "\n" + failing.to_string()


def test_every_band_contains_its_published_figure_or_says_why() -> None:
    # The hourly minimum is published only as "below 12 GW", so its figure is the band's top.
    for target in PAKISTAN_TARGETS:
        assert target.low < target.high, target.metric
        assert target.low <= target.published <= target.high, target.metric


def test_calibration_sources_are_listed_in_the_dataset(pakistan: Dataset) -> None:
    keys = {source.key for source in pakistan.info.sources}
    for target in PAKISTAN_TARGETS:
        assert set(target.source.split()) <= keys, target.metric


def test_measures_on_the_tiny_dataset_match_hand_arithmetic(tiny_dataset: Dataset) -> None:
    # Tiny: north = 900 + 300 sin(2 pi h / 24), south = 700, all year.
    assert annual_energy_gwh(tiny_dataset) == pytest.approx(8760 * 1600 / 1000, rel=1e-6)
    assert peak_demand_mw(tiny_dataset) == pytest.approx(1900.0)
    assert minimum_demand_mw(tiny_dataset) == pytest.approx(1300.0)
    assert winter_daily_peak_mw(tiny_dataset) == pytest.approx(1900.0)
    assert summer_peak_hour(tiny_dataset) == 6.0
    assert zone_energy_share("south")(tiny_dataset) == pytest.approx(700 / 1600, rel=1e-4)
    assert operating_capacity_mw("rlng")(tiny_dataset) == 800.0
    assert operating_capacity_mw("oil")(tiny_dataset) == 0.0  # the oil plant is retired
    assert operating_capacity_mw()(tiny_dataset) == 1000 + 800 + 1320 + 600


def test_midday_ratio_on_the_tiny_dataset(tiny_dataset: Dataset) -> None:
    def north(hour: float) -> float:
        return round(900 + 300 * np.sin(2 * np.pi * hour / 24), 1)

    midday = np.mean([north(12), north(13)]) + 700
    evening = np.mean([north(19), north(20), north(21)]) + 700
    assert midday_to_evening_ratio(tiny_dataset) == pytest.approx(midday / evening, rel=1e-9)


def test_hydro_energy_is_capped_by_the_monthly_budget(tiny_dataset: Dataset) -> None:
    # The dam (1000 MW) is available 0.3 outside Jun-Sep and 0.9 inside; January and July
    # are capped by their budgets (200,000 and 600,000 MWh), the other months are not.
    hours = {1: 744, 2: 672, 3: 744, 4: 720, 5: 744, 6: 720, 7: 744, 8: 744, 9: 720,
             10: 744, 11: 720, 12: 744}  # fmt: skip
    expected_mwh = (
        200_000
        + 600_000
        + sum(1000 * n * (0.9 if 6 <= m <= 9 else 0.3) for m, n in hours.items() if m not in (1, 7))
    )
    assert available_energy_gwh("hydro")(tiny_dataset) == pytest.approx(expected_mwh / 1000)
    assert available_energy_gwh("hydro", 7)(tiny_dataset) == pytest.approx(600.0)
    assert available_energy_gwh("hydro", 8)(tiny_dataset) == pytest.approx(0.9 * 744)


def test_ok_flags_a_figure_outside_its_band(tiny_dataset: Dataset) -> None:
    inside = Target("peak", "MW", 1900, 1800, 2000, "TEST", peak_demand_mw)
    outside = Target("peak too low", "MW", 1400, 1000, 1500, "TEST", peak_demand_mw)
    table = calibration_table(tiny_dataset, (inside, outside))
    assert list(table["ok"]) == [True, False]
    assert list(table["dataset"]) == pytest.approx([1900.0, 1900.0])


@settings(max_examples=15, deadline=None)
@given(factor=st.floats(min_value=0.2, max_value=5.0))
def test_scaling_demand_scales_energy_and_peak(tiny_dataset: Dataset, factor: float) -> None:
    scaled = replace(tiny_dataset, demand_mw=tiny_dataset.demand_mw * factor)
    assert annual_energy_gwh(scaled) == pytest.approx(factor * annual_energy_gwh(tiny_dataset))
    assert peak_demand_mw(scaled) == pytest.approx(factor * peak_demand_mw(tiny_dataset))
    assert summer_peak_hour(scaled) == summer_peak_hour(tiny_dataset)


def test_drifted_pakistan_demand_fails_the_calibration(pakistan: Dataset) -> None:
    drifted = replace(pakistan, demand_mw=pakistan.demand_mw * 1.06)
    table = calibration_table(drifted).set_index("metric")
    assert not table.loc["annual energy", "ok"]
    assert not table.loc["summer peak demand", "ok"]


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_pakistan_dataset", ROOT / "tools" / "build_pakistan_dataset.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_builder_regenerates_the_shipped_hourly_files(tmp_path: Path) -> None:
    shutil.copy(DATA / "plants.csv", tmp_path / "plants.csv")
    _builder().build(tmp_path)
    for name in ("demand.csv", "availability.csv", "hydro_budgets.csv"):
        rebuilt, shipped = pd.read_csv(tmp_path / name), pd.read_csv(DATA / name)
        # Numerically, not byte for byte: a newer numpy may round the last digit differently.
        pd.testing.assert_frame_equal(rebuilt, shipped, check_exact=False, atol=0.11, rtol=0)


def test_monthly_hydro_budgets_fit_within_available_capacity(pakistan: Dataset) -> None:
    budgets = pakistan.hydro_budgets
    available = pakistan.available_mw()
    monthly = available.groupby(pakistan.local_snapshots.month).sum()
    for row in budgets.itertuples():
        assert row.energy_mwh <= monthly.loc[row.month, row.plant], (row.plant, row.month)


def test_july_demand_dips_by_day_and_peaks_at_night(pakistan: Dataset) -> None:
    total = pd.Series(pakistan.demand_mw.sum(axis=1).to_numpy(), index=pakistan.local_snapshots)
    july = total[total.index.month == 7]
    by_hour = july.groupby(july.index.hour).mean()
    # The rooftop-solar trough sits in the day, the peak at night.
    assert by_hour.idxmin() in range(9, 15)
    assert by_hour.idxmax() in (21, 22, 23, 0)
